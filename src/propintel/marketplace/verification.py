"""Contractor verification: a subscriber's license details and documents (license, insurance,
bond), sent for review; an admin approves (the ``verified`` badge) or rejects with a reason; a
daily job takes the badge from profiles whose documents have lapsed (docs/marketplace.md,
"Contractor verification").

Documents are checked by their content (PDF, JPEG or PNG magic bytes, never the name or the
declared type), stored under a private key (``verification/<user_id>/<random>.<ext>``, never
served at ``/media``) and listed in the profile's JSONB columns. The badge only stands for what an
admin saw: changing the documents or the license details of an approved (or pending) profile puts
it back to ``none`` without the badge.
"""

from __future__ import annotations

import enum
import logging
import re
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Final

from anyio import to_thread
from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.audit.service import Admin, audit
from propintel.auth import service as auth
from propintel.auth.models import User, UserType
from propintel.integrations.email import EmailMessage, EmailSender, EmailSendError
from propintel.integrations.storage import FileStorage, StoredFile
from propintel.kit import i18n
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing
from propintel.marketplace.verification_repository import VerificationRepository
from propintel.profiles import service as profiles
from propintel.web.templating import templated_email

logger = logging.getLogger("propintel.marketplace.verification")

KINDS: Final = ("license", "insurance", "bond")
KIND_LABELS: Final = {
    "license": N_("License"),
    "insurance": N_("Insurance"),
    "bond": N_("Bond"),
}
NEEDS_EXPIRY: Final = frozenset({"insurance", "bond"})
MAX_DOCUMENTS: Final = 10  # per kind
FILE_NAME_MAX: Final = 200
LICENSE_MAX: Final = 100
REASON_MAX: Final = 2000
PREFIX: Final = "verification/"
ENTITY: Final = "subscriber_profiles"
QUEUE = Listing("verification_queue", (KeyPart.INT, KeyPart.DATETIME, KeyPart.UUID))
EMAIL_CATEGORY: Final = "verification"


class Status(enum.StrEnum):
    NONE = "none"
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    EXPIRED = "expired"


STATUS_LABELS: Final = {
    Status.NONE: N_("Not verified"),
    Status.PENDING: N_("Waiting for review"),
    Status.APPROVED: N_("Verified"),
    Status.REJECTED: N_("Not approved"),
    Status.EXPIRED: N_("Expired"),
}


def status_label(status: str) -> str:
    return i18n.gettext(STATUS_LABELS[Status(status)]) if status in set(Status) else status


def kind_label(kind: str) -> str:
    return i18n.gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


# ---- file content --------------------------------------------------------------------------------

# (magic bytes, content type, extension): what a document may be, recognised by its first bytes.
_SIGNATURES: Final = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
)


def sniff(data: bytes) -> tuple[str, str] | None:
    """The content type and extension of a PDF, JPEG or PNG by its content, else None."""
    for magic, content_type, extension in _SIGNATURES:
        if data.startswith(magic):
            return content_type, extension
    return None


def _clean_file_name(name: str | None) -> str:
    """The user's file name as shown back to them: its last path part, printable, bounded."""
    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    printable = "".join(ch for ch in base if ch.isprintable()).strip()
    return printable[:FILE_NAME_MAX] or _("(no name)")


# ---- the state -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Document:
    kind: str
    index: int
    key: str
    file_name: str
    content_type: str
    size: int
    expires_on: date | None
    uploaded_at: datetime | None

    def expired(self, today: date) -> bool:
        return self.expires_on is not None and self.expires_on < today

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


@dataclass(frozen=True)
class Verification:
    user_id: uuid.UUID
    profile_id: uuid.UUID
    email: str
    business_name: str | None
    license_number: str | None
    license_type: str | None
    year_established: int | None
    google_place_id: str | None
    documents: dict[str, list[Document]]
    status: str
    reason: str | None
    submitted_at: datetime | None
    verified_at: datetime | None
    verified: bool

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def locked(self) -> bool:
        """Documents cannot be removed while approved."""
        return self.status == Status.APPROVED

    def all_documents(self) -> list[Document]:
        return [doc for kind in KINDS for doc in self.documents[kind]]

    def missing(self) -> list[str]:
        """What sending for review still needs (translated sentences)."""
        needs = []
        if not self.license_number:
            needs.append(_("the license number"))
        if not self.documents["license"]:
            needs.append(_("a license document"))
        if not self.documents["insurance"]:
            needs.append(_("an insurance document"))
        return needs


