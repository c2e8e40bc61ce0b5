"""AI calls API: place a call to a lead's owner, list your calls (one lead's), read one call with
its transcript. A plan without AI voice calls gets 403 naming the plans that include it; another
subscriber's lead or call is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.voice import calls
from propintel.voice.call_schemas import CallIn, CallOut, CallsOut
from propintel.voice.numbers_endpoints import network_of, settings_of

router = APIRouter(prefix="/api/v1/voice/calls", tags=["voice"])
MAX_PAGE = 100
ERRORS: dict[int | str, dict[str, str]] = {
    402: {"description": "Not enough credits for even 3 minutes."},
    403: {"description": "Your plan lacks AI voice calls, or the compliance guard refused."},
    404: {"description": "No such lead or call among yours."},
    409: {"description": "Daily credit limit reached, or the owner's contact is not unlocked."},
    503: {"description": "The phone provider did not place the call (nothing charged)."},
}


@router.post("", response_model=CallOut, status_code=201, responses=ERRORS)
async def place_call(
    body: CallIn, request: Request, user: SubscriberUser, db: DbSession
) -> CallOut:
    """Call the lead's owner: the compliance guard first, then the credits for `minutes`
    (per started 3 minutes, capped by your balance) are held, then the call is dialled. The hold
    is settled when the call ends, from its real length."""
    call = await calls.start_call(
        db,
        user,
        body.lead_id,
        to=body.to,
        template_id=body.template_id,
        minutes=body.minutes,
        language=body.language,
        network=network_of(request, db),
        settings=settings_of(request),
        now=now_new_york(),
    )
    return CallOut.of(call)


@router.get("", response_model=CallsOut, responses={403: ERRORS[403], 404: ERRORS[404]})
async def list_calls(
    user: SubscriberUser,
    db: DbSession,
    lead_id: uuid.UUID | None = None,
    cursor: Annotated[str | None, Query(max_length=512)] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 25,
) -> CallsOut:
    """Your calls, newest first (one lead's with `lead_id`); pass `next_cursor` for more."""
    rows, next_cursor = await calls.calls_page(
        db, user, lead_id=lead_id, limit=limit, cursor=cursor
    )
    return CallsOut(calls=[CallOut.of(row) for row in rows], next_cursor=next_cursor)


@router.get("/{call_id}", response_model=CallOut, responses={403: ERRORS[403], 404: ERRORS[404]})
async def get_call(call_id: uuid.UUID, user: SubscriberUser, db: DbSession) -> CallOut:
    return CallOut.of(await calls.call(db, user, call_id))
