"""Bids: a contractor offered a job bids once (charged ``job_bid``), may withdraw while pending;
the homeowner compares the bids and accepts one; bids on dead jobs are refunded.

- **Charge.** ``job_bid`` (``token_pricing``; until an admin adds its row, the catalog's default
  price) is charged when the bid is placed, in the same transaction: no bid without its charge.
- **Accept** (atomic): the job's row is locked, the job must still be open and the bid pending;
  that bid becomes accepted, the job's other pending bids rejected, the job in progress, the
  winner gets the job in their pipeline (a saved lead, source ``marketplace``, when the job's
  address matched a property), and everyone is e-mailed. A second accept (two tabs) finds the job
  in progress and is refused; the unique index on one accepted bid per job stands behind it.
- **Refunds** — a contractor never pays for a dead lead:
  - the homeowner cancels the job before accepting any bid: every charged bid is refunded
    (``job_cancelled``);
  - the homeowner has not looked at the bids within ``REFUND_AFTER_DAYS`` (14) of a bid: the
    daily job refunds it (``bids_not_viewed``).
  A withdrawn bid is the contractor's choice: it is not refunded unless the job then dies.
- **Privacy.** The homeowner's name, phone and street address reach a contractor only with their
  accepted bid (``contractor_job``).
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Final

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User, UserType
from propintel.auth.service import users_by_ids
from propintel.catalog import service as catalog
from propintel.integrations.email import EmailSender
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.leads import service as leads
from propintel.marketplace import jobs
from propintel.marketplace.bids_repository import BidRow, BidsRepository, ComparedBid
from propintel.marketplace.jobs import ContractorView, JobRow, JobStatus
from propintel.marketplace.jobs_repository import JobsRepository
from propintel.marketplace.notices import notify
from propintel.profiles import service as profiles
from propintel.tokens import service as tokens

ACTION = "job_bid"
REFUND_AFTER_DAYS: Final = 14
MESSAGE_MAX = 2_000
AMOUNT_MAX = Decimal("10000000")


class BidStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _(BID_LABELS[self])


BID_LABELS: Final = {
    BidStatus.PENDING: N_("Waiting for the homeowner"),
    BidStatus.ACCEPTED: N_("Accepted"),
    BidStatus.REJECTED: N_("Not chosen"),
    BidStatus.WITHDRAWN: N_("Withdrawn"),
}
REFUND_REASONS: Final = {
    "job_cancelled": N_("the homeowner cancelled the job before choosing a bid"),
    "bids_not_viewed": N_("the homeowner did not look at the bids within 14 days"),
}


def bid_status_label(value: str) -> str:
    return BidStatus(value).label if value in BidStatus._value2member_map_ else value


def refund_reason_label(value: str | None) -> str:
    return _(REFUND_REASONS[value]) if value in REFUND_REASONS else (value or "")


class BidNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such bid."))


@dataclass(frozen=True)
class HomeownerContact:
    name: str | None
    phone: str | None
    email: str
    address: str | None


@dataclass(frozen=True)
class ContractorJob:
    """A job as the contractor offered it sees it, with their bid and, once their bid is
    accepted, the homeowner's contact."""

    job: ContractorView
    bid: BidRow | None
    contact: HomeownerContact | None


