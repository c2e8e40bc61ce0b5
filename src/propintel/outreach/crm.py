"""CRM sync (docs/outreach/crm.md): a subscriber connects their Twenty workspace (or the offline
CRM simulator), pushes saved leads there as People with an Opportunity whose stage follows our
pipeline, and later changes of a lead's status and notes follow through jobs.

- The connection's API key is encrypted at rest (Fernet: ``settings.data_encryption_key``, else a
  key derived from the secret key) and never shown whole, logged or exported.
- ``crm_contacts`` holds, per pushed lead, what the CRM was last sent (name, phone, e-mail, lead
  score, status, notes), the CRM's record ids and the sync state: ``pending`` (a job will sync
  it; after a retryable failure, not before ``next_sync_at``), ``synced`` or ``failed`` (a
  refusal that retrying would not fix: it stays failed until the subscriber presses Retry).
- The sync job (``sync_contact``) creates or updates the Person, then the Opportunity, then adds
  the lead's latest note when it changed. Each record id is stored as soon as the CRM returns it,
  so a retry updates what an earlier attempt created instead of creating it twice. A retryable
  failure waits 2^attempts minutes (at most 6 hours) and gives up after ``MAX_ATTEMPTS``.
- The periodic job (``follow_changes``, every 5 minutes) queues the syncs whose retry time has
  come and those of leads changed since they were synced.

Stages: new → NEW, contacted → SCREENING, qualified and appointment → MEETING, won → CUSTOMER.
A lost lead keeps the stage it had in the CRM (the update leaves ``stage`` out) and its
opportunity's name says "lost"; reopening it restores the name and sets NEW.
"""

from __future__ import annotations

import ipaddress
import logging
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from cryptography.fernet import InvalidToken
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.catalog.service import FeatureNotInPlan
from propintel.config import Settings
from propintel.integrations.crm import (
    LOCAL,
    TWENTY,
    CrmAccount,
    CrmClients,
    CrmError,
    NoteIn,
    OpportunityIn,
    PersonIn,
)
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit import secretbox
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound
from propintel.kit.i18n import _, using_locale
from propintel.kit.phones import normalize_phone
from propintel.leads import service as leads
from propintel.outreach import unlock
from propintel.outreach.crm_repository import (
    FAILED,
    PENDING,
    SYNCED,
    ConnectionRow,
    ContactRow,
    CrmRepository,
)
from propintel.outreach.targets import owner_name_parts

logger = logging.getLogger("propintel.outreach.crm")

FEATURE = "crm_sync"
SYNC_JOB = "outreach.crm_sync"
FOLLOW_JOB = "outreach.crm_follow"
MAX_PUSH = 500  # leads in one push
MAX_ATTEMPTS = 12  # failed attempts before a retryable error is given up on (about a day)
MAX_WAIT = timedelta(hours=6)
MAX_KEY_LENGTH = 2_000
SIMULATOR_URL = "local"  # crm_connections.base_url of the offline simulator
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}

# Our pipeline's statuses (leads.models.LeadStatus) as Twenty's default opportunity stages; lost:
# None (kept as it was). negotiating/proposal are not statuses yet: PROPOSAL is there for them.
STAGE_OF_STATUS: dict[str, str | None] = {
    "new": "NEW",
    "contacted": "SCREENING",
    "qualified": "MEETING",
    "appointment": "MEETING",
    "negotiating": "PROPOSAL",
    "proposal": "PROPOSAL",
    "won": "CUSTOMER",
    "lost": None,
}


# --- the key, at rest (kit/secretbox) -----------------------------------------------------------
KEY_PURPOSE = "crm-key"


def encrypt_key(settings: Settings, api_key: str) -> str:
    return secretbox.encrypt(settings, KEY_PURPOSE, api_key)


def decrypt_key(settings: Settings, stored: str) -> str:
    """The API key; ``InvalidToken`` when the encryption key changed since it was stored."""
    return secretbox.decrypt(settings, KEY_PURPOSE, stored)


