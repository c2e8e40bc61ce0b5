"""AI voice calls, the subscriber's phone numbers and calendar booking (docs/voice.md)."""
