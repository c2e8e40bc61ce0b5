"""Contractor verification pages. Subscribers: ``/marketplace/verification`` (license details,
documents, send for review) and their own documents' downloads. Admins: ``/admin/verification``
(the review queue), a contractor's detail with its documents, approve or reject with a reason.
Documents are served only here, as attachments, never cached, never sniffed."""

from __future__ import annotations

import uuid
from typing import Annotated, Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response

from propintel.auth.deps import AdminUser, SubscriberUser
from propintel.auth.models import User
from propintel.db.session import DbSession
from propintel.integrations.email import EmailSenders
from propintel.integrations.storage import FileStorage, StoredFile
from propintel.kit.clock import now_new_york, today_new_york
from propintel.kit.errors import DomainError, NotFound
from propintel.kit.i18n import _
from propintel.marketplace import verification
from propintel.marketplace.verification import KINDS, NEEDS_EXPIRY, Document
from propintel.web.field_messages import domain_error_fields
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/marketplace/verification"
ADMIN = "/admin/verification"
PER_PAGE = 25


def storage_of(request: Request) -> FileStorage:
    storage: FileStorage = request.app.state.file_storage
    return storage


def _senders(request: Request) -> EmailSenders:
    senders: EmailSenders = request.app.state.email_senders
    return senders


def max_bytes_of(request: Request) -> int:
    limit: int = request.app.state.settings.verification_document_max_bytes
    return limit


def download(doc: Document, stored: StoredFile) -> Response:
    """A document as an attachment: never rendered inline, never sniffed, never cached."""
    ascii_name = doc.file_name.encode("ascii", "replace").decode().replace('"', "'")
    return Response(
        stored.data,
        media_type=doc.content_type,
        headers={
            "Content-Disposition": (
                f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(doc.file_name)}"
            ),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )


