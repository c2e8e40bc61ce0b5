"""Usage preferences: the daily limit (a New York day) and auto-recharge settings."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.kit.errors import Invalid, NotFound
from propintel.kit.i18n import _
from propintel.tokens.repository import TokenRepository
from propintel.tokens.schemas import TokenPreferences


def validate(preferences: TokenPreferences) -> TokenPreferences:
    """Cross-field rules (ranges are checked by the model): a recharge needs an amount, and
    auto-recharge needs a threshold to trigger at."""
    if preferences.recharge_threshold > 0 and preferences.recharge_amount == 0:
        raise Invalid(
            _("Set a recharge amount for the recharge threshold."), field="recharge_amount"
        )
    if preferences.auto_recharge and preferences.recharge_amount == 0:
        raise Invalid(_("Auto-recharge needs a recharge amount."), field="recharge_amount")
    if preferences.auto_recharge and preferences.recharge_threshold == 0:
        raise Invalid(
            _("Auto-recharge needs a threshold above 0 to trigger at."), field="recharge_threshold"
        )
    if preferences.auto_recharge and preferences.recharge_amount < preferences.recharge_threshold:
        # Smaller top-ups would leave the balance under the threshold: one dip, many charges.
        raise Invalid(
            _(
                "The recharge amount must be at least the threshold, so one top-up lifts the "
                "balance above it."
            ),
            field="recharge_amount",
        )
    return preferences


async def get_preferences(session: AsyncSession, user_id: uuid.UUID) -> TokenPreferences:
    account = await TokenRepository.from_session(session).account(user_id)
    if account is None:
        raise NotFound(_("No such user."))
    return TokenPreferences.from_stored(account.preferences)


async def update_preferences(
    session: AsyncSession, user_id: uuid.UUID, preferences: TokenPreferences
) -> TokenPreferences:
    """Replace the user's preferences (a lower daily limit applies to the rest of today at once)."""
    await TokenRepository.from_session(session).save_preferences(
        user_id, validate(preferences).model_dump()
    )
    return preferences
