"""Contractor verification: documents checked by content and size, expiry rules, sending for
review, admin approval and rejection (audited, reason required), the badge dropped when documents
change, documents served only to their owner and admins, the daily expiry job, Spanish."""

from __future__ import annotations

import io
import uuid
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.config import Settings
from propintel.integrations.email import EmailMessage
from propintel.integrations.local.storage import LocalFileStorage
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Invalid
from propintel.marketplace import verification
from tests.factories import csrf_of, log_in_browser, make_subscriber, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
NOW = datetime(2026, 12, 6, 10, 0)
TODAY = NOW.date()


def image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 20, 30)).save(out, kind)
    return out.getvalue()


@pytest.fixture
def app_options(tmp_path: Path) -> dict[str, Any]:
    return {"settings": Settings(data_dir=tmp_path, verification_document_max_bytes=4096)}


@pytest.fixture
def storage(tmp_path: Path) -> LocalFileStorage:
    return LocalFileStorage(tmp_path / "media")


class Outbox:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    async def send(self, message: EmailMessage) -> Any:
        self.sent.append(message)
        return None


async def add(
    db: AsyncSession,
    user: User,
    storage: LocalFileStorage,
    kind: str,
    data: bytes = PDF,
    *,
    name: str = "doc.pdf",
    expires: date | None = TODAY + timedelta(days=300),
    now: datetime = NOW,
) -> verification.Document:
    return await verification.add_document(
        db, user, storage, kind=kind, file_name=name, data=data,
        expires_on=expires.isoformat() if expires else "", max_bytes=4096, now=now,
    )  # fmt: skip


async def ready(db: AsyncSession, storage: LocalFileStorage) -> User:
    """A subscriber with everything review needs."""
    user = await make_subscriber(db)
    await verification.update_details(
        db, user, license_number="CGC1520000", license_type="General contractor",
        year_established="2004", now=NOW,
    )  # fmt: skip
    await add(db, user, storage, "license", expires=None)
    await add(db, user, storage, "insurance")
    return user


# ---- content, size, expiry -----------------------------------------------------------------------


async def test_a_renamed_executable_is_refused_naming_the_users_file(
    db: AsyncSession, storage: LocalFileStorage, tmp_path: Path
) -> None:
    user = await make_subscriber(db)
    for data in (EXE, b"just some text, not a PDF at all\n"):
        with pytest.raises(Invalid) as refused:
            await add(db, user, storage, "license", data, name="license.pdf")
        assert "license.pdf" in refused.value.message and refused.value.field == "file"
    assert not list((tmp_path / "media").rglob("*.*")) if (tmp_path / "media").exists() else True
    assert (await verification.verification_of(db, user)).documents["license"] == []


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [(PDF, "application/pdf", "pdf"), (b"", "image/jpeg", "jpg"), (b"", "image/png", "png")],
)
async def test_pdf_jpeg_and_png_are_accepted_and_stored_privately(
    db: AsyncSession, storage: LocalFileStorage, data: bytes, content_type: str, extension: str
) -> None:
    data = data or image("JPEG" if extension == "jpg" else "PNG")
    user = await make_subscriber(db)
    doc = await add(db, user, storage, "license", data, name="scan.bin", expires=None)
    assert doc.content_type == content_type
    assert doc.key.startswith(f"verification/{user.user_id.hex}/") and doc.key.endswith(extension)
    stored = storage.get(doc.key)
    assert stored is not None and stored.data == data
    state = await verification.verification_of(db, user)
    assert [d.file_name for d in state.documents["license"]] == ["scan.bin"]


async def test_size_limit(db: AsyncSession, storage: LocalFileStorage) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid, match="too large"):
        await add(db, user, storage, "license", PDF + b"0" * 5000, name="big.pdf")
    await add(db, user, storage, "license", PDF + b"0" * 3000, name="fits.pdf")


