"""US phone numbers in the one form outreach stores and compares them: E.164 (``+13055551234``).

Every table of outreach (skip-trace results, consents, opt-outs, attempts, SMS threads, the DNC
list) keys numbers in this one form, so a number written ``(305) 555-1234`` by a provider and
``+1 305 555 1234`` by Twilio is the same number everywhere."""

from __future__ import annotations

import re

_DIGITS = re.compile(r"\D")


def normalize_phone(raw: str | None) -> str | None:
    """``raw`` as E.164 when it is a valid North American number (10 digits, or 11 starting with
    1; area code and exchange not starting with 0 or 1); None otherwise."""
    if not raw:
        return None
    digits = _DIGITS.sub("", raw)
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    if len(digits) != 10 or digits[0] in "01" or digits[3] in "01":
        return None
    return f"+1{digits}"


def area_code(phone: str) -> str:
    """The area code of a normalized number (``+13055551234`` → ``305``)."""
    return phone[2:5]


def display_phone(phone: str) -> str:
    """A normalized number as people write it: ``(305) 555-1234``."""
    digits = phone[2:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
