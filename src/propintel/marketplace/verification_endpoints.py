"""Contractor verification in the JSON API: the subscriber's state, its documents' downloads,
and sending for review (``/api/v1/marketplace/verification``). Uploads go through the page."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import BaseModel

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import NewYorkDatetime, now_new_york
from propintel.marketplace import verification
from propintel.marketplace.verification import Verification
from propintel.marketplace.verification_pages import download, storage_of

router = APIRouter(prefix="/api/v1/marketplace/verification", tags=["marketplace"])


class DocumentOut(BaseModel):
    kind: str
    index: int
    file_name: str
    content_type: str
    size: int
    expires_on: date | None
    uploaded_at: NewYorkDatetime | None


class VerificationOut(BaseModel):
    status: str
    verified: bool
    reason: str | None
    license_number: str | None
    license_type: str | None
    year_established: int | None
    submitted_at: NewYorkDatetime | None
    verified_at: NewYorkDatetime | None
    documents: list[DocumentOut]
    missing: list[str]


def _out(state: Verification) -> VerificationOut:
    return VerificationOut(
        status=state.status,
        verified=state.verified,
        reason=state.reason,
        license_number=state.license_number,
        license_type=state.license_type,
        year_established=state.year_established,
        submitted_at=state.submitted_at,
        verified_at=state.verified_at,
        documents=[
            DocumentOut(
                kind=doc.kind,
                index=doc.index,
                file_name=doc.file_name,
                content_type=doc.content_type,
                size=doc.size,
                expires_on=doc.expires_on,
                uploaded_at=doc.uploaded_at,
            )
            for doc in state.all_documents()
        ],
        missing=state.missing(),
    )


@router.get("")
async def get_verification(user: SubscriberUser, db: DbSession) -> VerificationOut:
    return _out(await verification.verification_of(db, user))


@router.post("/submit")
async def submit(user: SubscriberUser, db: DbSession) -> VerificationOut:
    return _out(await verification.submit(db, user, now_new_york()))


@router.get("/documents/{kind}/{index}")
async def own_document(
    request: Request, user: SubscriberUser, db: DbSession, kind: str, index: int
) -> Response:
    doc, stored = await verification.document_file(
        db, storage_of(request), user.user_id, kind, index
    )
    return download(doc, stored)
