"""Homeowners' jobs: post, edit while open, cancel, complete; where a job is; who it is offered to.

- A job names one of the shared service categories (``profiles.categories``), a budget range and
  a timeline from fixed lists, and an address in Miami-Dade: matched to a property when one has
  that street address (``profiles.service.match_address``), located at the property, else at the
  centre of its ZIP code's parcels. An address we cannot place is refused.
- Statuses: ``open`` → ``in_progress`` (a bid accepted) → ``completed``; ``open`` or
  ``in_progress`` → ``cancelled``. Every other move is refused (409), naming both statuses.
  Only an open job is edited; its category and address are fixed once posted (the contractors
  offered it were chosen for them): cancel and post again to change them.
- Matching (on posting): the contractors whose service area covers the job's point
  (``profiles.service.subscribers_covering``), who offer its category, are verified and active,
  best rated first, at most ``PROPINTEL_MARKETPLACE_MATCH_LIMIT`` (5): a homeowner is never
  flooded, and each contractor offered the job is e-mailed in their language.
- Privacy: a contractor offered a job sees its ZIP code, never the homeowner's name, phone or
  street address (``ContractorView``); those come with an accepted bid.
"""

from __future__ import annotations

import enum
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from anyio import to_thread
from sqlalchemy import RowMapping
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.auth.service import users_by_ids
from propintel.integrations.email import EmailSender
from propintel.integrations.storage import FileStorage, StoredFile
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing
from propintel.marketplace.jobs_repository import JobRow, JobsRepository
from propintel.marketplace.notices import notify
from propintel.profiles import service as profiles
from propintel.profiles.categories import SERVICE_CATEGORIES
from propintel.profiles.images import CheckedImage

TITLE_MAX = 120
MAX_PHOTOS = 5
DESCRIPTION_MAX = 5_000
PHOTO_PREFIX = "jobs/"  # private: served only through the job's pages, never at /media
JOBS = Listing("marketplace_jobs", (KeyPart.DATETIME, KeyPart.UUID))
OFFERS = Listing("marketplace_offers", (KeyPart.DATETIME, KeyPart.UUID))

BUDGETS: Final[dict[str, str]] = {
    "under_500": N_("Under $500"),
    "500_2000": N_("$500 to $2,000"),
    "2000_10000": N_("$2,000 to $10,000"),
    "10000_50000": N_("$10,000 to $50,000"),
    "over_50000": N_("Over $50,000"),
    "unsure": N_("Not sure yet"),
}
TIMELINES: Final[dict[str, str]] = {
    "asap": N_("As soon as possible"),
    "this_week": N_("This week"),
    "this_month": N_("This month"),
    "flexible": N_("Flexible"),
}


