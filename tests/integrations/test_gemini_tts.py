"""The Gemini text-to-speech adapter through the real ``google-genai`` SDK over an
``httpx.MockTransport``: the exact request (model URL, key header, audio modality, voice), the
PCM answer wrapped into a WAV Twilio can play, a WAV answer passed through, one attempt only and
errors that never name the key; the choice by settings."""

from __future__ import annotations

import base64
import io
import json
import wave
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from propintel.config import get_settings
from propintel.integrations.gemini.tts import GeminiSpeech, as_wav, gemini_client, pcm_to_wav
from propintel.integrations.providers import speech_synthesizer
from propintel.integrations.tts import SpeechError

KEY = "gemini-key-for-tests"
MODEL = "gemini-2.5-flash-preview-tts"
VOICE = "Kore"
PCM_TYPE = "audio/L16;codec=pcm;rate=24000"


def _answer(data: bytes, mime_type: str) -> dict[str, object]:
    return {
        "candidates": [
            {
                "content": {
                    "role": "model",
                    "parts": [
                        {
                            "inlineData": {
                                "mimeType": mime_type,
                                "data": base64.b64encode(data).decode(),
                            }
                        }
                    ],
                },
                "finishReason": "STOP",
            }
        ],
        "modelVersion": MODEL,
    }


def _speech(
    handler: Callable[[httpx.Request], httpx.Response],
) -> tuple[GeminiSpeech, list[httpx.Request]]:
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    http = httpx.AsyncClient(transport=httpx.MockTransport(record))
    return GeminiSpeech(gemini_client(KEY, http_client=http), MODEL, VOICE), seen


def _field(value: Any, name: str) -> Any:
    """``value``'s field ``name`` (lowerCamelCase), written either way."""
    snake = "".join("_" + c.lower() if c.isupper() else c for c in name)
    assert (name in value) != (snake in value)
    return value[name] if name in value else value[snake]


def _pcm(frames: int) -> bytes:
    return b"".join((i % 32768).to_bytes(2, "little", signed=True) for i in range(frames))


async def test_speech_asks_for_audio_with_the_voice_and_wraps_pcm_into_wav() -> None:
    pcm = _pcm(4800)  # 0.2 s at 24 kHz
    speech, seen = _speech(lambda _request: httpx.Response(200, json=_answer(pcm, PCM_TYPE)))
    result = await speech.synthesize("Hola, le llamo de PropIntel.", "es")
    [request] = seen
    assert request.method == "POST"
    assert request.url.path.endswith(f"/models/{MODEL}:generateContent")
    assert request.url.host == "generativelanguage.googleapis.com"
    assert request.headers["x-goog-api-key"] == KEY
    body = json.loads(request.content)
    assert body["contents"][0]["parts"][0]["text"] == "Hola, le llamo de PropIntel."
    config = body["generationConfig"]
    assert config["responseModalities"] == ["AUDIO"]
    # the SDK writes these nested names in snake_case (the API's proto JSON takes either form)
    voice_config = _field(config["speechConfig"], "voiceConfig")
    assert _field(_field(voice_config, "prebuiltVoiceConfig"), "voiceName") == VOICE
    assert result.content_type == "audio/wav"
    with wave.open(io.BytesIO(result.audio)) as audio:
        assert audio.getnchannels() == 1
        assert audio.getframerate() == 24000
        assert audio.getsampwidth() == 2
        assert audio.getnframes() == 4800
        assert audio.readframes(4800) == pcm


async def test_the_rate_of_the_answer_is_kept() -> None:
    pcm = _pcm(160)
    answer = _answer(pcm, "audio/pcm;rate=16000")
    speech, _seen = _speech(lambda _request: httpx.Response(200, json=answer))
    result = await speech.synthesize("Hello", "en")
    with wave.open(io.BytesIO(result.audio)) as audio:
        assert (audio.getframerate(), audio.getnframes()) == (16000, 160)


async def test_a_wav_answer_passes_through() -> None:
    wav = pcm_to_wav(_pcm(100), 8000)
    speech, _seen = _speech(lambda _request: httpx.Response(200, json=_answer(wav, "audio/wav")))
    result = await speech.synthesize("Hello", "en")
    assert (result.audio, result.content_type) == (wav, "audio/wav")


@pytest.mark.parametrize("status", [400, 403, 429, 500, 503])
async def test_a_refusal_is_a_speech_error_after_one_attempt_without_the_key(status: int) -> None:
    error = {"error": {"code": status, "message": f"bad key {KEY}", "status": "INTERNAL"}}
    speech, seen = _speech(lambda _request: httpx.Response(status, json=error))
    with pytest.raises(SpeechError) as raised:
        await speech.synthesize("Hello", "en")
    assert len(seen) == 1  # no retries
    assert str(status) in str(raised.value) and KEY not in str(raised.value)


async def test_an_unreachable_gemini_is_a_speech_error() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    speech, seen = _speech(refuse)
    with pytest.raises(SpeechError, match="could not be reached"):
        await speech.synthesize("Hello", "en")
    assert len(seen) == 1


async def test_an_answer_without_audio_is_a_speech_error() -> None:
    text_only = {"candidates": [{"content": {"role": "model", "parts": [{"text": "Hi"}]}}]}
    speech, _seen = _speech(lambda _request: httpx.Response(200, json=text_only))
    with pytest.raises(SpeechError, match="no audio"):
        await speech.synthesize("Hello", "en")
    mp3 = _answer(b"ID3\x03fake", "audio/mpeg")
    speech, _seen = _speech(lambda _request: httpx.Response(200, json=mp3))
    with pytest.raises(SpeechError, match="unexpected format"):
        await speech.synthesize("Hello", "en")
    empty: dict[str, list[object]] = {"candidates": []}
    speech, _seen = _speech(lambda _request: httpx.Response(200, json=empty))
    with pytest.raises(SpeechError):
        await speech.synthesize("Hello", "en")


def test_odd_pcm_is_refused() -> None:
    with pytest.raises(SpeechError):
        as_wav(b"\x00\x01\x02", PCM_TYPE)


def test_settings_choose_the_synthesizer() -> None:
    offline = get_settings().model_copy(update={"gemini_api_key": None})
    assert speech_synthesizer(offline) is None
    real = get_settings().model_copy(update={"gemini_api_key": SecretStr(KEY)})
    chosen = speech_synthesizer(real)
    assert isinstance(chosen, GeminiSpeech) and chosen.provider == "gemini"
    assert (chosen.model, chosen.voice) == (real.gemini_tts_model, real.gemini_tts_voice)
    assert speech_synthesizer(real) is chosen  # one client per process
