"""The phone simulator's service: what a subscriber may see of the offline network (only the
texts of their own threads) and replies typed on the simulated phone."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.config import Settings
from propintel.integrations.local import sms as local_sms
from propintel.kit.errors import Conflict, Invalid, NotFound
from propintel.kit.i18n import _
from propintel.outreach.sms_repository import SmsRepository
from propintel.outreach.sms_webhooks import simulate_reply

SHOWN = 50
PHONES = 50


async def phones_texted(session: AsyncSession, user: User) -> list[tuple[str, datetime]]:
    return await SmsRepository.from_session(session).contacts_texted(user.user_id, PHONES)


async def texts_on(session: AsyncSession, user: User, phone: str) -> list[local_sms.LocalText]:
    """The network's copy of the subscriber's texts with ``phone``, both ways, oldest first."""
    sids = await SmsRepository.from_session(session).provider_ids_with(user.user_id, phone, SHOWN)
    return await local_sms.texts(session, sids)


async def our_number_for(session: AsyncSession, user: User, phone: str) -> str | None:
    """The number the subscriber last texted ``phone`` from (where a reply goes)."""
    return await SmsRepository.from_session(session).latest_sender_to(user.user_id, phone)


async def reply(
    session: AsyncSession, user: User, settings: Settings, phone: str, body: str
) -> uuid.UUID | None:
    """The owner at ``phone`` replies to the number the subscriber texted them from."""
    to = await our_number_for(session, user, phone)
    if to is None:
        raise NotFound(_("You have not texted this phone."))
    thread = await SmsRepository.from_session(session).latest_outbound(to, phone)
    if thread is None or thread.user_id != user.user_id:
        # A shared sender: the reply would land in another subscriber's conversation.
        raise Conflict(
            _(
                "Another subscriber texted this owner from the same number since you did: a "
                "reply now would go to their conversation."
            )
        )
    text = body.strip()
    if not text:
        raise Invalid(_("Write the reply."), field="body")
    return await simulate_reply(session, settings, from_=phone, to=to, body=text)
