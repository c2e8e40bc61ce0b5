"""Rules of the lead pipeline: save once per property (one or many at a time), legal status
moves, notes and logged contacts (each one a history event), tags, lists of leads; and follow-up
tasks on leads. Flushes, never commits.

A follow-up is something to do by a New York date ("Call back", "Send the quote"), open until
marked done. Tasks are not lead history (no ``lead_events`` row, ``updated_at`` unchanged): the
lead page lists them, open and done."""

from __future__ import annotations

import enum
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any, Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import N_, _
from propintel.kit.pagination import KeyPart, Listing, fingerprint
from propintel.kit.tags import (
    check_count,
    clean_tag,
    merge_tags,
    normalise_tags,
    remove_tag,
    spelled_as,
)
from propintel.leads import followup_repository, repository
from propintel.leads.followup_repository import TaskRepository
from propintel.leads.models import (
    PIPELINE,
    ContactChannel,
    EventKind,
    LeadEvent,
    LeadFilters,
    LeadRow,
    LeadStatus,
    LeadTask,
    SavedLead,
    TaskRow,
    status_name,
)
from propintel.leads.repository import LeadRepository, PickedLead
from propintel.search.criteria import Intent
from propintel.search.service import PlanRequired, SavedLeadRef, check_intent, scope_for

T = TypeVar("T")

MAX_BULK = 200
LEADS = Listing("leads", (KeyPart.DATETIME, KeyPart.UUID))
OPEN_TASKS = Listing("open_tasks", (KeyPart.DATE, KeyPart.DATETIME, KeyPart.UUID))

# What to do next with a lead in each status (the lead page lists them above its actions).
NEXT_ACTIONS: dict[LeadStatus, tuple[str, ...]] = {
    LeadStatus.NEW: (
        N_("Review the property facts and the score explanation."),
        N_("Make a first contact and log it: the lead moves to contacted."),
    ),
    LeadStatus.CONTACTED: (
        N_("Follow up until the owner answers; log each attempt."),
        N_("Once the owner is interested and able to act, move the lead to qualified."),
    ),
    LeadStatus.QUALIFIED: (N_("Agree on a visit or a call and move the lead to appointment."),),
    LeadStatus.APPOINTMENT: (
        N_("Hold the appointment, note what was agreed."),
        N_("Mark the lead won when the deal or the job is signed, lost otherwise."),
    ),
    LeadStatus.WON: (N_("Nothing left to do: this lead is won."),),
    LeadStatus.LOST: (N_("Reopen the lead as new if the owner comes back."),),
}


class LeadNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such lead."))


class TaskNotFound(NotFound):
    def __init__(self) -> None:
        super().__init__(_("No such task."))


class Due(enum.StrEnum):
    """Which open tasks a list shows, by their due date against today (New York)."""

    OVERDUE = "overdue"
    TODAY = "today"
    UPCOMING = "upcoming"

    @property
    def label(self) -> str:
        return _(_DUE_LABELS[self.value])

    def bounds(self, today: date) -> tuple[date | None, date | None]:
        """The first and last due dates of the window (inclusive; None: open-ended)."""
        if self == Due.OVERDUE:
            return None, today - timedelta(days=1)
        if self == Due.TODAY:
            return today, today
        return today + timedelta(days=1), None


_DUE_LABELS = {"overdue": N_("Overdue"), "today": N_("Due today"), "upcoming": N_("Upcoming")}


class IllegalMove(Conflict):
    def __init__(self, current: LeadStatus, wanted: LeadStatus) -> None:
        allowed = ", ".join(status_name(status) for status in current.allowed_moves())
        super().__init__(
            _("A {current} lead cannot move to {wanted} (allowed: {allowed}).").format(
                current=status_name(current),
                wanted=status_name(wanted),
                allowed=allowed or _("none"),
            ),
            field="status",
        )


@dataclass(frozen=True)
class SavedOutcome:
    lead: SavedLead
    created: bool


