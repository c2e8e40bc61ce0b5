"""The offline CRM simulator behaves as Twenty does where the sync can tell: it makes up the ids,
an update changes only the fields it names, an unknown record or stage is refused for good, notes
hang off a person, and each subscriber's workspace is their own."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.integrations.crm import CrmError, NoteIn, OpportunityIn, PersonIn
from propintel.integrations.local.crm import LocalCrm, record_counts, records_page
from tests.factories import make_subscriber


async def test_records_are_made_updated_and_listed_per_subscriber(db: AsyncSession) -> None:
    user, other = await make_subscriber(db), await make_subscriber(db)
    crm = LocalCrm(db, user.user_id)

    person = await crm.create_person(PersonIn("Ana", "Perez", email="ana@example.com"))
    opportunity = await crm.create_opportunity(OpportunityIn("1 A ST", None, person))
    await crm.update_person(person, PersonIn("Ana", "Perez Gil", phone="+13055550142"))
    await crm.update_opportunity(opportunity, OpportunityIn("1 A ST (lost)", None))
    await crm.add_note(person, NoteIn("Note", "Call Monday"))

    assert person.startswith("local-person-") and opportunity.startswith("local-opportunity-")
    records, next_cursor = await records_page(db, user.user_id, 10)
    assert next_cursor is None
    by_kind = {record.kind: record.payload for record in records}
    assert by_kind["person"] == {
        "first_name": "Ana",
        "last_name": "Perez Gil",
        "email": "ana@example.com",  # kept: the update did not name it
        "phone": "+13055550142",
        "notes": [
            {"id": by_kind["person"]["notes"][0]["id"], "title": "Note", "body": "Call Monday"}
        ],
    }
    assert by_kind["opportunity"] == {
        "name": "1 A ST (lost)",
        "stage": "NEW",  # the default at creation, kept by an update without a stage
        "point_of_contact_id": person,
    }
    assert await record_counts(db, user.user_id) == {"person": 1, "opportunity": 1}
    assert await records_page(db, other.user_id, 10) == ([], None)
    with pytest.raises(CrmError):  # another subscriber's workspace has no such record
        await LocalCrm(db, other.user_id).update_person(person, PersonIn("X", "Y"))


async def test_unknown_records_and_stages_are_refused_for_good(db: AsyncSession) -> None:
    crm = LocalCrm(db, (await make_subscriber(db)).user_id)
    person = await crm.create_person(PersonIn("A", "B"))

    for attempt in (
        crm.update_person("local-person-missing", PersonIn("A", "B")),
        crm.create_opportunity(OpportunityIn("x", "LOST")),
        crm.create_opportunity(OpportunityIn("x", "NEW", "local-person-missing")),
        crm.add_note("local-person-missing", NoteIn("t", "b")),
    ):
        with pytest.raises(CrmError) as refused:
            await attempt
        assert refused.value.retryable is False
    assert (await crm.create_opportunity(OpportunityIn("x", "MEETING", person))).startswith(
        "local-"
    )


async def test_the_simulator_pages_by_cursor(db: AsyncSession) -> None:
    user = await make_subscriber(db)
    crm = LocalCrm(db, user.user_id)
    made = [await crm.create_person(PersonIn("P", str(n))) for n in range(5)]

    first, cursor = await records_page(db, user.user_id, 2)
    second, cursor2 = await records_page(db, user.user_id, 2, cursor)
    third, last = await records_page(db, user.user_id, 2, cursor2)

    listed = [record.record_id for record in (*first, *second, *third)]
    assert listed == list(reversed(made)) and last is None
