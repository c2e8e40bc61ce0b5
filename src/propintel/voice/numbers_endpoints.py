"""Phone numbers API: your numbers, the numbers for sale, buying, renaming and releasing one.
Every action but releasing needs a plan with AI voice calls (403 naming the plans that do); another
subscriber's number or an unknown id is a 404."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.config import Settings
from propintel.db.session import DbSession
from propintel.integrations.voice import VoiceNetwork, VoiceNetworks
from propintel.kit.clock import now_new_york
from propintel.voice import numbers
from propintel.voice.numbers_schemas import AvailableOut, BuyIn, NumberOut, NumbersOut, RenameIn

router = APIRouter(prefix="/api/v1/voice/numbers", tags=["voice"])

ERRORS: dict[int | str, dict[str, str]] = {
    403: {"description": "Your plan does not include AI voice calls."},
    404: {"description": "No such number among yours."},
}


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def network_of(request: Request, db: AsyncSession) -> VoiceNetwork:
    """The telephone network of this unit of work (``app.state.voice_networks``)."""
    networks: VoiceNetworks = request.app.state.voice_networks
    return networks(db)


@router.get("", response_model=NumbersOut, responses={403: ERRORS[403]})
async def list_numbers(request: Request, user: SubscriberUser, db: DbSession) -> NumbersOut:
    """The numbers you hold (newest first; calls come from the newest) and the latest released."""
    return NumbersOut.of(await numbers.numbers(db, user, settings_of(request)))


@router.get(
    "/available",
    response_model=list[AvailableOut],
    responses={403: ERRORS[403], 422: {"description": "Not a 3-digit area code."}},
)
async def available(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    area_code: Annotated[str | None, Query(max_length=8)] = None,
    limit: Annotated[int, Query(ge=1, le=numbers.SEARCH_MAX)] = 20,
) -> list[AvailableOut]:
    """Local numbers for sale in `area_code`; without one, 305's first, then 786's."""
    found = await numbers.available(db, user, network_of(request, db), area_code, limit)
    return [AvailableOut.of(n) for n in found]


@router.post(
    "",
    response_model=NumberOut,
    status_code=201,
    responses={
        **ERRORS,
        409: {"description": "You hold the most numbers allowed, or the number is taken."},
        422: {"description": "Not a US number, or a missing or too long name."},
        503: {"description": "The phone company refused or could not be reached; nothing kept."},
    },
)
async def buy(body: BuyIn, request: Request, user: SubscriberUser, db: DbSession) -> NumberOut:
    """Buy a number (its monthly price is a platform cost); incoming calls reach your AI agent."""
    bought = await numbers.buy(
        db,
        user,
        network_of(request, db),
        settings_of(request),
        number=body.number,
        friendly_name=body.friendly_name,
        now=now_new_york(),
    )
    return NumberOut.of(bought)


@router.patch(
    "/{phone_id}",
    response_model=NumberOut,
    responses={**ERRORS, 409: {"description": "The number was released."}},
)
async def rename(
    phone_id: uuid.UUID, body: RenameIn, request: Request, user: SubscriberUser, db: DbSession
) -> NumberOut:
    """Rename one of your numbers."""
    renamed = await numbers.rename(db, user, network_of(request, db), phone_id, body.friendly_name)
    return NumberOut.of(renamed)


@router.delete(
    "/{phone_id}",
    status_code=204,
    responses={404: ERRORS[404], 409: {"description": "Already released."}},
)
async def release(
    phone_id: uuid.UUID, request: Request, user: SubscriberUser, db: DbSession
) -> Response:
    """Release one of your numbers: it stops receiving calls at once and costs nothing more."""
    await numbers.release(db, user, network_of(request, db), phone_id, now_new_york())
    return Response(status_code=204)