@dataclass(frozen=True)
class BulkSaved:
    created: int
    already_saved: int
    lead_ids: list[uuid.UUID]  # one per picked property, in the order picked
    tags: list[str]  # the tags added, as spelled on the leads


@dataclass(frozen=True)
class LeadDetail:
    lead: SavedLead
    property: dict[str, Any]
    events: list[LeadEvent]
    next_actions: tuple[str, ...]


@dataclass(frozen=True)
class Listed(Generic[T]):
    """One page of a list: its rows, the cursor of the next page (None on the last) and how many
    rows the whole list has."""

    rows: list[T]
    next_cursor: str | None
    total: int


@dataclass(frozen=True)
class DueList:
    """Open tasks due by today (the first of them, and how many in all); those due before today
    are overdue."""

    rows: list[TaskRow]
    total: int
    overdue_total: int
    today: date

    def overdue(self, row: TaskRow) -> bool:
        return row.task.due_date < self.today


async def save_lead(
    session: AsyncSession,
    user: User,
    property_id: uuid.UUID,
    source: Intent,
    now: datetime,
) -> SavedOutcome:
    """Save the property as a lead for ``source``, scored at save time; an existing lead of this
    user for the property is returned unchanged (its source and score are those of its save).
    The user's plan must include leads of that intent, exactly as for searching them."""
    repo = LeadRepository.from_session(session)
    await _check_plan(session, user, source)
    score = await repo.score_for(property_id, source)
    if score is None:
        raise Invalid(_("No such property."), field="property_id")
    lead_id = await repo.insert_once(user.user_id, property_id, source, score)
    if lead_id is None:
        existing = await repo.get_by_property(user.user_id, property_id)
        assert existing is not None  # the conflict that refused the insert is this row
        return SavedOutcome(existing, created=False)
    lead = await _owned(repo, user.user_id, lead_id)
    lead.created_at = lead.updated_at = now
    await session.flush()
    return SavedOutcome(lead, created=True)


async def save_marketplace_lead(
    session: AsyncSession,
    user_id: uuid.UUID,
    property_id: uuid.UUID,
    job_title: str,
    now: datetime,
) -> uuid.UUID:
    """Put a won marketplace job in the contractor's pipeline: a lead (source ``marketplace``)
    for the job's property with a note naming the job; an existing lead for the property gets the
    note. No plan check: the homeowner chose this contractor."""
    repo = LeadRepository.from_session(session)
    lead_id = await repo.insert_marketplace(user_id, property_id, now)
    if lead_id is None:
        existing = await repo.get_by_property(user_id, property_id)
        assert existing is not None
        lead_id = existing.lead_id
    note = _("Marketplace job won: {title}").format(title=job_title)
    await add_note(session, user_id, lead_id, note, now)
    return lead_id


async def save_leads(
    session: AsyncSession,
    user: User,
    picks: Sequence[tuple[uuid.UUID, Intent]],
    tags: Sequence[str],
    now: datetime,
) -> BulkSaved:
    """Save many properties at once, each for its intent, by the rules of ``save_lead``; ``tags``
    go on every picked lead, new or already saved. A property picked twice counts once (its first
    intent). Any refusal (plan, unknown property, too many, a lead that would pass the tag limit)
    changes nothing. A handful of statements, whatever the number of picks."""
    repo = LeadRepository.from_session(session)
    unique = _unique_picks(picks)
    if not unique:
        raise Invalid(_("Choose at least one property to save."), field="items")
    if len(unique) > MAX_BULK:
        raise Invalid(
            _("At most {limit} leads can be saved at once ({count} chosen).").format(
                limit=MAX_BULK, count=len(unique)
            ),
            field="items",
        )
    await _check_plan(session, user, *dict.fromkeys(unique.values()))
    property_ids = list(unique)
    await _check_properties_exist(repo, [property_id for property_id, _ in picks])
    wanted = normalise_tags(tags, await repo.tag_names(user.user_id) if tags else ())
    async with session.begin_nested():  # a lead over the tag limit undoes the inserts
        created = await repo.insert_many(user.user_id, list(unique.items()), now)
        leads = await repo.leads_of_properties(user.user_id, property_ids)
        if wanted:
            await repo.set_tags(user.user_id, _tagged(leads.values(), wanted))
    return BulkSaved(
        created=len(created),
        already_saved=len(unique) - len(created),
        lead_ids=[leads[property_id].lead_id for property_id in property_ids],
        tags=wanted,
    )