class JobStatus(enum.StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return _(STATUS_LABELS[self])


STATUS_LABELS: Final = {
    JobStatus.OPEN: N_("Open"),
    JobStatus.IN_PROGRESS: N_("In progress"),
    JobStatus.COMPLETED: N_("Completed"),
    JobStatus.CANCELLED: N_("Cancelled"),
}
MOVES: Final[dict[JobStatus, frozenset[JobStatus]]] = {
    JobStatus.OPEN: frozenset({JobStatus.IN_PROGRESS, JobStatus.CANCELLED}),
    JobStatus.IN_PROGRESS: frozenset({JobStatus.COMPLETED, JobStatus.CANCELLED}),
    JobStatus.COMPLETED: frozenset(),
    JobStatus.CANCELLED: frozenset(),
}


def status_label(value: str) -> str:
    return JobStatus(value).label if value in JobStatus._value2member_map_ else value


def label_of(choices: dict[str, str], value: str | None) -> str:
    return _(choices[value]) if value in choices else (value or "—")


class JobNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such job."))


class IllegalMove(Conflict):
    def __init__(self, current: str, wanted: JobStatus) -> None:
        super().__init__(
            _("A job that is {current} cannot become {wanted}.").format(
                current=status_label(current).lower(), wanted=wanted.label.lower()
            )
        )


def check_move(current: str, wanted: JobStatus) -> None:
    """Refuse (409) a move the status machine does not allow."""
    if wanted not in MOVES.get(JobStatus(current), frozenset()):
        raise IllegalMove(current, wanted)


@dataclass(frozen=True)
class JobDraft:
    """What a homeowner writes (the form and the API)."""

    title: str
    description: str
    category: str
    budget: str
    timeline: str
    address: str
    zip_code: str


def _text(value: str, field: str, limit: int, empty: str) -> str:
    text = " ".join(value.replace("\x00", "").split()) if field == "title" else value.strip()
    text = text.replace("\x00", "").replace("\r\n", "\n")
    if not text:
        raise Invalid(_(empty), field=field)
    if len(text) > limit:
        raise Invalid(
            _("Too long: at most {max} characters.").format(max=f"{limit:,}"), field=field
        )
    return text


def _choice(value: str, choices: dict[str, str], field: str, message: str) -> str:
    if value not in choices:
        raise Invalid(_(message), field=field)
    return value


def checked(draft: JobDraft) -> JobDraft:
    """The draft with its text trimmed, or ``Invalid`` naming the first field at fault."""
    zip_code = draft.zip_code.strip()
    if not (len(zip_code) == 5 and zip_code.isdigit()):
        raise Invalid(_("Enter the 5-digit ZIP code."), field="zip_code")
    return JobDraft(
        title=_text(draft.title, "title", TITLE_MAX, N_("Give the job a title.")),
        description=_text(
            draft.description, "description", DESCRIPTION_MAX, N_("Describe the work.")
        ),
        category=_choice(draft.category, SERVICE_CATEGORIES, "category", N_("Choose a category.")),
        budget=_choice(draft.budget, BUDGETS, "budget", N_("Choose a budget range.")),
        timeline=_choice(draft.timeline, TIMELINES, "timeline", N_("Choose a timeline.")),
        address=draft.address.strip(),
        zip_code=zip_code,
    )


def _homeowner_only(user: User) -> None:
    if user.user_type != UserType.HOMEOWNER:
        raise Forbidden(_("Only homeowners post jobs."))


@dataclass(frozen=True)
class Photos:
    """The photos sent with a job (the user's file name and bytes), where they go, and the cap."""

    files: Sequence[tuple[str, bytes]]
    storage: FileStorage
    max_bytes: int


def _checked_photos(photos: Photos | None) -> list[CheckedImage]:
    if photos is None:
        return []
    files = [(name, data) for name, data in photos.files if data]  # an empty input sends b""
    if len(files) > MAX_PHOTOS:
        raise Invalid(_("At most {count} photos a job.").format(count=MAX_PHOTOS), field="photos")
    return [profiles.checked_photo(data, photos.max_bytes, name) for name, data in files]


async def _store_photos(
    job_id: uuid.UUID, images: list[CheckedImage], storage: FileStorage
) -> list[dict[str, Any]]:
    stored = []
    for image in images:
        key = f"{PHOTO_PREFIX}{job_id.hex}/{uuid.uuid4().hex}.{image.extension}"
        await to_thread.run_sync(storage.put, key, image.data, image.content_type)
        stored.append({"key": key, "content_type": image.content_type})
    return stored


async def post_job(
    session: AsyncSession,
    user: User,
    draft: JobDraft,
    *,
    match_limit: int,
    sender: EmailSender,
    public_url: str,
    photos: Photos | None = None,
    now: datetime | None = None,
) -> JobRow:
    """Post a job with its photos (checked by content, re-encoded, stored privately), locate it,
    offer it to the best matching contractors and e-mail them. A refusal stores nothing."""
    _homeowner_only(user)
    job = checked(draft)
    images = await to_thread.run_sync(_checked_photos, photos)
    now = now or now_new_york()
    if not job.address:
        raise Invalid(_("Enter the street address of the work."), field="address")
    matched = await profiles.match_address(session, job.address, job.zip_code)
    zip_code = matched.zip_code or job.zip_code
    repo = JobsRepository.from_session(session)
    point = await repo.location_of(matched.property_id, zip_code)
    if point is None:
        raise Invalid(
            _("We cannot place ZIP code {zip}: PropIntel serves Miami-Dade County.").format(
                zip=zip_code
            ),
            field="zip_code",
        )
    values = {
        "homeowner_id": user.user_id,
        "job_title": job.title,
        "job_description": job.description,
        "service_category": job.category,
        "budget_range": job.budget,
        "preferred_timeline": job.timeline,
        "address": matched.address,
        "zip_code": zip_code,
        "property_id": matched.property_id,
        "photos": [],
        "status": JobStatus.OPEN.value,
        "created_at": now,
        "updated_at": now,
    }
    job_id = await repo.add(values, *point)
    if images:
        assert photos is not None
        await repo.update(job_id, photos=await _store_photos(job_id, images, photos.storage))
    offered = await _match(session, job_id, point, zip_code, job.category, match_limit)
    await repo.add_matches(job_id, offered, now)
    posted = await repo.get(job_id)
    assert posted is not None
    await _notify_offered(session, posted, offered, sender, public_url)
    return posted


async def _match(
    session: AsyncSession,
    job_id: uuid.UUID,
    point: tuple[float, float],
    zip_code: str,
    category: str,
    limit: int,
) -> list[uuid.UUID]:
    covering = await profiles.subscribers_covering(session, point[0], point[1], zip_code)
    if not covering:
        return []
    return await JobsRepository.from_session(session).eligible(covering, category, limit)


async def _notify_offered(
    session: AsyncSession,
    job: JobRow,
    contractor_ids: list[uuid.UUID],
    sender: EmailSender,
    public_url: str,
) -> None:
    """E-mail each contractor offered the job (the offer is on their marketplace page too)."""
    url = f"{public_url.rstrip('/')}/marketplace/jobs/{job.job_id}"
    for contractor in await users_by_ids(session, contractor_ids):
        await notify(
            sender,
            contractor,
            "job_offered",
            lambda: _("New job near you: {title}").format(title=job.title),
            lambda: {
                "title": job.title,
                "category": label_of(SERVICE_CATEGORIES, job.category),
                "zip_code": job.zip_code,
                "budget": label_of(BUDGETS, job.budget),
                "timeline": label_of(TIMELINES, job.timeline),
                "url": url,
            },
        )


async def homeowner_job(
    session: AsyncSession, user: User, job_id: uuid.UUID, *, lock: bool = False
) -> JobRow:
    """One of the homeowner's jobs (``JobNotFound`` for anyone else's)."""
    job = await JobsRepository.from_session(session).get(job_id, lock=lock)
    if job is None or job.homeowner_id != user.user_id:
        raise JobNotFound()
    return job


async def jobs_page(
    session: AsyncSession, user: User, *, limit: int, cursor: str | None = None
) -> tuple[list[JobRow], str | None]:
    after = JOBS.decode_optional(cursor)
    rows = await JobsRepository.from_session(session).page(user.user_id, after, limit + 1)
    return JOBS.page(rows, limit, lambda r: (r.created_at, r.job_id))


async def recent_jobs(
    session: AsyncSession, homeowner_id: uuid.UUID, limit: int
) -> list[RowMapping]:
    """The homeowner dashboard's latest jobs."""
    return await JobsRepository.from_session(session).recent(homeowner_id, limit)


async def update_job(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    draft: JobDraft,
    now: datetime | None = None,
) -> JobRow:
    """Change an open job's title, description, budget and timeline (category and address stay)."""
    job = await homeowner_job(session, user, job_id, lock=True)
    if job.status != JobStatus.OPEN:
        raise Conflict(_("Only an open job can be edited."))
    kept = JobDraft(
        draft.title, draft.description, job.category or "", draft.budget, draft.timeline,
        job.address or "", job.zip_code or "",
    )  # fmt: skip
    clean = checked(kept)
    repo = JobsRepository.from_session(session)
    await repo.update(
        job_id,
        job_title=clean.title,
        job_description=clean.description,
        budget_range=clean.budget,
        preferred_timeline=clean.timeline,
        updated_at=now or now_new_york(),
    )
    changed = await repo.get(job_id)
    assert changed is not None
    return changed


async def move_job(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    wanted: JobStatus,
    now: datetime | None = None,
) -> JobRow:
    """Cancel or complete one of the homeowner's jobs (``in_progress`` comes with an accepted
    bid, never from here); an illegal move changes nothing."""
    job = await homeowner_job(session, user, job_id, lock=True)
    if wanted == JobStatus.IN_PROGRESS or wanted == JobStatus.OPEN:
        raise IllegalMove(job.status, wanted)
    check_move(job.status, wanted)
    now = now or now_new_york()
    stamp = {"completed_at": now} if wanted == JobStatus.COMPLETED else {"cancelled_at": now}
    repo = JobsRepository.from_session(session)
    await repo.update(job_id, status=wanted.value, updated_at=now, **stamp)
    moved = await repo.get(job_id)
    assert moved is not None
    return moved


# ---- what a contractor sees ------------------------------------------------------------------


@dataclass(frozen=True)
class ContractorView:
    """A job as a contractor offered it sees it: no name, phone or street address."""

    job_id: uuid.UUID
    title: str
    description: str
    category: str | None
    budget: str | None
    timeline: str | None
    zip_code: str | None
    status: str
    posted_at: datetime
    offered_at: datetime | None = None
    photos: int = 0


def contractor_view(job: JobRow, offered_at: datetime | None = None) -> ContractorView:
    return ContractorView(
        job.job_id, job.title, job.description, job.category, job.budget, job.timeline,
        job.zip_code, job.status, job.created_at, offered_at, len(job.photos),
    )  # fmt: skip


async def offered_job(session: AsyncSession, user: User, job_id: uuid.UUID) -> ContractorView:
    """A job offered to this contractor (``JobNotFound`` otherwise, as for a missing one)."""
    repo = JobsRepository.from_session(session)
    job = await repo.get(job_id)
    if job is None or not await repo.is_matched(job_id, user.user_id):
        raise JobNotFound()
    return contractor_view(job)


async def offers_page(
    session: AsyncSession, user: User, *, limit: int, cursor: str | None = None
) -> tuple[list[ContractorView], str | None]:
    """The jobs offered to a contractor, the latest first."""
    after = OFFERS.decode_optional(cursor)
    rows = await JobsRepository.from_session(session).offers_page(user.user_id, after, limit + 1)
    views = [contractor_view(job, offered_at) for job, offered_at in rows]
    return OFFERS.page(views, limit, lambda v: (v.offered_at, v.job_id))


async def offered_to(session: AsyncSession, job_id: uuid.UUID) -> list[uuid.UUID]:
    """The contractors a job was offered to, in the order chosen."""
    return await JobsRepository.from_session(session).matched(job_id)


async def job_photo(
    session: AsyncSession, user: User, job_id: uuid.UUID, index: int, storage: FileStorage
) -> StoredFile:
    """One photo of a job, for its homeowner or a contractor it was offered to (``JobNotFound``
    for anyone else, and for a photo that is not there)."""
    repo = JobsRepository.from_session(session)
    job = await repo.get(job_id)
    allowed = job is not None and (
        job.homeowner_id == user.user_id or await repo.is_matched(job_id, user.user_id)
    )
    if job is None or not allowed or not 0 <= index < len(job.photos):
        raise JobNotFound()
    stored = await to_thread.run_sync(storage.get, str(job.photos[index]["key"]))
    if stored is None:
        raise JobNotFound()
    return stored
