"""An account with something in every part of "Your data": leads with notes, tags and tasks, a
saved search, token purchases, usage and an open hold, a session, an API key, a failed log-in and
an audit entry about it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import SessionKind, User
from propintel.auth.service import open_session
from propintel.config import get_settings
from propintel.kit.clock import now_new_york
from propintel.leads.service import add_note, add_task
from propintel.saved_searches.models import AlertFrequency
from propintel.saved_searches.service import create_search
from propintel.search.criteria import SearchCriteria
from propintel.tokens.admin import adjust_tokens
from propintel.tokens.schemas import AdjustmentKind
from propintel.tokens.service import charge, reserve
from tests.factories import funded_subscriber, make_user, saved_lead


@dataclass
class Owned:
    """The ids of what one account owns, to find them (or not) in an export."""

    user: User
    lead_id: uuid.UUID
    note_id: uuid.UUID
    task_id: uuid.UUID
    search_id: uuid.UUID
    usage_log_id: uuid.UUID
    reservation_id: uuid.UUID
    session_secret: str
    api_key: str


async def populated_account(db: AsyncSession, admin: User | None = None) -> Owned:
    user = await funded_subscriber(db, tokens=500)
    now = now_new_york()
    lead_id = await saved_lead(db, user, f"{uuid.uuid4().hex[:6]} LEAD ST", tags=["Hot"])
    note = await add_note(db, user.user_id, lead_id, "Called, call back Friday", now)
    task = await add_task(db, user.user_id, lead_id, "Call back", date(2026, 12, 11))
    search = await create_search(
        db, user, "Doral", SearchCriteria(zip=["33178"]), AlertFrequency.NONE, now
    )
    charged = await charge(db, user.user_id, "email_send", 3)
    held = await reserve(db, user.user_id, "ai_voice_call_3min", 2)
    settings = get_settings()
    secret = (await open_session(db, settings, user, SessionKind.WEB)).secret
    api_key = (await open_session(db, settings, user, SessionKind.API)).secret
    await db.execute(
        text(
            "INSERT INTO login_attempts (email, ip_address, succeeded) "
            "VALUES (:e, '10.0.0.1', false)"
        ),
        {"e": user.email},
    )
    admin = admin or await make_user(db, email=f"admin-{uuid.uuid4().hex[:8]}@example.com")
    await adjust_tokens(db, admin, user.user_id, AdjustmentKind.GRANT, 25, "Goodwill")
    await db.flush()
    return Owned(
        user=user,
        lead_id=lead_id,
        note_id=note.event_id,
        task_id=task.task_id,
        search_id=search.search_id,
        usage_log_id=charged.usage_log_id,
        reservation_id=held.reservation_id,
        session_secret=secret,
        api_key=api_key,
    )