def _unique_picks(picks: Sequence[tuple[uuid.UUID, Intent]]) -> dict[uuid.UUID, Intent]:
    unique: dict[uuid.UUID, Intent] = {}
    for property_id, source in picks:
        unique.setdefault(property_id, source)
    return unique


async def _check_properties_exist(repo: LeadRepository, property_ids: list[uuid.UUID]) -> None:
    """``Invalid`` naming the first unknown property (``items.<index>.property_id``)."""
    known = await repo.existing_properties(property_ids)
    missing = [index for index, property_id in enumerate(property_ids) if property_id not in known]
    if missing:
        more = _(" (and {count} more)").format(count=len(missing) - 1) if len(missing) > 1 else ""
        raise Invalid(
            _("No such property: {property}{more}.").format(
                property=property_ids[missing[0]], more=more
            ),
            field=f"items.{missing[0]}.property_id",
        )


def _tagged(leads: Iterable[PickedLead], wanted: list[str]) -> dict[uuid.UUID, list[str]]:
    """The new tags of each lead that gains any (``Invalid`` when one would have too many)."""
    changed = {}
    for lead in leads:
        tags = check_count(merge_tags(lead.tags, wanted), address=lead.full_address)
        if tags != lead.tags:
            changed[lead.lead_id] = tags
    return changed


async def _check_plan(session: AsyncSession, user: User, *sources: Intent) -> None:
    """The user's plan must include leads of each of ``sources``, exactly as for searching."""
    try:
        scope = await scope_for(session, user)
        for source in sources:
            check_intent(scope, user, source)
    except PlanRequired as error:
        raise PlanRequired(error.message, field="lead_source") from error


async def _owned(
    repo: LeadRepository, user_id: uuid.UUID, lead_id: uuid.UUID, *, lock: bool = False
) -> SavedLead:
    lead = await repo.get_for_user(lead_id, user_id, lock=lock)
    if lead is None:
        raise LeadNotFound()
    return lead


async def lead_detail(session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID) -> LeadDetail:
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id)
    facts = await repo.property_facts(lead.property_id) or {}
    return LeadDetail(
        lead=lead,
        property=facts,
        events=await repo.events(lead.lead_id, user_id),
        next_actions=tuple(_(action) for action in NEXT_ACTIONS[LeadStatus(lead.status)]),
    )


def lead_notes(detail: LeadDetail) -> list[str]:
    """The notes written on the lead, the latest first."""
    return [event.body for event in detail.events if event.kind == EventKind.NOTE and event.body]


async def move_lead(
    session: AsyncSession,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    wanted: LeadStatus,
    now: datetime,
) -> SavedLead:
    """Move the lead along the pipeline; an illegal move changes nothing (409). Moving a lead to
    the status it already has is a no-op, so a repeated request is harmless."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    current = LeadStatus(lead.status)
    if wanted == current:
        return lead
    if wanted not in current.allowed_moves():
        raise IllegalMove(current, wanted)
    await _set_status(repo, lead, wanted, now)
    return lead


async def advance_to(
    session: AsyncSession,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    wanted: LeadStatus,
    now: datetime,
) -> bool:
    """Move an open lead forward along the pipeline to ``wanted`` in one step, skipping what lies
    between (an AI call that books an appointment takes a new lead straight there). A lead already
    there or beyond, won or lost, is left as it is (False)."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    current = LeadStatus(lead.status)
    if current not in PIPELINE or PIPELINE.index(current) >= PIPELINE.index(wanted):
        return False
    await _set_status(repo, lead, wanted, now)
    return True