def key_hint(api_key: str) -> str:
    """What pages may show of a key: its last 4 characters."""
    return "…" + api_key[-4:] if len(api_key) > 4 else "…"


# --- the connection ----------------------------------------------------------------------------
@dataclass(frozen=True)
class Connection:
    provider: str
    base_url: str | None  # None: the offline simulator
    key_hint: str | None  # the last 4 characters; None: the simulator (no key)
    connected_at: datetime

    @property
    def simulated(self) -> bool:
        return self.provider == LOCAL


def _connection_view(row: ConnectionRow, settings: Settings) -> Connection:
    if row.provider == LOCAL:
        return Connection(LOCAL, None, None, row.connected_at)
    try:
        hint: str | None = key_hint(decrypt_key(settings, row.api_key_encrypted))
    except InvalidToken:
        hint = None
    return Connection(row.provider, row.base_url, hint, row.connected_at)


def _require_active(user: User) -> None:
    """Suspended and unverified accounts send nothing anywhere."""
    if user.suspended_at is not None:
        raise Forbidden(_("This account is suspended: it cannot sync a CRM."))
    if not user.email_verified:
        raise Forbidden(
            _(
                "Verify your e-mail address before connecting a CRM: use the link we sent you, "
                "or ask for a new one on your security page."
            )
        )


def check_base_url(raw: str | None) -> str:
    """The workspace's base URL as we call it (no trailing slash, no ``/rest``); ``Invalid``
    (field ``base_url``) unless https, or http on this machine (a self-hosted Twenty in
    development), on a public address."""
    url = (raw or "").strip().rstrip("/")
    if url.lower().endswith("/rest"):
        url = url[: -len("/rest")]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("https", "http") or not parts.hostname:
        raise Invalid(
            _("Enter your workspace's address, like https://crm.example.com."), field="base_url"
        )
    if parts.query or parts.fragment or parts.username or parts.password:
        raise Invalid(
            _("Enter the workspace's address only: no user name, query or fragment."),
            field="base_url",
        )
    host = parts.hostname.lower()
    local = host in LOCAL_HOSTS
    if parts.scheme.lower() == "http" and not local:
        raise Invalid(
            _("Use https:// (plain http is only allowed for localhost)."), field="base_url"
        )
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        address = None
    if address is not None and not address.is_loopback and not address.is_global:
        raise Invalid(
            _("That address is not on the internet: use your workspace's public address."),
            field="base_url",
        )
    return f"{parts.scheme.lower()}://{parts.netloc}{parts.path}"


def _check_key(raw: str | None) -> str:
    key = (raw or "").strip()
    if not key:
        raise Invalid(
            _("Paste the API key from your Twenty workspace's settings."), field="api_key"
        )
    if (
        len(key) > MAX_KEY_LENGTH
        or not key.isascii()
        or any(not ch.isprintable() or ch.isspace() for ch in key)
    ):
        raise Invalid(_("That does not look like an API key."), field="api_key")
    return key


async def connection_of(session: AsyncSession, user: User, settings: Settings) -> Connection | None:
    row = await CrmRepository.from_session(session).connection(user.user_id)
    return _connection_view(row, settings) if row else None


async def connect(
    session: AsyncSession,
    user: User,
    *,
    settings: Settings,
    clients: CrmClients,
    now: datetime,
    simulator: bool = False,
    base_url: str | None = None,
    api_key: str | None = None,
) -> Connection:
    """Connect (or reconnect) the user's CRM: their Twenty workspace, checked with one cheap
    call before anything is stored, or the offline simulator. Pushed leads follow: those that
    failed are retried; after a change of workspace, every pushed lead is pushed again to the new
    one (by the periodic job, within 5 minutes)."""
    _require_active(user)
    await catalog.require_feature(session, user, FEATURE)
    if simulator:
        provider, url, key = LOCAL, SIMULATOR_URL, ""
    else:
        provider, url, key = TWENTY, check_base_url(base_url), _check_key(api_key)
        client = clients(session, CrmAccount(user.user_id, provider, url, key))
        try:
            await client.check()
        except CrmError as error:
            field = "api_key" if error.status in (401, 403) else "base_url"
            raise Invalid(
                _("Twenty did not accept the connection: {reason}").format(reason=error.message),
                field=field,
            ) from None
        finally:
            await client.aclose()
    repo = CrmRepository.from_session(session)
    previous = await repo.connection(user.user_id)
    same = previous is not None and (previous.provider, previous.base_url) == (provider, url)
    await repo.save_connection(user.user_id, provider, url, encrypt_key(settings, key), now)
    if same:
        await repo.reset_links(user.user_id, forget_records=False, due=now, only_failed=True)
    else:
        await repo.reset_links(user.user_id, forget_records=True, due=now)
    logger.info("crm connected", extra={"provider": provider, "same_workspace": same})
    row = await repo.connection(user.user_id)
    assert row is not None
    return _connection_view(row, settings)


