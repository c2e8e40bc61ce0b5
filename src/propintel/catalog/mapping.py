"""Which ``ai_cost_config`` service an action's provider cost and target markup come from.

``token_pricing.action_type`` and ``ai_cost_config.service_name`` are named differently in the
spec (an action vs. a vendor's unit), so the link lives here (docs/billing-admin.md). An action
that is missing or maps to None (``contact_enrichment``: BatchData has no ``ai_cost_config`` row)
has no markup target; an action created later by an admin has none until it is added here.
"""

from __future__ import annotations

from typing import Final

ACTION_COST_SERVICE: Final[dict[str, str | None]] = {
    "ai_voice_call_3min": "gemini_tts_call",
    "ai_chat_1k_tokens": "together_chat_1k",
    "sms_send": "twilio_sms",
    "email_send": "sendgrid_email",
    "contact_enrichment": None,
    "job_bid": None,
}


def cost_service(action_type: str | None) -> str | None:
    return ACTION_COST_SERVICE.get(action_type or "")