def _amount(value: str) -> Decimal:
    try:
        amount = Decimal(value.replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        raise Invalid(_("Enter the amount in dollars, e.g. 1250."), field="amount") from None
    if not amount.is_finite() or amount <= 0 or amount > AMOUNT_MAX:
        raise Invalid(_("Enter an amount above $0 and up to $10,000,000."), field="amount")
    return amount.quantize(Decimal("0.01"))


async def place_bid(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    *,
    amount: str,
    message: str,
    timeline: str,
    sender: EmailSender,
    public_url: str,
    now: datetime | None = None,
) -> BidRow:
    """Bid on a job offered to ``user``: charged once; a second bid is refused (409)."""
    await jobs.offered_job(session, user, job_id)  # offered to this contractor, or 404
    job = await JobsRepository.from_session(session).get(job_id, lock=True)
    assert job is not None
    if job.status != JobStatus.OPEN:
        raise Conflict(_("This job no longer takes bids."))
    repo = BidsRepository.from_session(session)
    if await repo.of_contractor(job_id, user.user_id) is not None:
        raise Conflict(_("You already bid on this job."))
    price = _amount(amount)
    text = message.replace("\x00", "").strip()
    if len(text) > MESSAGE_MAX:
        raise Invalid(
            _("The message is too long ({max} characters at most).").format(max=MESSAGE_MAX),
            field="message",
        )
    if timeline not in jobs.TIMELINES:
        raise Invalid(_("Choose a timeline."), field="timeline")
    now = now or now_new_york()
    bid_id = uuid.uuid4()
    try:
        async with session.begin_nested():  # the charge and the bid stand or fall together
            charged = await tokens.charge(
                session, user.user_id, ACTION, 1, f"job_bid:{bid_id}", now=now
            )
            await repo.add(
                {
                    "bid_id": bid_id,
                    "job_id": job_id,
                    "contractor_id": user.user_id,
                    "bid_amount": price,
                    "bid_message": text or None,
                    "estimated_timeline": timeline,
                    "status": BidStatus.PENDING.value,
                    "created_at": now,
                    "usage_log_id": charged.usage_log_id,
                }
            )
    except IntegrityError:  # a second tab's bid won the race (uq_job_bids_contractor)
        raise Conflict(_("You already bid on this job.")) from None
    placed = await repo.get(bid_id)
    assert placed is not None
    await _notify_homeowner(session, job, placed, sender, public_url)
    return placed


async def _notify_homeowner(
    session: AsyncSession, job: JobRow, bid: BidRow, sender: EmailSender, public_url: str
) -> None:
    [homeowner] = await users_by_ids(session, [job.homeowner_id])
    url = f"{public_url.rstrip('/')}/jobs/{job.job_id}"
    await notify(
        sender,
        homeowner,
        "job_bid_placed",
        lambda: _("New bid on your job: {title}").format(title=job.title),
        lambda: {"title": job.title, "amount": bid.amount, "url": url},
    )


async def withdraw_bid(
    session: AsyncSession, user: User, bid_id: uuid.UUID, now: datetime | None = None
) -> BidRow:
    """Withdraw one's own pending bid (not refunded: see the module's rules)."""
    repo = BidsRepository.from_session(session)
    bid = await repo.get(bid_id, lock=True)
    if bid is None or bid.contractor_id != user.user_id:
        raise BidNotFound()
    if bid.status != BidStatus.PENDING:
        raise Conflict(_("Only a bid waiting for the homeowner can be withdrawn."))
    await repo.set(bid_id, status=BidStatus.WITHDRAWN.value, decided_at=now or now_new_york())
    withdrawn = await repo.get(bid_id)
    assert withdrawn is not None
    return withdrawn


async def bids_for_homeowner(
    session: AsyncSession, user: User, job_id: uuid.UUID, now: datetime | None = None
) -> list[ComparedBid]:
    """The job's bids for its homeowner to compare, lowest first; the first look is recorded
    (it stops the 14-day refund of bids they have seen)."""
    job = await jobs.homeowner_job(session, user, job_id)
    compared = await BidsRepository.from_session(session).compared(job_id)
    if compared and job.bids_viewed_at is None:
        await JobsRepository.from_session(session).update(
            job_id, bids_viewed_at=now or now_new_york()
        )
    return compared


async def accept_bid(
    session: AsyncSession,
    user: User,
    job_id: uuid.UUID,
    bid_id: uuid.UUID,
    *,
    sender: EmailSender,
    public_url: str,
    now: datetime | None = None,
) -> JobRow:
    """Accept one bid of one's open job (atomic; see the module's docstring)."""
    job = await jobs.homeowner_job(session, user, job_id, lock=True)
    repo = BidsRepository.from_session(session)
    bid = await repo.get(bid_id, lock=True)
    if bid is None or bid.job_id != job_id:
        raise BidNotFound()
    if job.status == JobStatus.IN_PROGRESS:  # the second of two accepts, or a stale page
        raise Conflict(_("This job already has an accepted bid."))
    jobs.check_move(job.status, JobStatus.IN_PROGRESS)
    if bid.status != BidStatus.PENDING:
        raise Conflict(_("This bid can no longer be accepted."))
    now = now or now_new_york()
    await repo.decide(job_id, bid_id, now)
    job_repo = JobsRepository.from_session(session)
    await job_repo.update(job_id, status=JobStatus.IN_PROGRESS.value, updated_at=now)
    moved = await job_repo.get(job_id)
    assert moved is not None
    if moved.property_id is not None:
        await leads.save_marketplace_lead(
            session, bid.contractor_id, moved.property_id, moved.title, now
        )
    await _notify_decision(session, moved, bid.contractor_id, sender, public_url)
    return moved


async def _notify_decision(
    session: AsyncSession,
    job: JobRow,
    winner: uuid.UUID,
    sender: EmailSender,
    public_url: str,
) -> None:
    url = f"{public_url.rstrip('/')}/marketplace/jobs/{job.job_id}"
    decided = [b.bid for b in await BidsRepository.from_session(session).compared(job.job_id)]
    for contractor in await users_by_ids(session, [b.contractor_id for b in decided]):
        won = contractor.user_id == winner
        await notify(
            sender,
            contractor,
            "job_bid_accepted" if won else "job_bid_rejected",
            (lambda: _("Your bid was accepted: {title}").format(title=job.title))
            if won
            else (lambda: _("The homeowner chose another bid: {title}").format(title=job.title)),
            lambda: {"title": job.title, "url": url},
        )


async def cancel_job(
    session: AsyncSession, user: User, job_id: uuid.UUID, now: datetime | None = None
) -> JobRow:
    """Cancel the homeowner's job; if no bid was accepted, every charged bid is refunded."""
    now = now or now_new_york()
    before = await jobs.homeowner_job(session, user, job_id, lock=True)
    cancelled = await jobs.move_job(session, user, job_id, JobStatus.CANCELLED, now)
    if before.status == JobStatus.OPEN:
        for bid in await BidsRepository.from_session(session).refundable_of_job(job_id):
            await _refund(session, bid, "job_cancelled", now)
    return cancelled


async def _refund(session: AsyncSession, bid: BidRow, reason: str, now: datetime) -> None:
    assert bid.usage_log_id is not None
    description = f"Refund of job bid {bid.bid_id}: {reason}"
    await tokens.refund(session, bid.contractor_id, bid.usage_log_id, description, now=now)
    await BidsRepository.from_session(session).set(
        bid.bid_id, refunded_at=now, refund_reason=reason
    )


async def refund_unviewed_bids(session: AsyncSession, now: datetime | None = None) -> int:
    """The daily rule: refund each charged, pending bid whose homeowner has not looked at the
    bids within ``REFUND_AFTER_DAYS`` of it; how many."""
    now = now or now_new_york()
    cutoff = now - timedelta(days=REFUND_AFTER_DAYS)
    due = await BidsRepository.from_session(session).unviewed_before(cutoff)
    for bid in due:
        await _refund(session, bid, "bids_not_viewed", now)
    return len(due)


async def contractor_job(session: AsyncSession, user: User, job_id: uuid.UUID) -> ContractorJob:
    """A job offered to ``user`` with their bid, and the homeowner's contact once it won."""
    view = await jobs.offered_job(session, user, job_id)
    bid = await BidsRepository.from_session(session).of_contractor(job_id, user.user_id)
    contact = None
    if bid is not None and bid.status == BidStatus.ACCEPTED:
        contact = await _contact(session, job_id)
    return ContractorJob(view, bid, contact)


async def _contact(session: AsyncSession, job_id: uuid.UUID) -> HomeownerContact:
    job = await JobsRepository.from_session(session).get(job_id)
    assert job is not None
    [homeowner] = await users_by_ids(session, [job.homeowner_id])
    assert homeowner.user_type == UserType.HOMEOWNER
    home = await profiles.homeowner_profile(session, homeowner)
    address = f"{job.address}, {job.zip_code}" if job.address else job.zip_code
    return HomeownerContact(home.full_name, home.phone_number, homeowner.email, address)


async def my_bids(
    session: AsyncSession, user: User, job_ids: list[uuid.UUID]
) -> dict[uuid.UUID, BidRow]:
    """The contractor's bids on these jobs, by job."""
    return await BidsRepository.from_session(session).contractor_bids(user.user_id, job_ids)


async def bid_price(session: AsyncSession) -> int:
    """What a bid costs now, in credits."""
    price = await catalog.action_price(session, ACTION)
    assert price is not None  # the catalog's default stands until an admin prices it
    return price.tokens_required
