"""Text to speech for AI calls: the Gemini adapter when ``PROPINTEL_GEMINI_API_KEY`` is set
(``providers.speech_synthesizer``), else none, and calls speak with Twilio's own voice (``<Say>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Speech:
    audio: bytes  # a complete WAV file
    content_type: str  # "audio/wav"


class SpeechError(Exception):
    """The provider refused or could not be reached (the call falls back to ``<Say>``)."""


class SpeechSynthesizer(Protocol):
    provider: str

    async def synthesize(self, text: str, language: str) -> Speech:
        """``text`` spoken in ``language`` ("en" or "es") as a WAV file."""
        ...
