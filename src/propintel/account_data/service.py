""" "Your data": everything an account owns as one JSON document, and the deletion of the account
(docs/accounts.md, "Your data").

The export gathers each domain's rows through that domain's ``personal_data`` module (each keeps
its SQL in its own repository) plus this package's repository (the spec's tables no lower domain
writes yet). It is written as it is read: keyset pages of ``EXPORT_PAGE_SIZE`` rows, each turned
into JSON text and handed on, so memory stays bounded whatever the account's size.

The deletion erases or anonymises the personal data in one transaction (the caller's unit of
work) and keeps the financial records: the ledger, token purchases, invoices and subscriptions,
and the admin audit trail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.account_data.repository import EXPORTS, AccountDataRepository
from propintel.assistant import personal_data as assistant_data
from propintel.audit import personal_data as audit_data
from propintel.audit.service import audit
from propintel.auth import personal_data as auth_data
from propintel.auth.models import User
from propintel.billing import personal_data as billing_data
from propintel.config import Settings
from propintel.db.export import EXPORT_PAGE_SIZE, ExportPage
from propintel.integrations.local.crm import erase_records as erase_crm_simulator
from propintel.integrations.local.outbox import erase_for as erase_outbox
from propintel.integrations.storage import key_of_public_url
from propintel.kit.clock import now_new_york
from propintel.kit.errors import Conflict, Forbidden
from propintel.kit.i18n import TIMEZONE, _
from propintel.leads import personal_data as leads_data
from propintel.outreach import personal_data as outreach_data
from propintel.saved_searches import personal_data as saved_searches_data
from propintel.search import personal_data as search_data
from propintel.tokens import personal_data as tokens_data

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
ERASE_ACTION = "account.erase"

ExportRows = Callable[..., Awaitable[ExportPage]]


async def _own_rows(
    session: AsyncSession,
    user_id: uuid.UUID,
    section: str,
    *,
    after: Any = None,
    limit: int = EXPORT_PAGE_SIZE,
) -> ExportPage:
    return await AccountDataRepository.from_session(session).export_page(
        section, user_id, after, limit
    )


# The document's groups, in order: (name, its sections, how to read a page of one).
GROUPS: tuple[tuple[str, tuple[str, ...], ExportRows], ...] = (
    ("account", auth_data.SECTIONS, auth_data.export_rows),
    ("tokens", tokens_data.SECTIONS, tokens_data.export_rows),
    ("billing", billing_data.SECTIONS, billing_data.export_rows),
    ("leads", leads_data.SECTIONS, leads_data.export_rows),
    ("outreach", outreach_data.SECTIONS, outreach_data.export_rows),
    ("assistant", assistant_data.SECTIONS, assistant_data.export_rows),
    ("saved_searches", saved_searches_data.SECTIONS, saved_searches_data.export_rows),
    ("search", search_data.SECTIONS, search_data.export_rows),
    ("audit", audit_data.SECTIONS, audit_data.export_rows),
    ("assistant_and_marketplace", tuple(EXPORTS), _own_rows),
)


def export_filename(day: date) -> str:
    return f"propintel-data-{day:%Y%m%d}.json"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


async def export_chunks(
    session: AsyncSession,
    user_id: uuid.UUID,
    *,
    page_size: int = EXPORT_PAGE_SIZE,
    now: datetime | None = None,
) -> AsyncIterator[str]:
    """The account's export as pieces of one JSON document::

        {"schema_version": 1, "generated_at": "…-05:00", "time_zone": "America/New_York",
         "user_id": "…", "data": {"account": {"user": [{…}], …}, "tokens": {…}, …}}

    Every section is a list of whole rows (the table's columns by name). Row times are New York
    wall-clock time without an offset, as stored."""
    generated = (now or datetime.now(ZoneInfo(TIMEZONE))).isoformat()
    yield (
        f'{{"schema_version": {SCHEMA_VERSION}, "generated_at": {_json(generated)}, '
        f'"time_zone": {_json(TIMEZONE)}, "user_id": {_json(str(user_id))}, "data": {{'
    )
    for group_index, (group, sections, rows_of) in enumerate(GROUPS):
        yield ("," if group_index else "") + f"\n{_json(group)}: {{"
        for section_index, section in enumerate(sections):
            yield ("," if section_index else "") + f"\n  {_json(section)}: ["
            after: Any = None
            first = True
            while True:
                page = await rows_of(session, user_id, section, after=after, limit=page_size)
                for row in page.rows:
                    yield ("" if first else ",") + "\n    " + _json(row)
                    first = False
                if page.after is None:
                    break
                after = page.after
            yield "]"
        yield "}"
    yield "}}\n"


async def export_document(session: AsyncSession, user_id: uuid.UUID) -> dict[str, Any]:
    """The whole export as one object (tests, small accounts); the routes stream it instead."""
    text = "".join([chunk async for chunk in export_chunks(session, user_id)])
    document: dict[str, Any] = json.loads(text)
    return document


# ---- deletion -----------------------------------------------------------------------------------


class Storage(Protocol):
    def delete(self, key: str) -> None: ...


@dataclass(frozen=True)
class Erased:
    user_id: uuid.UUID
    tokens_forfeited: int
    leads_deleted: int
    saved_searches_deleted: int
    files_deleted: int


async def erase_account(
    session: AsyncSession,
    settings: Settings,
    user: User,
    *,
    typed_email: str,
    password: str | None,
    ip: str,
    storage: Storage | None = None,
    now: datetime | None = None,
) -> Erased:
    """Delete ``user``'s account as its owner asked, once the confirmation holds (the account's
    e-mail typed, and its password when it has one): refused while a plan would renew.

    In the caller's transaction: the balance is forfeited through the ledger, the working data
    (leads, saved searches, export log, assistant/CRM/marketplace rows, local e-mails) deleted,
    the identity erased (``auth.personal_data.erase_identity``), and an ``account.erase`` audit
    entry written without personal data. Uploaded files the profile named are deleted last."""
    now = now or now_new_york()
    if user.is_admin:
        raise Forbidden(
            _("An administrator's account is not deleted here: ask another administrator.")
        )
    await auth_data.confirm_erasure(session, settings, user, typed_email, password, ip, now=now)
    if await billing_data.has_renewing_plan(session, user.user_id):
        raise Conflict(
            _(
                "Your plan renews automatically. Cancel it on the Billing page first (it ends "
                "with the period you paid for), then delete the account."
            )
        )
    user_id, email = user.user_id, user.email
    forfeited = await tokens_data.forfeit_balance(session, user_id, now=now)
    await outreach_data.erase(session, user_id)
    leads = await leads_data.erase(session, user_id)
    searches = await saved_searches_data.erase(session, user_id)
    await search_data.erase(session, user_id)
    await AccountDataRepository.from_session(session).erase(user_id)
    await assistant_data.erase(session, user_id)  # after the leads: their AI calls use scripts
    await erase_outbox(session, user_id, email)
    await erase_crm_simulator(session, user_id)
    files = await auth_data.erase_identity(session, user, now=now)
    summary = {
        "tokens_forfeited": forfeited,
        "leads_deleted": leads,
        "saved_searches_deleted": searches,
    }
    await audit(session, user, ERASE_ACTION, "users", user_id, None, summary)
    deleted = await _delete_files(storage, files)
    return Erased(user_id, forfeited, leads, searches, deleted)


async def deletion_facts(session: AsyncSession, user: User) -> dict[str, bool]:
    """What the page says before a deletion: whether a password is asked, whether the plan must
    be cancelled first, whether this account may be deleted here at all."""
    return {
        "has_password": await auth_data.has_password(session, user.user_id),
        "plan_renews": await billing_data.has_renewing_plan(session, user.user_id),
        "deletable": not user.is_admin,
    }


async def _delete_files(storage: Storage | None, urls: list[str]) -> int:
    """Delete the stored files behind ``urls`` (ours only); a storage failure is logged, not
    raised: the erasure of the database rows stands."""
    deleted = 0
    for url in urls:
        key = key_of_public_url(url)
        if storage is None or key is None:
            continue
        try:
            await asyncio.to_thread(storage.delete, key)
            deleted += 1
        except Exception:
            log.exception("could not delete a stored file of an erased account")
    return deleted