async def disconnect(session: AsyncSession, user: User) -> bool:
    """Forget the connection and its key. The pushed leads stay listed, unlinked from the
    workspace (its record ids are forgotten too): connecting again pushes them anew. False when
    there was no connection."""
    repo = CrmRepository.from_session(session)
    if not await repo.delete_connection(user.user_id):
        return False
    await repo.reset_links(user.user_id, forget_records=True, due=None)
    logger.info("crm disconnected")
    return True


async def _account(
    session: AsyncSession, user: User, settings: Settings
) -> tuple[ConnectionRow, CrmAccount]:
    row = await CrmRepository.from_session(session).connection(user.user_id)
    if row is None:
        raise Conflict(_("Connect a CRM first: Account → CRM."))
    try:
        key = decrypt_key(settings, row.api_key_encrypted)
    except InvalidToken:
        raise Conflict(
            _(
                "The stored API key can no longer be read (the site's encryption key changed): "
                "connect your CRM again."
            )
        ) from None
    return row, CrmAccount(user.user_id, row.provider, row.base_url, key)


# --- what a lead becomes in the CRM ------------------------------------------------------------
@dataclass(frozen=True)
class OwnerContact:
    """What of the owner's unlocked contact leaves PropIntel: numbers flagged Do-Not-Call or
    litigator stay behind (nothing guards them in another CRM)."""

    email: str | None = None
    phone: str | None = None  # E.164: the first callable landline, VoIP or unknown-type number
    mobile: str | None = None  # E.164: the first callable mobile

    @property
    def best_phone(self) -> str | None:
        return self.mobile or self.phone


async def owner_contact(session: AsyncSession, user: User, property_id: uuid.UUID) -> OwnerContact:
    """The owner's e-mail and numbers when ``user`` unlocked them (``outreach.unlock``), else
    nothing."""
    found = await unlock.unlocked_contact(session, user, property_id)
    if found is None:
        return OwnerContact()
    callable_ = sorted(
        (p for p in found.phones if not p.dnc and not p.litigator and normalize_phone(p.number)),
        key=lambda p: -(p.score or 0),
    )
    mobile = next((p.number for p in callable_ if p.type == "mobile"), None)
    phone = next((p.number for p in callable_ if p.type != "mobile"), None)
    return OwnerContact(
        email=found.emails[0] if found.emails else None,
        phone=normalize_phone(phone),
        mobile=normalize_phone(mobile),
    )


@dataclass(frozen=True)
class Snapshot:
    """A lead as the CRM is to hold it, and as ``crm_contacts`` records it once sent."""

    person: PersonIn
    opportunity: OpportunityIn
    name: str
    phone: str | None
    email: str | None
    intent_rating: int | None
    pipeline_stage: str
    notes: str | None
    property_id: uuid.UUID

    def columns(self) -> dict[str, Any]:
        return {
            "property_id": self.property_id,
            "name": self.name[:255],
            "phone": self.phone,
            "email": self.email,
            "intent_rating": self.intent_rating,
            "pipeline_stage": self.pipeline_stage,
            "notes": self.notes,
        }


