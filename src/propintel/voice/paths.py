"""The public URLs Twilio (or the offline network) is given for voice: where a call asks what to
say, where speech is posted, where statuses arrive, where a subscriber's number is answered.
Webhook signatures are computed on these public URLs (``PROPINTEL_PUBLIC_BASE_URL`` + path)."""

from __future__ import annotations

from propintel.config import Settings

ANSWER_PATH = "/webhooks/twilio/voice/answer"  # ?call=<call_id>: TwiML when the callee answers
GATHER_PATH = "/webhooks/twilio/voice/gather"  # ?call=<call_id>&turn=<n>: the callee's speech
STATUS_PATH = "/webhooks/twilio/voice/status"  # every call's status callbacks
INBOUND_PATH = "/webhooks/twilio/voice/inbound"  # a call to a subscriber's number


def webhook_url(settings: Settings, path: str) -> str:
    return settings.public_base_url.rstrip("/") + path
