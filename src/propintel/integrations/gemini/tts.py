"""Text to speech through Gemini's API and the official ``google-genai`` SDK: one
``POST …/v1beta/models/{model}:generateContent`` (header ``x-goog-api-key``) asking for audio
with a prebuilt voice. Gemini answers raw 16-bit little-endian mono PCM
(``audio/L16;codec=pcm;rate=24000``), which we wrap into a WAV file Twilio can ``<Play>``.

The SDK speaks through our own ``httpx.AsyncClient`` (not aiohttp) and makes one attempt: a
failure is reported at once as ``SpeechError`` (the call then speaks with ``<Say>``), never
naming the key.
"""

from __future__ import annotations

import io
import re
import wave

import httpx
from google import genai
from google.genai import errors, types

from propintel.integrations.tts import Speech, SpeechError

PROVIDER = "gemini"
TIMEOUT_S = 20.0
WAV = "audio/wav"
DEFAULT_RATE = 24000
SAMPLE_WIDTH = 2  # 16-bit
CHANNELS = 1

_PCM_TYPES = ("audio/l16", "audio/pcm")
_WAV_TYPES = ("audio/wav", "audio/x-wav", "audio/wave")
_RATE = re.compile(r"rate=([0-9]+)")


def gemini_client(api_key: str, http_client: httpx.AsyncClient | None = None) -> genai.Client:
    """A client for the key, speaking through ``http_client`` (one of its own by default),
    without retries."""
    return genai.Client(
        api_key=api_key,
        http_options=types.HttpOptions(
            httpx_async_client=http_client or httpx.AsyncClient(timeout=TIMEOUT_S),
            retry_options=types.HttpRetryOptions(attempts=1),
        ),
    )


def pcm_to_wav(pcm: bytes, rate: int) -> bytes:
    """Raw 16-bit little-endian mono PCM at ``rate`` Hz as a WAV file."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(CHANNELS)
        out.setsampwidth(SAMPLE_WIDTH)
        out.setframerate(rate)
        out.writeframes(pcm)
    return buffer.getvalue()


def as_wav(data: bytes, mime_type: str) -> bytes:
    """The audio Gemini answered as a WAV file; ``SpeechError`` for any other format."""
    kind = mime_type.split(";", 1)[0].strip().lower()
    if kind in _WAV_TYPES:
        return data
    if kind in _PCM_TYPES:
        match = _RATE.search(mime_type.lower())
        rate = int(match.group(1)) if match else DEFAULT_RATE
        if rate <= 0 or len(data) % SAMPLE_WIDTH:
            raise SpeechError("Gemini answered malformed audio")
        return pcm_to_wav(data, rate)
    raise SpeechError(f"Gemini answered audio in an unexpected format ({kind or 'none'})")


class GeminiSpeech:
    provider = PROVIDER

    def __init__(self, client: genai.Client, model: str, voice: str) -> None:
        self.client = client
        self.model = model
        self.voice = voice

    def _config(self) -> types.GenerateContentConfig:
        return types.GenerateContentConfig(
            response_modalities=["AUDIO"],
            speech_config=types.SpeechConfig(
                voice_config=types.VoiceConfig(
                    prebuilt_voice_config=types.PrebuiltVoiceConfig(voice_name=self.voice)
                )
            ),
        )

    async def synthesize(self, text: str, language: str) -> Speech:
        """``text`` spoken with the configured voice. Gemini's voices speak the language of the
        text (English and Spanish alike), so ``language`` needs no setting of its own."""
        try:
            response = await self.client.aio.models.generate_content(
                model=self.model, contents=text, config=self._config()
            )
        except errors.APIError as error:
            # The status only: the request (and so the key) stays out of the message.
            raise SpeechError(f"Gemini refused the speech (HTTP {error.code})") from None
        except (httpx.HTTPError, OSError) as error:
            raise SpeechError(f"Gemini could not be reached ({type(error).__name__})") from None
        except ValueError as error:  # an answer the SDK could not read
            raise SpeechError(f"Gemini answered unreadably ({type(error).__name__})") from None
        inline = None
        candidates = response.candidates or []
        if candidates and candidates[0].content and candidates[0].content.parts:
            inline = candidates[0].content.parts[0].inline_data
        if inline is None or not inline.data:
            raise SpeechError("Gemini answered no audio")
        return Speech(audio=as_wav(inline.data, inline.mime_type or ""), content_type=WAV)