def person_name(owner_name: str | None, address: str) -> tuple[str, str]:
    """(first, last): a person's name from the owner of record; a company or trust whole as the
    last name; no owner: "Owner of <address>"."""
    parts = owner_name_parts(owner_name)
    if parts is not None:
        return parts.first, parts.last
    if owner_name and owner_name.strip():
        return "", owner_name.strip()
    return "", _("Owner of {address}").format(address=address)


def _address(record: leads.LeadRecord) -> str:
    return record.full_address or record.street_address or str(record.property_id)


def snapshot_of(record: leads.LeadRecord, contact: OwnerContact) -> Snapshot:
    address = _address(record)
    first, last = person_name(record.owner_name, address)
    stage = STAGE_OF_STATUS.get(record.status, "NEW")
    name = address
    if record.status == "lost":
        name = _("{address} (lost)").format(address=address)
    amount = record.market_value * 1_000_000 if record.market_value else None
    phone = contact.best_phone
    return Snapshot(
        person=PersonIn(first, last, email=contact.email, phone=phone, city=record.city),
        opportunity=OpportunityIn(name, stage, amount_micros=amount),
        name=f"{first} {last}".strip(),
        phone=phone,
        email=contact.email,
        intent_rating=record.lead_score,
        pipeline_stage=record.status,
        notes=record.notes,
        property_id=record.property_id,
    )


# --- pushing leads -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Pushed:
    lead_ids: list[uuid.UUID]  # every lead queued, in the order asked
    created: int  # of them, pushed for the first time


def _unique(lead_ids: Sequence[uuid.UUID]) -> list[uuid.UUID]:
    return list(dict.fromkeys(lead_ids))


async def push_leads(
    session: AsyncSession, user: User, lead_ids: Sequence[uuid.UUID], *, settings: Settings
) -> Pushed:
    """Queue a sync of each lead (all must be the user's: else ``NotFound``, nothing queued): a
    ``crm_contacts`` row is made for a lead pushed for the first time (the CRM's view of it), an
    existing one goes back to pending; one ``outreach.crm_sync`` job per lead."""
    _require_active(user)
    await catalog.require_feature(session, user, FEATURE)
    wanted = _unique(lead_ids)
    if not wanted:
        raise Invalid(_("Choose at least one lead to push."), field="lead_ids")
    if len(wanted) > MAX_PUSH:
        raise Invalid(
            _("Push at most {limit} leads at a time.").format(limit=MAX_PUSH), field="lead_ids"
        )
    await _account(session, user, settings)
    records = await leads.lead_records(session, user.user_id, lead_ids=wanted, limit=MAX_PUSH)
    by_id = {record.lead_id: record for record in records}
    if len(by_id) != len(wanted):
        raise leads.LeadNotFound()
    repo = CrmRepository.from_session(session)
    existing = await repo.contacts_for_leads(user.user_id, wanted)
    queued: list[uuid.UUID] = []
    created = 0
    for lead_id in wanted:
        contact = existing.get(lead_id)
        if contact is None:
            record = by_id[lead_id]
            snapshot = snapshot_of(record, await owner_contact(session, user, record.property_id))
            contact_id = await repo.insert_contact(
                user.user_id, lead_id=lead_id, **snapshot.columns()
            )
            if contact_id is None:  # pushed meanwhile by another request
                contact = await repo.contact_for_lead(user.user_id, lead_id)
                assert contact is not None
                contact_id = contact.contact_id
            else:
                created += 1
        else:
            contact_id = contact.contact_id
        queued.append(contact_id)
    await repo.queue(user.user_id, queued)
    for contact_id in queued:
        await defer_in_transaction(session, SYNC_JOB, contact_id=str(contact_id))
    return Pushed(wanted, created)


async def leads_to_push(
    session: AsyncSession, user: User, lead_ids: Sequence[uuid.UUID]
) -> list[leads.LeadRecord]:
    """The user's leads among ``lead_ids`` (another's are left out), for a confirmation page."""
    wanted = _unique(lead_ids)
    if not wanted:
        return []
    return await leads.lead_records(session, user.user_id, lead_ids=wanted, limit=MAX_PUSH)


