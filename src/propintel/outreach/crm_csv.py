"""The contacts CSV: a subscriber's saved leads (all, or the ones chosen) in the columns common
CRMs import (HubSpot, Salesforce, Zoho, Pipedrive, Twenty map them by name), streamed a batch of
leads at a time.

The owner's e-mail and numbers appear only for properties this subscriber unlocked, without the
numbers flagged Do-Not-Call or litigator (``crm.owner_contact``). A cell that a spreadsheet would
run as a formula (starting with = + - @, a tab or a carriage return) is prefixed with ``'``; phone
numbers are written as people write them, ``(305) 555-1234``. The column names stay in English:
they are what CRMs' importers look for."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.kit.phones import display_phone
from propintel.leads import service as leads
from propintel.outreach import crm
from propintel.search.labels import lead_kind_name

COLUMNS = (
    "First Name",
    "Last Name",
    "Email",
    "Phone",
    "Mobile Phone",
    "Street",
    "City",
    "State",
    "Postal Code",
    "Lead Status",
    "Lead Source",
    "Rating",
    "Notes",
)
BATCH = 200
MAX_CHOSEN = 1_000  # lead ids in one request (``?lead_ids=``)
# Spreadsheets run a cell that starts with one of these as a formula (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def csv_line(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(value) for value in values])
    return buffer.getvalue()


def row_of(record: leads.LeadRecord, contact: crm.OwnerContact) -> list[Any]:
    first, last = crm.person_name(record.owner_name, record.full_address or "")
    return [
        first,
        last,
        contact.email or "",
        display_phone(contact.phone) if contact.phone else "",
        display_phone(contact.mobile) if contact.mobile else "",
        record.street_address or "",
        record.city or "",
        "FL",  # every parcel PropIntel holds is in Florida (Miami-Dade)
        record.zip_code or "",
        record.status_label,
        lead_kind_name(record.lead_source, default=""),
        "" if record.lead_score is None else record.lead_score,
        record.notes or "",
    ]


def check_chosen(lead_ids: Sequence[uuid.UUID] | None) -> list[uuid.UUID] | None:
    """The chosen leads, once each (None: every lead); ``Invalid`` past the limit."""
    if lead_ids is None or not lead_ids:
        return None
    chosen = list(dict.fromkeys(lead_ids))
    if len(chosen) > MAX_CHOSEN:
        raise Invalid(
            _("Export at most {limit} chosen leads at a time, or all of them.").format(
                limit=MAX_CHOSEN
            ),
            field="lead_ids",
        )
    return chosen


async def contacts_csv(
    session: AsyncSession, user: User, lead_ids: Sequence[uuid.UUID] | None
) -> AsyncIterator[str]:
    """The CSV a line at a time: the header, then the user's leads (those of ``lead_ids`` that
    are theirs, or all of them) in lead order. Another subscriber's lead is simply not there."""
    yield csv_line(COLUMNS)
    after: uuid.UUID | None = None
    while True:
        batch = await leads.lead_records(
            session, user.user_id, lead_ids=lead_ids, after=after, limit=BATCH
        )
        for record in batch:
            contact = await crm.owner_contact(session, user, record.property_id)
            yield csv_line(row_of(record, contact))
        if len(batch) < BATCH:
            return
        after = batch[-1].lead_id