async def test_insurance_and_bond_need_an_expiry_date(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    user = await make_subscriber(db)
    for kind in ("insurance", "bond"):
        with pytest.raises(Invalid) as refused:
            await add(db, user, storage, kind, expires=None)
        assert refused.value.field == "expires_on"
    with pytest.raises(Invalid):
        await add(db, user, storage, "insurance", expires=TODAY - timedelta(days=1))
    await add(db, user, storage, "license", expires=None)
    await add(db, user, storage, "bond", expires=TODAY)


async def test_year_established_is_checked(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    for year in ("1899", str(TODAY.year + 1), "abc"):
        with pytest.raises(Invalid) as refused:
            await verification.update_details(
                db, user, license_number="", license_type="", year_established=year, now=NOW
            )
        assert refused.value.field == "year_established"


# ---- review --------------------------------------------------------------------------------------


async def test_send_for_review_needs_number_license_and_insurance(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    user = await make_subscriber(db)
    with pytest.raises(Invalid, match="license number"):
        await verification.submit(db, user, NOW)
    await verification.update_details(
        db, user, license_number="CGC1", license_type="", year_established="", now=NOW
    )
    await add(db, user, storage, "license", expires=None)
    with pytest.raises(Invalid, match="insurance"):
        await verification.submit(db, user, NOW)
    await add(db, user, storage, "insurance")
    state = await verification.submit(db, user, NOW)
    assert state.status == "pending" and state.submitted_at == NOW and not state.verified
    with pytest.raises(Conflict):
        await verification.submit(db, user, NOW)


async def audit_rows(db: AsyncSession, admin: User) -> list[Any]:
    result = await db.execute(
        text(
            "SELECT action, target_entity, changes FROM admin_audit_logs"
            " WHERE admin_user_id = :a ORDER BY timestamp"
        ),
        {"a": admin.user_id},
    )
    return list(result.all())


async def test_approve_and_reject_are_audited_and_e_mailed(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    outbox = Outbox()
    first, second = await ready(db, storage), await ready(db, storage)
    for user in (first, second):
        await verification.submit(db, user, NOW)

    approved = await verification.approve(
        db, admin, first.user_id, sender=outbox, now=NOW, public_url="http://x"
    )
    assert approved.verified and approved.status == "approved" and approved.verified_at == NOW
    assert await verification.is_verified(db, first.user_id)

    with pytest.raises(Invalid) as no_reason:
        await verification.reject(
            db, admin, second.user_id, "  ", sender=outbox, now=NOW, public_url="http://x"
        )
    assert no_reason.value.field == "reason"
    rejected = await verification.reject(
        db, admin, second.user_id, "Insurance is in another name.",
        sender=outbox, now=NOW, public_url="http://x",
    )  # fmt: skip
    assert rejected.status == "rejected" and not rejected.verified
    assert rejected.reason == "Insurance is in another name."
    assert not await verification.is_verified(db, second.user_id)

    rows = await audit_rows(db, admin)
    assert [(r.action, r.target_entity) for r in rows] == [
        ("verification.approve", "subscriber_profiles"),
        ("verification.reject", "subscriber_profiles"),
    ]
    assert rows[1].changes["after"]["verification_reason"] == "Insurance is in another name."
    assert [m.to for m in outbox.sent] == [first.email, second.email]
    assert "Insurance is in another name." in outbox.sent[1].text


async def test_changing_documents_after_approval_drops_the_badge(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    user = await ready(db, storage)
    await verification.submit(db, user, NOW)
    await verification.approve(db, admin, user.user_id, sender=Outbox(), now=NOW, public_url="")
    with pytest.raises(Conflict):  # not while approved
        await verification.remove_document(db, user, storage, "license", 0, NOW)
    await add(db, user, storage, "bond")
    state = await verification.verification_of(db, user)
    assert state.status == "none" and not state.verified
    assert not await verification.is_verified(db, user.user_id)
    removed = await verification.remove_document(db, user, storage, "bond", 0, NOW)
    assert storage.get(removed.key) is None


async def test_the_queue_lists_pending_first_oldest_first_by_keyset(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    users = [await ready(db, storage) for _ in range(3)]
    for offset, user in zip((2, 1, 3), users, strict=True):
        await verification.submit(db, user, NOW - timedelta(hours=offset))
    await verification.approve(db, admin, users[2].user_id, sender=Outbox(), now=NOW, public_url="")
    seen: list[uuid.UUID] = []
    cursor = None
    while True:
        rows, cursor = await verification.review_queue(db, limit=1, cursor=cursor)
        seen += [r.user_id for r in rows if r.user_id in {u.user_id for u in users}]
        if cursor is None:
            break
    assert seen == [users[0].user_id, users[1].user_id, users[2].user_id]


# ---- the expiry job ------------------------------------------------------------------------------


async def test_expiry_job_drops_yesterdays_document_keeps_todays(
    db: AsyncSession, storage: LocalFileStorage
) -> None:
    admin = await make_user(db, UserType.ADMIN)
    earlier = NOW - timedelta(days=30)
    lapsing, current = await ready(db, storage), await ready(db, storage)
    await add(db, lapsing, storage, "bond", name="bond-2026.pdf", expires=TODAY - timedelta(days=1),
              now=earlier)  # fmt: skip
    await add(db, current, storage, "bond", name="bond-today.pdf", expires=TODAY, now=earlier)
    for user in (lapsing, current):
        await verification.submit(db, user, earlier)
        await verification.approve(
            db, admin, user.user_id, sender=Outbox(), now=earlier, public_url=""
        )
    outbox = Outbox()
    report = await verification.expire_lapsed(db, outbox, now=NOW, public_url="http://x")
    assert str(lapsing.user_id) in report.users and str(current.user_id) not in report.users
    gone = await verification.verification_of(db, lapsing)
    assert gone.status == "expired" and not gone.verified and "bond-2026.pdf" in (gone.reason or "")
    kept = await verification.verification_of(db, current)
    assert kept.status == "approved" and kept.verified
    assert [m.to for m in outbox.sent if m.to in (lapsing.email, current.email)] == [lapsing.email]
    again = await verification.expire_lapsed(db, Outbox(), now=NOW, public_url="")
    assert str(lapsing.user_id) not in again.users


async def test_the_expiry_job_is_declared_and_scheduled() -> None:
    from propintel.jobs.registry import declared_jobs
    from propintel.jobs.schedule import SCHEDULE

    assert "marketplace.verification_expiry" in declared_jobs()
    assert "marketplace.verification_expiry" in {job.name for job in SCHEDULE}


# ---- over HTTP -----------------------------------------------------------------------------------


async def test_pages_upload_and_documents_are_served_only_to_owner_and_admin(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    owner = await make_subscriber(db)
    owner_id = owner.user_id  # a 404 below rolls back: the objects expire
    await log_in_browser(client, owner)
    csrf = csrf_of(client)
    page = await client.get("/marketplace/verification")
    assert page.status_code == 200 and "Not verified" in page.text

    refused = await client.post(
        "/marketplace/verification/documents",
        data={"csrf_token": csrf, "kind": "license", "expires_on": ""},
        files={"file": ("license.pdf", EXE, "application/pdf")},
    )
    assert refused.status_code == 422
    assert "license.pdf is not a PDF" in refused.text and 'id="file-error"' in refused.text

    uploaded = await client.post(
        "/marketplace/verification/documents",
        data={"csrf_token": csrf, "kind": "license", "expires_on": ""},
        files={"file": ("my license.pdf", PDF, "application/pdf")},
    )
    assert uploaded.status_code == 303
    url = "/marketplace/verification/documents/license/0"
    own = await client.get(url)
    assert own.status_code == 200 and own.content == PDF
    assert own.headers["content-disposition"].startswith("attachment")
    assert own.headers["x-content-type-options"] == "nosniff"
    assert own.headers["cache-control"] == "no-store"
    confirm = await client.get(url + "/remove")
    assert confirm.status_code == 200 and "my license.pdf" in confirm.text

    other = await make_subscriber(db)
    await log_in_browser(client, other)
    assert (await client.get(url)).status_code == 404
    admin_url = f"/admin/verification/{owner_id}/documents/license/0"
    assert (await client.get(admin_url)).status_code == 403

    await log_in_browser(client, await make_user(db, UserType.HOMEOWNER))
    assert (await client.get(url)).status_code == 403
    assert (await client.get(admin_url)).status_code == 403

    await log_in_browser(client, await make_user(db, UserType.ADMIN))
    served = await client.get(admin_url)
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["x-content-type-options"] == "nosniff"
    assert (await client.get(f"/admin/verification/{owner_id}")).status_code == 200


async def test_admin_pages_review_and_reject_with_a_reason(
    client: httpx.AsyncClient, db: AsyncSession, tmp_path: Path
) -> None:
    storage = LocalFileStorage(tmp_path / "media")
    contractor = await ready(db, storage)
    await verification.submit(db, contractor, now_new_york())
    admin = await make_user(db, UserType.ADMIN)
    await log_in_browser(client, admin)
    csrf = csrf_of(client)
    queue = await client.get("/admin/verification")
    assert queue.status_code == 200 and f"/admin/verification/{contractor.user_id}" in queue.text
    detail = f"/admin/verification/{contractor.user_id}"
    missing = await client.post(detail + "/reject", data={"csrf_token": csrf, "reason": ""})
    assert missing.status_code == 422 and 'id="reason-error"' in missing.text
    done = await client.post(detail + "/reject", data={"csrf_token": csrf, "reason": "Blurry."})
    assert done.status_code == 303
    await log_in_browser(client, contractor)
    page = (await client.get("/marketplace/verification")).text
    assert "Blurry." in page and "Not approved" in page


async def test_the_page_renders_in_spanish(client: httpx.AsyncClient, db: AsyncSession) -> None:
    user = await make_subscriber(db)
    await log_in_browser(client, user)
    page = await client.get("/marketplace/verification", headers={"Accept-Language": "es"})
    assert page.status_code == 200
    assert "Verificación de contratista" in page.text and "Enviar a revisión" in page.text


async def test_api_state_and_submit(client: httpx.AsyncClient, db: AsyncSession) -> None:
    from tests.factories import bearer_for

    user = await make_subscriber(db)
    headers = await bearer_for(client, user)
    state = await client.get("/api/v1/marketplace/verification", headers=headers)
    assert state.status_code == 200 and state.json()["status"] == "none"
    refused = await client.post("/api/v1/marketplace/verification/submit", headers=headers)
    assert refused.status_code == 422
