"""The TwiML a call is answered with (``twilio.twiml.voice_response``), and the spoken lines in it.

Each line is spoken with Gemini's voice when a speech synthesizer is configured (the audio is
stored once per text, language and voice under ``public/voice-audio/`` and played with
``<Play>``), else with Twilio's own voice (``<Say>`` in en-US or es-US). A synthesis failure falls
back to ``<Say>`` for that line: a call never waits for a retry.

While listening, the lines are inside ``<Gather input="speech">`` (so the person can interrupt),
and a ``<Redirect>`` after it posts to the same gather URL when nothing was said (silence).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass

import structlog
from twilio.twiml.voice_response import Gather, VoiceResponse

from propintel.config import Settings
from propintel.integrations.storage import FileStorage, StorageError, public_url
from propintel.integrations.tts import SpeechError, SpeechSynthesizer

log = structlog.get_logger(__name__)
SAY_LANGUAGES = {"en": "en-US", "es": "es-US"}
SAY_VOICES = {"en": "Polly.Joanna", "es": "Polly.Lupe"}
AUDIO_PREFIX = "public/voice-audio/"


@dataclass(frozen=True)
class Voice:
    """How lines are spoken on this call: the synthesizer and where its audio is kept, or None
    for ``<Say>``."""

    settings: Settings
    synthesizer: SpeechSynthesizer | None
    storage: FileStorage | None


def _audio_key(settings: Settings, text: str, language: str) -> str:
    """The same text, language and voice make the same file (keyed, so names reveal nothing)."""
    material = f"{settings.gemini_tts_model}|{settings.gemini_tts_voice}|{language}|{text}"
    digest = hmac.new(
        settings.derived_secret("voice-audio").encode(), material.encode(), hashlib.sha256
    ).hexdigest()[:40]
    return f"{AUDIO_PREFIX}{digest}.wav"


async def audio_url(voice: Voice, text: str, language: str) -> str | None:
    """The public URL of ``text`` spoken by the synthesizer, or None (then ``<Say>``)."""
    if voice.synthesizer is None or voice.storage is None:
        return None
    storage, key = voice.storage, _audio_key(voice.settings, text, language)
    try:
        if await asyncio.to_thread(storage.get, key) is None:
            speech = await voice.synthesizer.synthesize(text, language)
            await asyncio.to_thread(storage.put, key, speech.audio, speech.content_type)
    except (SpeechError, StorageError) as error:
        log.warning("voice.speech.fallback", error=str(error))
        return None
    return voice.settings.public_base_url.rstrip("/") + public_url(key)


async def _speak(target: VoiceResponse | Gather, voice: Voice, text: str, language: str) -> None:
    url = await audio_url(voice, text, language)
    if url is not None:
        target.play(url)
    else:
        target.say(text, voice=SAY_VOICES.get(language), language=SAY_LANGUAGES.get(language))


async def listen(voice: Voice, lines: Sequence[str], language: str, gather_url: str) -> str:
    """Say ``lines``, then listen for speech posted to ``gather_url``."""
    response = VoiceResponse()
    gather = Gather(
        input="speech",
        action=gather_url,
        method="POST",
        speech_timeout="auto",
        language=SAY_LANGUAGES.get(language),
    )
    for line in lines:
        await _speak(gather, voice, line, language)
    response.append(gather)
    response.redirect(gather_url, method="POST")
    return str(response.to_xml())


async def hang_up(voice: Voice, lines: Sequence[str], language: str) -> str:
    """Say ``lines`` and end the call."""
    response = VoiceResponse()
    for line in lines:
        await _speak(response, voice, line, language)
    response.hangup()
    return str(response.to_xml())


def empty() -> str:
    """Nothing to do (a call we no longer handle)."""
    response = VoiceResponse()
    response.hangup()
    return str(response.to_xml())
