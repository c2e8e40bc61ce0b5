"""The offline CRM simulator: a subscriber's "workspace" kept in ``local_crm_records``, written in
the caller's unit of work; nothing leaves the machine. It behaves as Twenty does where the sync
can tell: ids are made up by the workspace (``local-person-…``, ``local-opportunity-…``), an
update names fields to change and leaves the others, an unknown record or stage is refused (not
retryable), notes hang off a person. The pages label it "Offline CRM simulator"; /crm/simulator
lists what it holds (``records_page``)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.crm import STAGES, CrmError, NoteIn, OpportunityIn, PersonIn
from propintel.integrations.local.crm_repository import LocalCrmRecord, LocalCrmRepository
from propintel.kit.i18n import _
from propintel.kit.pagination import KeyPart, Listing

PROVIDER = "local"
PERSON = "person"
OPPORTUNITY = "opportunity"
RECORDS = Listing("local_crm_records", (KeyPart.DATETIME, KeyPart.TEXT))


def _new_id(kind: str) -> str:
    return f"local-{kind}-{uuid.uuid4().hex}"


def _person_fields(person: PersonIn) -> dict[str, Any]:
    fields: dict[str, Any] = {"first_name": person.first_name, "last_name": person.last_name}
    for key in ("email", "phone", "city"):
        value = getattr(person, key)
        if value:
            fields[key] = value
    return fields


def _opportunity_fields(opportunity: OpportunityIn) -> dict[str, Any]:
    fields: dict[str, Any] = {"name": opportunity.name}
    if opportunity.stage is not None:
        fields["stage"] = opportunity.stage
    if opportunity.point_of_contact_id is not None:
        fields["point_of_contact_id"] = opportunity.point_of_contact_id
    if opportunity.amount_micros is not None:
        fields["amount_micros"] = opportunity.amount_micros
        fields["currency_code"] = opportunity.currency_code
    return fields


class LocalCrm:
    provider = PROVIDER

    def __init__(self, session: AsyncSession, user_id: uuid.UUID) -> None:
        self.user_id = user_id
        self.repo = LocalCrmRepository.from_session(session)

    async def aclose(self) -> None:
        return None

    async def check(self) -> None:
        return None

    async def create_person(self, person: PersonIn) -> str:
        record_id = _new_id(PERSON)
        await self.repo.insert(self.user_id, record_id, PERSON, _person_fields(person))
        return record_id

    async def update_person(self, person_id: str, person: PersonIn) -> None:
        record = await self._existing(person_id, PERSON)
        await self.repo.replace_payload(
            self.user_id, person_id, {**record.payload, **_person_fields(person)}
        )

    async def create_opportunity(self, opportunity: OpportunityIn) -> str:
        await self._check_opportunity(opportunity)
        fields = {"stage": STAGES[0], **_opportunity_fields(opportunity)}
        record_id = _new_id(OPPORTUNITY)
        await self.repo.insert(self.user_id, record_id, OPPORTUNITY, fields)
        return record_id

    async def update_opportunity(self, opportunity_id: str, opportunity: OpportunityIn) -> None:
        record = await self._existing(opportunity_id, OPPORTUNITY)
        await self._check_opportunity(opportunity)
        await self.repo.replace_payload(
            self.user_id, opportunity_id, {**record.payload, **_opportunity_fields(opportunity)}
        )

    async def add_note(self, person_id: str, note: NoteIn) -> str:
        record = await self._existing(person_id, PERSON)
        note_id = _new_id("note")
        notes = [*record.payload.get("notes", []), {"id": note_id, "title": note.title,
                                                     "body": note.body}]  # fmt: skip
        await self.repo.replace_payload(self.user_id, person_id, {**record.payload, "notes": notes})
        return note_id

    async def _existing(self, record_id: str, kind: str) -> LocalCrmRecord:
        record = await self.repo.get(self.user_id, record_id, kind)
        if record is None:
            raise CrmError(
                _("The offline CRM simulator has no such record: {id}.").format(id=record_id),
                retryable=False,
            )
        return record

    async def _check_opportunity(self, opportunity: OpportunityIn) -> None:
        if opportunity.stage is not None and opportunity.stage not in STAGES:
            raise CrmError(
                _("The offline CRM simulator has no stage {stage}.").format(
                    stage=opportunity.stage
                ),
                retryable=False,
            )
        if opportunity.point_of_contact_id is not None:
            await self._existing(opportunity.point_of_contact_id, PERSON)


async def records_page(
    session: AsyncSession, user_id: uuid.UUID, limit: int, cursor: str | None = None
) -> tuple[list[LocalCrmRecord], str | None]:
    """One page of what ``user_id``'s simulated workspace holds, newest first, and the cursor of
    the next page (None: the last)."""
    after = RECORDS.decode_optional(cursor)
    records = await LocalCrmRepository.from_session(session).page(user_id, after, limit + 1)
    return RECORDS.page(records, limit, key=_key)


def _key(record: LocalCrmRecord) -> tuple[datetime, str]:
    return (record.created_at, record.record_id)


async def record_counts(session: AsyncSession, user_id: uuid.UUID) -> dict[str, int]:
    """How many people and opportunities the simulated workspace holds."""
    counts = await LocalCrmRepository.from_session(session).count(user_id)
    return {PERSON: counts.get(PERSON, 0), OPPORTUNITY: counts.get(OPPORTUNITY, 0)}


async def erase_records(session: AsyncSession, user_id: uuid.UUID) -> None:
    """Delete a subscriber's simulated workspace (their account's erasure, "Your data")."""
    await LocalCrmRepository.from_session(session).delete_owned(user_id)
