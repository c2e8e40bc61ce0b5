"""What the call tests share: a subscriber with a lead whose owner's number is unlocked and who
consented to calls, a call placed on the offline network, the simulator driving the app's own
webhooks, and the voice jobs run as the worker would."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import get_settings
from propintel.integrations.local.voice import LocalVoice
from propintel.outreach import compliance
from propintel.voice import calls, simulator
from propintel.voice.calls import CallRow
from propintel.voice.calls_repository import CallsRepository
from tests.outreach.sms_helpers import MOBILE, NOW, Owner, run_outreach_jobs, unlocked_lead

SETTINGS = get_settings()
__all__ = ["MOBILE", "NOW", "SETTINGS"]


async def callable_lead(db: AsyncSession, tokens: int = 100) -> Owner:
    owner = await unlocked_lead(db, tokens=tokens)
    await compliance.record_consent(
        db,
        user_id=owner.user.user_id,
        contact=MOBILE,
        channel="call",
        source="written",
        evidence="Signed consent form, kept in the office",
        consented_at=NOW.replace(hour=9),
        now=NOW,
    )
    return owner


async def place(
    db: AsyncSession, owner: Owner, *, minutes: int = 6, now: datetime = NOW, language: str = "en"
) -> CallRow:
    return await calls.start_call(
        db,
        owner.user,
        owner.lead_id,
        to=MOBILE,
        template_id=None,
        minutes=minutes,
        language=language,
        network=LocalVoice(db),
        settings=SETTINGS,
        now=now,
    )


def twilio_of(client: httpx.AsyncClient) -> simulator.Twilio:
    """The simulator's wire: signed posts to the test app's webhooks (in the test's transaction)."""
    transport = client._transport
    assert isinstance(transport, httpx.ASGITransport)
    return simulator.Twilio(transport.app, SETTINGS)  # type: ignore[arg-type]


async def run_voice_jobs(db: AsyncSession, seen: set[int]) -> list[Any]:
    """Run every voice job deferred so far and not in ``seen``, as the worker would."""
    return await run_outreach_jobs(db, seen, domain="voice")


async def reloaded(db: AsyncSession, call: CallRow) -> CallRow:
    found = await CallsRepository.from_session(db).get(call.call_id)
    assert found is not None
    return found


LATER = NOW + timedelta(seconds=95)