async def _set_status(
    repo: LeadRepository, lead: SavedLead, wanted: LeadStatus, now: datetime
) -> None:
    await repo.add_event(
        lead, EventKind.STATUS, now, from_status=lead.status, to_status=wanted.value
    )
    lead.status = wanted.value
    lead.updated_at = now
    await repo.session.flush()


async def add_note(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, body: str, now: datetime
) -> LeadEvent:
    """A note in the history; ``saved_leads.notes`` holds the latest one."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    event = await repo.add_event(lead, EventKind.NOTE, now, body=body)
    lead.notes = body
    lead.updated_at = now
    await session.flush()
    return event


async def log_contact(
    session: AsyncSession,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    channel: ContactChannel,
    body: str | None,
    now: datetime,
) -> LeadEvent:
    """A contact attempt: counted in ``contact_attempts``, dated in ``last_contact_date``. The
    first contact of a new lead moves it to contacted (written as its own status event)."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    event = await repo.add_event(lead, EventKind.CONTACT, now, channel=channel.value, body=body)
    lead.contact_attempts = (lead.contact_attempts or 0) + 1
    lead.last_contact_date = now
    lead.updated_at = now
    if lead.status == LeadStatus.NEW:
        await _set_status(repo, lead, LeadStatus.CONTACTED, now)
    await session.flush()
    return event


async def delete_lead(session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID) -> None:
    """Remove the lead and its history (the property is untouched and can be saved again). A lead
    with logged calls or emails is kept: those records belong to it; mark it lost instead."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    if await repo.has_outreach(lead.lead_id):
        raise Conflict(
            _("This lead has logged calls or emails: mark it lost instead of deleting it.")
        )
    await repo.delete(lead)


async def set_tags(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, tags: Sequence[str]
) -> SavedLead:
    """Replace the lead's tags (cleaned, repeats collapsed, spelled as the user's existing lists).
    Tags are labels, not work on the lead: no history event, ``updated_at`` unchanged."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    lead.tags = normalise_tags(tags, await repo.tag_names(user_id))
    await session.flush()
    return lead


async def add_tag(session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, raw: str) -> str:
    """Add one tag to the lead (a form's ``tag`` field); a tag it already has changes nothing.
    The tag as spelled on the lead."""
    try:
        tag = clean_tag(raw)
    except ValueError as error:
        raise Invalid(str(error), field="tag") from error
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    spelled = spelled_as(tag, [*lead.tags, *await repo.tag_names(user_id)])
    lead.tags = check_count(merge_tags(lead.tags, [spelled]), field="tag")
    await session.flush()
    return spelled


async def drop_tag(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, tag: str
) -> SavedLead:
    """Take ``tag`` (in any case) off the lead; a tag it does not have changes nothing."""
    repo = LeadRepository.from_session(session)
    lead = await _owned(repo, user_id, lead_id, lock=True)
    lead.tags = remove_tag(lead.tags, tag)
    await session.flush()
    return lead


async def saved_leads_of(
    session: AsyncSession, user_id: uuid.UUID, property_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, SavedLeadRef]:
    """Which of ``property_ids`` the user has saved, for search results and property pages
    (``search.service.SavedLeadLookup``, handed to them by the app)."""
    rows = await LeadRepository.from_session(session).saved_of_properties(user_id, property_ids)
    return {prop: SavedLeadRef(lead, status, source) for prop, lead, status, source in rows}