async def _page(
    request: Request,
    db: DbSession,
    user: User,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    state = await verification.verification_of(db, user)
    context: dict[str, Any] = {
        "state": state,
        "kinds": [(kind, verification.kind_label(kind)) for kind in KINDS],
        "needs_expiry": NEEDS_EXPIRY,
        "today": today_new_york(),
        "max_mb": round(max_bytes_of(request) / (1024 * 1024), 1),
        "values": values
        or {
            "license_number": state.license_number or "",
            "license_type": state.license_type or "",
            "year_established": str(state.year_established or ""),
            "google_place_id": state.google_place_id or "",
            "kind": "license",
            "expires_on": "",
        },
        "errors": errors or {},
    }
    return render(request, "marketplace/verification.html", context, status_code=status_code)


@router.get(PAGE)
async def verification_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    return await _page(request, db, user)


@router.post(PAGE + "/details")
async def save_details(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    license_number: str = Form(""),
    license_type: str = Form(""),
    year_established: str = Form(""),
    google_place_id: str = Form(""),
) -> Response:
    try:
        await verification.update_details(
            db, user, license_number=license_number, license_type=license_type,
            year_established=year_established, now=now_new_york(),
            google_place_id=google_place_id,
        )  # fmt: skip
    except DomainError as error:
        values = {
            "license_number": license_number, "license_type": license_type,
            "year_established": year_established, "google_place_id": google_place_id,
            "kind": "license", "expires_on": "",
        }  # fmt: skip
        return await _page(
            request, db, user, values=values, errors=domain_error_fields(error), status_code=422
        )
    return redirect_with_flash(request, PAGE, _("Your license details are saved."), "success")


@router.post(PAGE + "/documents")
async def upload_document(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    kind: Annotated[str, Form()] = "",
    expires_on: Annotated[str, Form()] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    limit = max_bytes_of(request)
    data = await file.read(limit + 1) if file is not None else b""
    try:
        await verification.add_document(
            db, user, storage_of(request), kind=kind,
            file_name=file.filename if file is not None else None, data=data,
            expires_on=expires_on, max_bytes=limit, now=now_new_york(),
        )  # fmt: skip
    except DomainError as error:
        state = await verification.verification_of(db, user)
        values = {
            "license_number": state.license_number or "",
            "license_type": state.license_type or "",
            "year_established": str(state.year_established or ""),
            "google_place_id": state.google_place_id or "",
            "kind": kind, "expires_on": expires_on,
        }  # fmt: skip
        errors = domain_error_fields(error)
        if "form" in errors or "kind" in errors:
            errors = {"file": next(iter(errors.values()))}
        return await _page(request, db, user, values=values, errors=errors, status_code=422)
    return redirect_with_flash(request, PAGE, _("Your document is saved."), "success")


@router.get(PAGE + "/documents/{kind}/{index}")
async def own_document(
    request: Request, user: SubscriberUser, db: DbSession, kind: str, index: int
) -> Response:
    doc, stored = await verification.document_file(
        db, storage_of(request), user.user_id, kind, index
    )
    return download(doc, stored)


@router.get(PAGE + "/documents/{kind}/{index}/remove")
async def confirm_remove(
    request: Request, user: SubscriberUser, db: DbSession, kind: str, index: int
) -> Response:
    doc = await verification.document(db, user, kind, index)
    return render(request, "marketplace/verification_remove.html", {"doc": doc})


@router.post(PAGE + "/documents/{kind}/{index}/remove")
async def remove_document(
    request: Request, user: SubscriberUser, db: DbSession, kind: str, index: int
) -> Response:
    try:
        await verification.remove_document(
            db, user, storage_of(request), kind, index, now_new_york()
        )
    except NotFound:
        raise
    except DomainError as error:
        return await _page(request, db, user, errors=domain_error_fields(error), status_code=409)
    return redirect_with_flash(request, PAGE, _("The document is removed."), "success")


@router.post(PAGE + "/submit")
async def submit(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    try:
        await verification.submit(db, user, now_new_york())
    except DomainError as error:
        return await _page(request, db, user, errors={"form": error.message}, status_code=422)
    return redirect_with_flash(request, PAGE, _("Your verification is sent for review."), "success")


# ---- admin ---------------------------------------------------------------------------------------


@router.get(ADMIN)
async def review_queue(
    request: Request, user: AdminUser, db: DbSession, cursor: str | None = None
) -> Response:
    rows, next_cursor = await verification.review_queue(db, limit=PER_PAGE, cursor=cursor)
    context = {
        "rows": rows,
        "next_url": f"{ADMIN}?{urlencode({'cursor': next_cursor})}" if next_cursor else None,
        "first_url": ADMIN if cursor else None,
    }
    return render(request, "marketplace/verification_queue.html", context)


async def _review_page(
    request: Request,
    db: DbSession,
    user_id: uuid.UUID,
    *,
    errors: dict[str, str] | None = None,
    reason: str = "",
    status_code: int = 200,
) -> Response:
    state = await verification.for_review(db, user_id)
    context = {
        "state": state,
        "today": today_new_york(),
        "errors": errors or {},
        "reason": reason,
    }
    return render(request, "marketplace/verification_review.html", context, status_code=status_code)


@router.get(ADMIN + "/{user_id}")
async def review(request: Request, user: AdminUser, db: DbSession, user_id: uuid.UUID) -> Response:
    return await _review_page(request, db, user_id)


@router.get(ADMIN + "/{user_id}/documents/{kind}/{index}")
async def admin_document(
    request: Request, user: AdminUser, db: DbSession, user_id: uuid.UUID, kind: str, index: int
) -> Response:
    doc, stored = await verification.document_file(db, storage_of(request), user_id, kind, index)
    return download(doc, stored)


@router.post(ADMIN + "/{user_id}/approve")
async def approve(request: Request, user: AdminUser, db: DbSession, user_id: uuid.UUID) -> Response:
    settings = request.app.state.settings
    try:
        await verification.approve(
            db, user, user_id, sender=_senders(request)(db), now=now_new_york(),
            public_url=settings.public_base_url,
        )  # fmt: skip
    except DomainError as error:
        return await _review_page(
            request, db, user_id, errors={"form": error.message}, status_code=409
        )
    return redirect_with_flash(request, ADMIN, _("The contractor is verified."), "success")


@router.post(ADMIN + "/{user_id}/reject")
async def reject(
    request: Request,
    user: AdminUser,
    db: DbSession,
    user_id: uuid.UUID,
    reason: str = Form(""),
) -> Response:
    settings = request.app.state.settings
    try:
        await verification.reject(
            db, user, user_id, reason, sender=_senders(request)(db), now=now_new_york(),
            public_url=settings.public_base_url,
        )  # fmt: skip
    except DomainError as error:
        return await _review_page(
            request, db, user_id, errors=domain_error_fields(error), reason=reason, status_code=422
        )
    return redirect_with_flash(request, ADMIN, _("The verification is not approved."), "success")
