"""The email adapter, chosen once by settings.

``create_app`` keeps the choice on ``app.state.email_senders``; code that runs without an app (the
worker's jobs, the CLI) gets the same choice from ``configured_email_senders()``, made once per
process from its settings. Either way callers get a function of their session, because the local
outbox writes in the caller's unit of work.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession

from propintel.config import Settings, get_settings
from propintel.integrations.batchdata.skiptrace import BatchDataSkipTracer
from propintel.integrations.chat import ChatModel
from propintel.integrations.crm import LOCAL, CrmAccount, CrmClient
from propintel.integrations.email import EmailSender, EmailSenders, uses_local_email
from propintel.integrations.gemini.tts import GeminiSpeech, gemini_client
from propintel.integrations.local.crm import LocalCrm
from propintel.integrations.local.email import LocalEmail
from propintel.integrations.local.skiptrace import LocalSkipTracer
from propintel.integrations.local.sms import LocalSms
from propintel.integrations.local.storage import LocalFileStorage
from propintel.integrations.local.voice import LocalVoice
from propintel.integrations.s3.storage import S3FileStorage, s3_client
from propintel.integrations.sendgrid.email import SendGridEmail, sendgrid_client
from propintel.integrations.skiptrace import SkipTracer
from propintel.integrations.sms import SmsSenders, uses_local_sms
from propintel.integrations.storage import FileStorage
from propintel.integrations.together.chat import TogetherChat, together_client
from propintel.integrations.tts import SpeechSynthesizer
from propintel.integrations.twenty.crm import TwentyCrm
from propintel.integrations.twilio.sms import TwilioSms, twilio_client
from propintel.integrations.twilio.voice import TwilioVoice
from propintel.integrations.voice import VoiceNetwork, VoiceNetworks


def email_senders(settings: Settings) -> EmailSenders:
    """SendGrid when its key is set (one client for the process), else the local outbox."""
    from_email = settings.email_from
    if uses_local_email(settings):

        def local(session: AsyncSession) -> EmailSender:
            return LocalEmail(session, from_email)

        return local
    assert settings.sendgrid_api_key is not None
    sendgrid = SendGridEmail(sendgrid_client(settings.sendgrid_api_key), from_email)
    return lambda _session: sendgrid


# Called with (session, message sid) when the offline simulator queues a text.
OnLocalSms = Callable[[AsyncSession, str], Awaitable[object]]


def sms_senders(settings: Settings, on_local_send: OnLocalSms | None = None) -> SmsSenders:
    """Twilio when its account SID and auth token are set (one client per account for the
    process), else the offline phone simulator, which calls ``on_local_send`` for each text."""
    if uses_local_sms(settings):

        def local(session: AsyncSession) -> LocalSms:
            if on_local_send is None:
                return LocalSms(session)

            async def queued(sid: str) -> object:
                return await on_local_send(session, sid)

            return LocalSms(session, queued)

        return local
    assert settings.twilio_account_sid and settings.twilio_auth_token is not None
    twilio = _twilio_sms(settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value())
    return lambda _session: twilio


@lru_cache(maxsize=4)
def _twilio_sms(account_sid: str, auth_token: str) -> TwilioSms:
    return TwilioSms(twilio_client(account_sid, auth_token))


@lru_cache(maxsize=1)
def configured_email_senders() -> EmailSenders:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return email_senders(get_settings())


def file_storage(settings: Settings) -> FileStorage:
    """S3 when a bucket is set (one client for the process), else files under the data dir."""
    if settings.storage_bucket:
        client = s3_client(settings.storage_endpoint_url, settings.storage_region)
        return S3FileStorage(client, settings.storage_bucket, settings.storage_prefix)
    return LocalFileStorage(settings.data_dir / "media")


@lru_cache(maxsize=1)
def configured_file_storage() -> FileStorage:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return file_storage(get_settings())


def crm_client(session: AsyncSession, account: CrmAccount) -> CrmClient:
    """The client of one subscriber's CRM connection (``integrations.crm.CrmClients``): the
    offline simulator, writing in ``session``'s unit of work, or their Twenty workspace (a new
    HTTP client: close it with ``aclose``)."""
    if account.provider == LOCAL:
        return LocalCrm(session, account.user_id)
    return TwentyCrm(account.base_url, account.api_key)


def skip_tracers(settings: Settings) -> SkipTracer:
    """BatchData when its API key is set, else the offline skip-trace simulator."""
    if settings.batchdata_api_key is None:
        return LocalSkipTracer()
    key = settings.batchdata_api_key.get_secret_value()
    return BatchDataSkipTracer(key, settings.batchdata_base_url)


@lru_cache(maxsize=1)
def configured_skip_tracer() -> SkipTracer:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return skip_tracers(get_settings())


def chat_model(settings: Settings) -> ChatModel | None:
    """Together when its API key is set (one client for the process); None offline, where the
    assistant's own offline composer answers (it works from the structured context, not a
    prompt, so it is the assistant's)."""
    if settings.together_api_key is None:
        return None
    client = together_client(settings.together_api_key.get_secret_value())
    return TogetherChat(client, settings.together_model)


def voice_networks(settings: Settings) -> VoiceNetworks:
    """Twilio when its account SID and auth token are set (one client per account for the
    process), else the offline telephone network, writing in the caller's unit of work."""
    if not settings.uses_twilio:

        def local(session: AsyncSession) -> VoiceNetwork:
            return LocalVoice(session)

        return local
    assert settings.twilio_account_sid and settings.twilio_auth_token is not None
    twilio = _twilio_voice(
        settings.twilio_account_sid, settings.twilio_auth_token.get_secret_value()
    )
    return lambda _session: twilio


@lru_cache(maxsize=4)
def _twilio_voice(account_sid: str, auth_token: str) -> TwilioVoice:
    return TwilioVoice(twilio_client(account_sid, auth_token))


@lru_cache(maxsize=1)
def configured_voice_networks() -> VoiceNetworks:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return voice_networks(get_settings())


def speech_synthesizer(settings: Settings) -> SpeechSynthesizer | None:
    """Gemini text to speech when its API key is set (one client per key for the process);
    None offline, where calls speak with Twilio's own voice (``<Say>``)."""
    if settings.gemini_api_key is None:
        return None
    return _gemini_speech(
        settings.gemini_api_key.get_secret_value(),
        settings.gemini_tts_model,
        settings.gemini_tts_voice,
    )


@lru_cache(maxsize=4)
def _gemini_speech(api_key: str, model: str, voice: str) -> GeminiSpeech:
    return GeminiSpeech(gemini_client(api_key), model, voice)


@lru_cache(maxsize=1)
def configured_speech_synthesizer() -> SpeechSynthesizer | None:
    """The choice for this process's settings (``get_settings()``), made on first use."""
    return speech_synthesizer(get_settings())