async def retry_lead(
    session: AsyncSession, user: User, lead_id: uuid.UUID, *, settings: Settings, now: datetime
) -> None:
    """Queue the lead's sync again now, whatever state it is in (the Retry button)."""
    _require_active(user)
    await catalog.require_feature(session, user, FEATURE)
    if not await leads.lead_records(session, user.user_id, lead_ids=[lead_id]):
        raise leads.LeadNotFound()
    await _account(session, user, settings)
    repo = CrmRepository.from_session(session)
    contact = await repo.contact_for_lead(user.user_id, lead_id)
    if contact is None:
        raise NotFound(_("This lead has not been pushed to your CRM yet."))
    await repo.update_contact(
        contact.contact_id,
        now,
        sync_status=PENDING,
        sync_error=None,
        sync_attempts=0,
        next_sync_at=None,
    )
    await defer_in_transaction(session, SYNC_JOB, contact_id=str(contact.contact_id))


# --- what pages show -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LeadSync:
    """A lead's place in the user's CRM, for its outreach page and the API."""

    connection: Connection | None
    feature: bool  # the user's plan includes CRM sync
    contact: ContactRow | None

    @property
    def status(self) -> str | None:
        return self.contact.sync_status if self.contact else None


async def lead_sync(
    session: AsyncSession, user: User, lead_id: uuid.UUID, *, settings: Settings
) -> LeadSync:
    """The lead's CRM state (``LeadNotFound`` when the lead is not the user's)."""
    found = await leads.lead_records(session, user.user_id, lead_ids=[lead_id])
    if not found:
        raise leads.LeadNotFound()
    repo = CrmRepository.from_session(session)
    row = await repo.connection(user.user_id)
    return LeadSync(
        connection=_connection_view(row, settings) if row else None,
        feature=await catalog.has_feature(session, user, FEATURE),
        contact=await repo.contact_for_lead(user.user_id, lead_id),
    )


async def sync_counts(session: AsyncSession, user: User) -> dict[str, int]:
    """How many of the user's pushed leads are pending, synced and failed."""
    counts = await CrmRepository.from_session(session).status_counts(user.user_id)
    return {status: counts.get(status, 0) for status in (PENDING, SYNCED, FAILED)}


