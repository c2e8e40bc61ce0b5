"""Twilio: SMS through the official SDK, and the webhook signature (``X-Twilio-Signature``)."""