async def lead_named_in(session: AsyncSession, user_id: uuid.UUID, text: str) -> uuid.UUID | None:
    """The user's saved lead whose street address appears in ``text`` (the assistant's question:
    "what do we know about 1250 NW 7 ST?"); only ever the user's own leads."""
    wanted = " ".join(text.replace("\x00", " ").upper().split())
    return (
        await LeadRepository.from_session(session).lead_named_in(user_id, wanted)
        if wanted
        else None
    )


async def properties_of_leads(
    session: AsyncSession, user_id: uuid.UUID, lead_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The property of each of ``lead_ids`` that is one of the user's leads, by lead id; another
    subscriber's lead, or no lead at all, is left out (for batch actions on selected leads)."""
    if not lead_ids:
        return {}
    return await LeadRepository.from_session(session).properties_of_leads(user_id, lead_ids)


@dataclass(frozen=True)
class LeadRecord:
    """A lead with the facts of its property that leave PropIntel with it (a CRM, a contacts
    export). Property data as recorded."""

    lead_id: uuid.UUID
    property_id: uuid.UUID
    status: str
    status_label: str  # in the current locale: "Contacted" / "Contactado"
    notes: str | None
    lead_score: int | None
    lead_source: str | None
    updated_at: datetime | None
    full_address: str | None
    street_address: str | None
    city: str | None
    zip_code: str | None
    owner_name: str | None
    market_value: int | None


def _record(row: Mapping[str, Any]) -> LeadRecord:
    status = str(row["status"])
    label = LeadStatus(status).label if status in set(LeadStatus) else status
    return LeadRecord(**{**row, "status": status, "status_label": label})


async def lead_records(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    lead_ids: Sequence[uuid.UUID] | None = None,
    after: uuid.UUID | None = None,
    limit: int = 500,
) -> list[LeadRecord]:
    """Up to ``limit`` of the user's leads (those of ``lead_ids`` that are theirs, or all of
    them), in lead-id order after ``after``: a caller reads every lead a batch at a time."""
    if lead_ids is not None and not lead_ids:
        return []
    rows = await LeadRepository.from_session(session).lead_records(user_id, lead_ids, after, limit)
    return [_record(row) for row in rows]


async def leads_changed_since(
    session: AsyncSession, user_id: uuid.UUID, since: Mapping[uuid.UUID, datetime]
) -> list[uuid.UUID]:
    """Which of the user's leads changed (status, notes, logged contacts: ``updated_at``) after
    the time given for each; another subscriber's lead is left out."""
    if not since:
        return []
    updated = await LeadRepository.from_session(session).updated_at_of(user_id, list(since))
    return [lead_id for lead_id, at in updated.items() if at is not None and at > since[lead_id]]


async def count_saved_leads(session: AsyncSession, user_id: uuid.UUID) -> int:
    return await LeadRepository.from_session(session).count_saved(user_id)


async def tag_names(session: AsyncSession, user_id: uuid.UUID) -> list[str]:
    """Every tag the user has on a lead: the names of their lists, alphabetically."""
    return await LeadRepository.from_session(session).tag_names(user_id)


async def list_leads(
    session: AsyncSession,
    user_id: uuid.UUID,
    filters: LeadFilters,
    *,
    limit: int,
    cursor: str | None = None,
) -> Listed[LeadRow]:
    """A page of the user's leads matching ``filters``, most recently updated first, after
    ``cursor`` (a page's ``next_cursor`` for the same filters), and how many match in all."""
    bound_to = fingerprint(asdict(filters))
    after = LEADS.decode_optional(cursor, bound_to=bound_to)
    repo = LeadRepository.from_session(session)
    rows = await repo.list_for_user(user_id, filters, limit=limit + 1, after=after)
    page, next_cursor = LEADS.page(rows, limit, repository.listing_key, bound_to=bound_to)
    return Listed(page, next_cursor, await repo.count_for_user(user_id, filters))


async def board(
    session: AsyncSession, user_id: uuid.UUID, *, per_status: int
) -> list[tuple[LeadStatus, list[LeadRow], int]]:
    """The pipeline board: for each status in order, its first ``per_status`` leads (most
    recently updated first) and how many it has."""
    rows: dict[str, list[LeadRow]] = {status: [] for status in LeadStatus}
    totals: dict[str, int] = {}
    repo = LeadRepository.from_session(session)
    for row, total in await repo.board_for_user(user_id, per_status):
        rows[row.lead.status].append(row)
        totals[row.lead.status] = total
    return [(status, rows[status], totals.get(status, 0)) for status in LeadStatus]


async def add_task(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, title: str, due_date: date
) -> LeadTask:
    repo = TaskRepository.from_session(session)
    if not await repo.owns_lead(user_id, lead_id):
        raise LeadNotFound()
    return await repo.add(
        LeadTask(lead_id=lead_id, user_id=user_id, title=title, due_date=due_date)
    )


async def lead_tasks(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID
) -> list[LeadTask]:
    """The lead's tasks, open ones first by due date (404 for a lead that is not the user's)."""
    repo = TaskRepository.from_session(session)
    if not await repo.owns_lead(user_id, lead_id):
        raise LeadNotFound()
    return await repo.for_lead(user_id, lead_id)


async def update_task(
    session: AsyncSession,
    user_id: uuid.UUID,
    lead_id: uuid.UUID,
    task_id: uuid.UUID,
    now: datetime,
    *,
    title: str | None = None,
    due_date: date | None = None,
    done: bool | None = None,
) -> LeadTask:
    """Change what is given. Marking a done task done again keeps when it was done; reopening
    clears it."""
    task = await find_task(session, user_id, lead_id, task_id)
    if title is not None:
        task.title = title
    if due_date is not None:
        task.due_date = due_date
    if done is not None:
        task.done_at = (task.done_at or now) if done else None
    await session.flush()
    return task


async def delete_task(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, task_id: uuid.UUID
) -> None:
    task = await find_task(session, user_id, lead_id, task_id)
    await TaskRepository.from_session(session).delete(task)


async def find_task(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID, task_id: uuid.UUID
) -> LeadTask:
    """One of the user's tasks, locked for a change (404 for anyone else's)."""
    task = await TaskRepository.from_session(session).get_for_user(user_id, lead_id, task_id)
    if task is None:
        raise TaskNotFound()
    return task


async def open_tasks(
    session: AsyncSession,
    user_id: uuid.UUID,
    due: Due | None,
    today: date,
    *,
    limit: int,
    cursor: str | None = None,
) -> Listed[TaskRow]:
    """A page of the user's open tasks in the ``due`` window (all of them without one), soonest
    due first, after ``cursor`` (a page's ``next_cursor`` for the same window), and how many
    there are in all."""
    bound_to = fingerprint({"due": due})
    after = OPEN_TASKS.decode_optional(cursor, bound_to=bound_to)
    due_from, due_to = due.bounds(today) if due else (None, None)
    repo = TaskRepository.from_session(session)
    rows = await repo.open_tasks(
        user_id, due_from=due_from, due_to=due_to, limit=limit + 1, after=after
    )
    page, next_cursor = OPEN_TASKS.page(
        rows, limit, followup_repository.listing_key, bound_to=bound_to
    )
    total = await repo.count_open(user_id, due_from=due_from, due_to=due_to)
    return Listed(page, next_cursor, total)


async def due_followups(
    session: AsyncSession, user_id: uuid.UUID, today: date, *, limit: int
) -> DueList:
    """The user's open tasks due today or before (overdue first): the dashboard's list and the
    morning digest's."""
    repo = TaskRepository.from_session(session)
    rows = await repo.open_tasks(user_id, due_to=today, limit=limit)
    total = await repo.count_open(user_id, due_to=today)
    overdue_to = Due.OVERDUE.bounds(today)[1]
    overdue_total = await repo.count_open(user_id, due_to=overdue_to) if total else 0
    return DueList(rows, total, overdue_total, today)