# --- the jobs ------------------------------------------------------------------------------------
def backoff(attempts: int) -> timedelta:
    """The wait after ``attempts`` failed attempts: 2, 4, 8 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** min(attempts, 20)), MAX_WAIT)


async def sync_contact(
    session: AsyncSession,
    contact_id: uuid.UUID,
    *,
    settings: Settings,
    clients: CrmClients,
    now: datetime,
) -> str:
    """Send one pushed lead to its owner's CRM (the ``outreach.crm_sync`` job); the outcome:
    ``synced``, ``retry`` (pending, to be tried again at ``next_sync_at``), ``failed`` or
    ``gone`` (no such contact)."""
    repo = CrmRepository.from_session(session)
    contact = await repo.lock_contact(contact_id)
    if contact is None:
        return "gone"
    user = await repo.user(contact.user_id)
    if user is None:
        return "gone"
    with using_locale(user.preferred_locale):
        try:
            return await _sync(session, repo, user, contact, settings, clients, now)
        except (Forbidden, Conflict, NotFound) as refusal:
            return await _record_failure(repo, contact, refusal.message, False, now)


async def _sync(
    session: AsyncSession,
    repo: CrmRepository,
    user: User,
    contact: ContactRow,
    settings: Settings,
    clients: CrmClients,
    now: datetime,
) -> str:
    if contact.lead_id is None:
        raise NotFound(_("The lead was deleted: there is nothing left to sync."))
    _require_active(user)
    if not await catalog.has_feature(session, user, FEATURE):
        try:
            await catalog.require_feature(session, user, FEATURE)
        except FeatureNotInPlan as refusal:
            raise Forbidden(refusal.message) from None
    _row, account = await _account(session, user, settings)
    records = await leads.lead_records(session, user.user_id, lead_ids=[contact.lead_id])
    if not records:
        raise NotFound(_("The lead was deleted: there is nothing left to sync."))
    record = records[0]
    snapshot = snapshot_of(record, await owner_contact(session, user, record.property_id))
    client = clients(session, account)
    person_id = contact.twenty_contact_id
    opportunity_id = contact.twenty_opportunity_id
    try:
        if person_id is None:
            person_id = await client.create_person(snapshot.person)
            await repo.update_contact(contact.contact_id, now, twenty_contact_id=person_id)
        else:
            await client.update_person(person_id, snapshot.person)
        opportunity = snapshot.opportunity
        if opportunity_id is None:
            opportunity = OpportunityIn(
                opportunity.name,
                opportunity.stage,
                point_of_contact_id=person_id,
                amount_micros=opportunity.amount_micros,
            )
            opportunity_id = await client.create_opportunity(opportunity)
            await repo.update_contact(contact.contact_id, now, twenty_opportunity_id=opportunity_id)
        else:
            await client.update_opportunity(opportunity_id, opportunity)
        if snapshot.notes and (contact.synced_at is None or snapshot.notes != contact.notes):
            title = _("PropIntel note: {address}").format(address=_address(record))
            await client.add_note(person_id, NoteIn(title, snapshot.notes))
    except CrmError as error:
        return await _record_failure(repo, contact, error.message, error.retryable, now)
    finally:
        await client.aclose()
    await repo.update_contact(
        contact.contact_id,
        now,
        **snapshot.columns(),
        synced_at=now,
        sync_status=SYNCED,
        sync_error=None,
        sync_attempts=0,
        next_sync_at=None,
    )
    return SYNCED


async def _record_failure(
    repo: CrmRepository, contact: ContactRow, message: str, retryable: bool, now: datetime
) -> str:
    attempts = contact.sync_attempts + 1
    if retryable and attempts < MAX_ATTEMPTS:
        await repo.update_contact(
            contact.contact_id,
            now,
            sync_status=PENDING,
            sync_error=message,
            sync_attempts=attempts,
            next_sync_at=now + backoff(attempts),
        )
        logger.info("crm sync will retry", extra={"attempts": attempts})
        return "retry"
    if retryable:
        message = _("{message} (gave up after {attempts} attempts)").format(
            message=message, attempts=attempts
        )
    await repo.update_contact(
        contact.contact_id,
        now,
        sync_status=FAILED,
        sync_error=message,
        sync_attempts=attempts,
        next_sync_at=None,
    )
    logger.warning("crm sync failed", extra={"attempts": attempts, "retryable": retryable})
    return FAILED


@dataclass(frozen=True)
class Followed:
    users: int
    retries: int
    changed: int

    def to_detail(self) -> dict[str, int]:
        return {"users": self.users, "retries": self.retries, "changed": self.changed}


async def follow_changes(session: AsyncSession, now: datetime, *, batch: int = 500) -> Followed:
    """For every connected subscriber whose plan includes CRM sync: queue the syncs whose retry
    time has come, and those of synced leads changed since (the ``outreach.crm_follow`` job)."""
    repo = CrmRepository.from_session(session)
    users = retries = changed = 0
    after: uuid.UUID | None = None
    while True:
        user_ids = await repo.connected_users(after, batch)
        for user_id in user_ids:
            user = await repo.user(user_id)
            if user is None or not await catalog.has_feature(session, user, FEATURE):
                continue
            users += 1
            due = await repo.due_retries(user_id, now)
            synced = await repo.synced_leads(user_id)
            since = {lead_id: synced_at for lead_id, (_contact, synced_at) in synced.items()}
            moved = await leads.leads_changed_since(session, user_id, since)
            queued = [*due, *(synced[lead_id][0] for lead_id in moved)]
            if queued:
                await repo.queue(user_id, queued)
            for contact_id in queued:
                await defer_in_transaction(session, SYNC_JOB, contact_id=str(contact_id))
            retries += len(due)
            changed += len(moved)
        if len(user_ids) < batch:
            return Followed(users, retries, changed)
        after = user_ids[-1]