def _date(value: Any) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _datetime(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        return None


def _documents(row: Row[Any], kind: str) -> list[Document]:
    stored = getattr(row, f"{kind}_documents")
    if not isinstance(stored, list):
        return []
    return [
        Document(
            kind=kind,
            index=index,
            key=str(item.get("key") or ""),
            file_name=str(item.get("file_name") or ""),
            content_type=str(item.get("content_type") or "application/octet-stream"),
            size=int(item.get("size") or 0),
            expires_on=_date(item.get("expires_on")),
            uploaded_at=_datetime(item.get("uploaded_at")),
        )
        for index, item in enumerate(stored)
        if isinstance(item, dict)
    ]


def _stored(documents: list[Document]) -> list[dict[str, Any]]:
    return [
        {
            "key": doc.key,
            "file_name": doc.file_name,
            "content_type": doc.content_type,
            "size": doc.size,
            "expires_on": doc.expires_on.isoformat() if doc.expires_on else None,
            "uploaded_at": doc.uploaded_at.isoformat() if doc.uploaded_at else None,
        }
        for doc in documents
    ]


def _of(row: Row[Any]) -> Verification:
    return Verification(
        user_id=row.user_id,
        profile_id=row.profile_id,
        email=row.email,
        business_name=row.business_name,
        license_number=row.license_number,
        license_type=row.license_type,
        year_established=row.year_established,
        google_place_id=row.google_place_id,
        documents={kind: _documents(row, kind) for kind in KINDS},
        status=row.verification_status or Status.NONE,
        reason=row.verification_reason,
        submitted_at=row.verification_submitted_at,
        verified_at=row.verified_at,
        verified=bool(row.verified),
    )


async def verification_of(session: AsyncSession, user: User) -> Verification:
    """The subscriber's verification state (its profile is made now if it has none)."""
    if user.user_type != UserType.SUBSCRIBER:
        raise Forbidden(_("Only contractors (subscribers) can be verified."))
    await profiles.subscriber_profile(session, user)
    await session.flush()
    row = await VerificationRepository.from_session(session).profile(user.user_id)
    assert row is not None
    return _of(row)


async def is_verified(session: AsyncSession, user_id: uuid.UUID) -> bool:
    """Whether the contractor holds the badge (an admin approved what it sent, still current)."""
    return await VerificationRepository.from_session(session).is_verified(user_id)


PLACE_ID = re.compile(r"[A-Za-z0-9_-]{10,255}")


def _reset(state: Verification) -> dict[str, Any]:
    """What a change of reviewed material does: an approved or pending profile goes back to
    ``none`` and loses the badge (the badge only stands for what an admin saw)."""
    if state.status in (Status.APPROVED, Status.PENDING):
        return {"verification_status": Status.NONE.value, "verified": False}
    return {}


# ---- the contractor's changes --------------------------------------------------------------------


def _year(value: str, today: date) -> int | None:
    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or not 1900 <= int(value) <= today.year:
        raise Invalid(
            _("Enter a year between 1900 and {year}.").format(year=today.year),
            field="year_established",
        )
    return int(value)


async def update_details(
    session: AsyncSession,
    user: User,
    *,
    license_number: str,
    license_type: str,
    year_established: str,
    now: datetime,
    google_place_id: str = "",
) -> Verification:
    """License number and type (free text), the year the business was established and its
    Google Business place id (linked from the public profile; not reviewed material)."""
    state = await verification_of(session, user)
    number, kind = license_number.strip(), license_type.strip()
    for name, value in (("license_number", number), ("license_type", kind)):
        if len(value) > LICENSE_MAX:
            raise Invalid(_("At most {count} characters.").format(count=LICENSE_MAX), field=name)
    year = _year(year_established, now.date())
    place = google_place_id.strip()
    if place and not PLACE_ID.fullmatch(place):
        raise Invalid(
            _(
                "A Google place id has only letters, digits, - and _ "
                "(e.g. ChIJN1t_tDeuEmsRUsoyG83frY4)."
            ),
            field="google_place_id",
        )
    values: dict[str, Any] = {
        "license_number": number or None,
        "license_type": kind or None,
        "year_established": year,
        "google_place_id": place or None,
        "updated_at": now,
    }
    if (number or None, kind or None) != (state.license_number, state.license_type):
        values.update(_reset(state))
    await VerificationRepository.from_session(session).update(user.user_id, **values)
    return await verification_of(session, user)


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise NotFound(_("No such document."))
    return kind


def _expiry(kind: str, value: str, today: date) -> date | None:
    value = value.strip()
    if not value:
        if kind in NEEDS_EXPIRY:
            raise Invalid(_("Enter the date this document expires."), field="expires_on")
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as error:
        raise Invalid(_("Enter a date as YYYY-MM-DD."), field="expires_on") from error
    if day < today:
        raise Invalid(_("This document has already expired."), field="expires_on")
    return day


def checked_document(data: bytes, file_name: str, max_bytes: int) -> tuple[str, str]:
    """The content type and extension of an acceptable upload, or ``Invalid`` (field ``file``)
    naming the user's own file name."""
    if not data:
        raise Invalid(_("Choose a file to upload."), field="file")
    if len(data) > max_bytes:
        raise Invalid(
            _("{name} is too large: at most {size} MB.").format(
                name=file_name, size=round(max_bytes / (1024 * 1024), 1)
            ),
            field="file",
        )
    found = sniff(data)
    if found is None:
        raise Invalid(
            _("{name} is not a PDF, JPEG or PNG file (checked by its content).").format(
                name=file_name
            ),
            field="file",
        )
    return found


async def add_document(
    session: AsyncSession,
    user: User,
    storage: FileStorage,
    *,
    kind: str,
    file_name: str | None,
    data: bytes,
    expires_on: str,
    max_bytes: int,
    now: datetime,
) -> Document:
    """Check and store one document and list it on the profile. A refused file stores nothing."""
    _kind(kind)
    state = await verification_of(session, user)
    name = _clean_file_name(file_name)
    expiry = _expiry(kind, expires_on, now.date())
    content_type, extension = checked_document(data, name, max_bytes)
    if len(state.documents[kind]) >= MAX_DOCUMENTS:
        raise Conflict(
            _("At most {count} documents of this kind: remove one first.").format(
                count=MAX_DOCUMENTS
            ),
            field="file",
        )
    key = f"{PREFIX}{user.user_id.hex}/{uuid.uuid4().hex}.{extension}"
    await to_thread.run_sync(storage.put, key, data, content_type)
    document = Document(
        kind, len(state.documents[kind]), key, name, content_type, len(data), expiry, now
    )
    values: dict[str, Any] = {
        f"{kind}_documents": _stored([*state.documents[kind], document]),
        "updated_at": now,
        **_reset(state),
    }
    await VerificationRepository.from_session(session).update(user.user_id, **values)
    return document


def _document(state: Verification, kind: str, index: int) -> Document:
    documents = state.documents[_kind(kind)]
    if not 0 <= index < len(documents):
        raise NotFound(_("No such document."))
    return documents[index]


async def document(session: AsyncSession, user: User, kind: str, index: int) -> Document:
    return _document(await verification_of(session, user), kind, index)


async def remove_document(
    session: AsyncSession,
    user: User,
    storage: FileStorage,
    kind: str,
    index: int,
    now: datetime,
) -> Document:
    """Remove a document (not while approved: send new ones, which ends the approval)."""
    state = await verification_of(session, user)
    doc = _document(state, kind, index)
    if state.locked:
        raise Conflict(
            _(
                "Your verification is approved: its documents cannot be removed. Upload a new "
                "document instead (this sends your verification back for review)."
            )
        )
    remaining = [d for d in state.documents[kind] if d.index != index]
    values: dict[str, Any] = {
        f"{kind}_documents": _stored(remaining),
        "updated_at": now,
        **_reset(state),
    }
    await VerificationRepository.from_session(session).update(user.user_id, **values)
    await session.flush()
    await to_thread.run_sync(storage.delete, doc.key)
    return doc


async def submit(session: AsyncSession, user: User, now: datetime) -> Verification:
    """Send for review: needs the license number, a license document and an insurance one."""
    state = await verification_of(session, user)
    if state.status == Status.PENDING:
        raise Conflict(_("Your verification is already waiting for review."))
    if state.status == Status.APPROVED:
        raise Conflict(_("Your verification is already approved."))
    missing = state.missing()
    if missing:
        raise Invalid(
            _("Before sending for review, add: {missing}.").format(missing=", ".join(missing))
        )
    today = now.date()
    lapsed = [doc for doc in state.all_documents() if doc.expired(today)]
    if lapsed:
        raise Invalid(
            _("{name} has expired: remove it or upload a current one.").format(
                name=lapsed[0].file_name
            )
        )
    await VerificationRepository.from_session(session).update(
        user.user_id,
        verification_status=Status.PENDING.value,
        verification_submitted_at=now,
        verified=False,
        updated_at=now,
    )
    return await verification_of(session, user)


async def document_file(
    session: AsyncSession, storage: FileStorage, user_id: uuid.UUID, kind: str, index: int
) -> tuple[Document, StoredFile]:
    """A document's bytes, for its owner or an admin (the caller checks who asks)."""
    row = await VerificationRepository.from_session(session).profile(user_id)
    if row is None:
        raise NotFound(_("No such document."))
    doc = _document(_of(row), kind, index)
    stored = await to_thread.run_sync(storage.get, doc.key)
    if stored is None:
        raise NotFound(_("No such document."))
    return doc, stored


# ---- review --------------------------------------------------------------------------------------


async def review_queue(
    session: AsyncSession, *, limit: int, cursor: str | None
) -> tuple[list[Verification], str | None]:
    """Profiles sent for review: pending first (oldest first), then the decided ones."""
    after = QUEUE.decode_optional(cursor)
    rows = await VerificationRepository.from_session(session).queue(
        (int(after[0]), after[1], after[2]) if after else None, limit + 1
    )
    page, next_cursor = QUEUE.page(
        rows, limit, key=lambda row: (row.rank, row.submitted, row.profile_id)
    )
    return [_of(row) for row in page], next_cursor


async def for_review(session: AsyncSession, user_id: uuid.UUID) -> Verification:
    row = await VerificationRepository.from_session(session).profile(user_id)
    if row is None:
        raise NotFound(_("No such contractor."))
    return _of(row)


def _audit_state(state: Verification) -> dict[str, Any]:
    return {"verification_status": state.status, "verified": state.verified}


async def approve(
    session: AsyncSession,
    admin: Admin,
    user_id: uuid.UUID,
    *,
    sender: EmailSender,
    now: datetime,
    public_url: str,
) -> Verification:
    state = await for_review(session, user_id)
    if state.status != Status.PENDING:
        raise Conflict(_("Only a verification waiting for review can be approved."))
    repo = VerificationRepository.from_session(session)
    await repo.update(
        user_id,
        verified=True,
        verification_status=Status.APPROVED.value,
        verification_reason=None,
        verified_at=now,
        verified_by=admin.user_id,
        updated_at=now,
    )
    after = await for_review(session, user_id)
    await audit(
        session, admin, "verification.approve", ENTITY, state.profile_id,
        _audit_state(state), _audit_state(after),
    )  # fmt: skip
    await _notify(session, sender, user_id, after, public_url)
    return after


async def reject(
    session: AsyncSession,
    admin: Admin,
    user_id: uuid.UUID,
    reason: str,
    *,
    sender: EmailSender,
    now: datetime,
    public_url: str,
) -> Verification:
    reason = reason.strip()
    if not reason:
        raise Invalid(_("Say why the verification is not approved."), field="reason")
    if len(reason) > REASON_MAX:
        raise Invalid(_("At most {count} characters.").format(count=REASON_MAX), field="reason")
    state = await for_review(session, user_id)
    if state.status != Status.PENDING:
        raise Conflict(_("Only a verification waiting for review can be rejected."))
    await VerificationRepository.from_session(session).update(
        user_id,
        verified=False,
        verification_status=Status.REJECTED.value,
        verification_reason=reason,
        updated_at=now,
    )
    after = await for_review(session, user_id)
    await audit(
        session, admin, "verification.reject", ENTITY, state.profile_id,
        _audit_state(state), {**_audit_state(after), "verification_reason": reason},
    )  # fmt: skip
    await _notify(session, sender, user_id, after, public_url)
    return after


_SUBJECTS: Final = {
    Status.APPROVED: N_("Your PropIntel verification is approved"),
    Status.REJECTED: N_("Your PropIntel verification was not approved"),
    Status.EXPIRED: N_("Your PropIntel verification has expired"),
}


async def _message(
    session: AsyncSession, user_id: uuid.UUID, state: Verification, public_url: str
) -> EmailMessage | None:
    """The outcome e-mail to the contractor, in its language (None: nobody to tell)."""
    found = await auth.users_by_ids(session, [user_id])
    subject = _SUBJECTS.get(Status(state.status))
    if not found or subject is None:
        return None
    user = found[0]
    context = {
        "status": state.status,
        "reason": state.reason,
        "url": public_url.rstrip("/") + "/marketplace/verification",
    }
    return templated_email(
        user.email, subject, "verification_outcome", context,
        locale=user.preferred_locale or i18n.DEFAULT_LOCALE,
        category=EMAIL_CATEGORY, user_id=user.user_id,
    )  # fmt: skip


async def _notify(
    session: AsyncSession,
    sender: EmailSender,
    user_id: uuid.UUID,
    state: Verification,
    public_url: str,
) -> None:
    """E-mail the outcome; a failed send is logged, the decision stands (the page shows it)."""
    message = await _message(session, user_id, state, public_url)
    if message is None:
        return
    try:
        await sender.send(message)
    except EmailSendError as error:
        logger.warning(
            "verification e-mail failed", extra={"user_id": str(user_id), "error": str(error)}
        )


# ---- expiry --------------------------------------------------------------------------------------


@dataclass
class ExpiryReport:
    expired: int = 0
    emails: int = 0
    failed: int = 0
    users: list[str] = field(default_factory=list)

    def to_detail(self) -> dict[str, Any]:
        return asdict(self)


async def expire_lapsed(
    session: AsyncSession, sender: EmailSender, *, now: datetime, public_url: str
) -> ExpiryReport:
    """Every approved profile with a document whose expiry date is before today (``now``: New
    York wall-clock time) loses the badge, with a reason naming the document; its owner is
    e-mailed. A document that expires today is still current."""
    repo = VerificationRepository.from_session(session)
    report = ExpiryReport()
    first: dict[uuid.UUID, Row[Any]] = {}
    for row in await repo.lapsed(now.date()):
        first.setdefault(row.user_id, row)
    for user_id, row in first.items():
        found = await auth.users_by_ids(session, [user_id])
        locale = (found[0].preferred_locale if found else None) or i18n.DEFAULT_LOCALE
        with i18n.using_locale(locale):  # the reason is shown to the contractor
            reason = _("{kind} document {name} expired on {day}.").format(
                kind=kind_label(row.kind),
                name=row.file_name or "?",
                day=i18n.format_date(row.expires_on),
            )
        if not await repo.expire(user_id, reason, now):
            continue
        report.expired += 1
        report.users.append(str(user_id))
        state = await for_review(session, user_id)
        message = await _message(session, user_id, state, public_url)
        if message is None:
            continue
        try:
            await sender.send(message)
        except EmailSendError as error:
            report.failed += 1
            logger.warning(
                "verification expiry e-mail failed",
                extra={"user_id": str(user_id), "error": str(error)},
            )
            continue
        report.emails += 1
    return report
