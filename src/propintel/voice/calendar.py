"""Calendar booking (docs/voice.md): where an appointment an AI call agreed on goes.

- A subscriber has at most one calendar: Google Calendar or Microsoft 365 (OAuth; the refresh
  token encrypted with ``kit/secretbox``, purpose ``calendar-token``), or the local calendar, an
  ICS feed at a secret URL (``/calendar/feeds/<token>.ics``) any calendar app can subscribe to.
- ``book`` records the appointment once per call (idempotency key ``call-<call id>``). With no
  calendar or the local one it is booked at once (it is in the feed); with Google or Microsoft
  it is pending and the job ``voice.book_calendar_event`` creates it there: a retried job never
  books twice (the row is locked and checked, and the provider's create is idempotent on our key).
- A revoked grant marks the calendar broken (reason and time): the calendar page shows a banner,
  ``calendar_problem`` gives the calls pages the same sentence, and events fail with a message.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import httpx
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.config import Settings
from propintel.integrations.calendar import (
    GOOGLE,
    LOCAL,
    MICROSOFT,
    AppointmentEvent,
    CalendarError,
    CalendarProvider,
    CalendarRevoked,
)
from propintel.integrations.google.calendar import GoogleCalendar
from propintel.integrations.google.calendar import authorization_url as google_authorization_url
from propintel.integrations.microsoft.calendar import MicrosoftCalendar
from propintel.integrations.microsoft.calendar import (
    authorization_url as microsoft_authorization_url,
)
from propintel.jobs.enqueue import defer_in_transaction
from propintel.kit import secretbox
from propintel.kit.clock import NEW_YORK, in_new_york
from propintel.kit.errors import Conflict, Forbidden, Invalid, NotFound, ServiceUnavailable
from propintel.kit.i18n import N_, _
from propintel.voice import ics
from propintel.voice.calendar_repository import (
    BOOKED,
    BROKEN,
    FAILED,
    PENDING,
    CalendarRepository,
    CalendarRow,
    EventRow,
)
from propintel.voice.paths import webhook_url

logger = logging.getLogger("propintel.voice.calendar")

FEATURE = "ai_voice"
BOOK_JOB = "voice.book_calendar_event"
TOKEN_PURPOSE = "calendar-token"  # noqa: S105 (a key label, not a secret)
STATE_SALT = "voice-calendar-oauth"
STATE_MAX_AGE_S = 600
PROVIDERS = (GOOGLE, MICROSOFT, LOCAL)
OAUTH_PROVIDERS = (GOOGLE, MICROSOFT)
PROVIDER_NAMES = {
    GOOGLE: N_("Google Calendar"),
    MICROSOFT: N_("Microsoft 365 calendar"),
    LOCAL: N_("PropIntel calendar (ICS feed)"),
}
FEED_DAYS_BACK = 90  # the feed's events start at most this long ago
FEED_LIMIT = 1_000
HTTP_TIMEOUT_S = 15.0


def callback_path(provider: str) -> str:
    return f"/voice/calendar/oauth/{provider}/callback"


def feed_path(feed_token: str) -> str:
    return f"/calendar/feeds/{feed_token}.ics"


def new_http_client() -> httpx.AsyncClient:
    """The HTTP client of a provider's calls (tests replace this function to mock them)."""
    return httpx.AsyncClient(timeout=HTTP_TIMEOUT_S, follow_redirects=False)


def offered_providers(settings: Settings) -> dict[str, bool]:
    """Each provider and whether this server can connect it (OAuth ones need a client id and
    secret; the local calendar always can)."""
    return {
        GOOGLE: bool(settings.google_oauth_client_id and settings.google_oauth_client_secret),
        MICROSOFT: bool(
            settings.microsoft_oauth_client_id and settings.microsoft_oauth_client_secret
        ),
        LOCAL: True,
    }


def provider_for(settings: Settings, name: str, http: httpx.AsyncClient) -> CalendarProvider:
    """The adapter of OAuth provider ``name``; ``ServiceUnavailable`` when not configured."""
    if name == GOOGLE and settings.google_oauth_client_id and settings.google_oauth_client_secret:
        secret = settings.google_oauth_client_secret.get_secret_value()
        return GoogleCalendar(settings.google_oauth_client_id, secret, http)
    if (
        name == MICROSOFT
        and settings.microsoft_oauth_client_id
        and settings.microsoft_oauth_client_secret
    ):
        secret = settings.microsoft_oauth_client_secret.get_secret_value()
        return MicrosoftCalendar(settings.microsoft_oauth_client_id, secret, http)
    raise ServiceUnavailable(_("This calendar is not configured on this server."))


# --- what pages and the API show ------------------------------------------------------------------
@dataclass(frozen=True)
class CalendarState:
    provider: str
    status: str  # connected or broken
    account_email: str | None
    calendar_id: str | None
    feed_token: str | None
    broken_reason: str | None
    broken_at: datetime | None
    connected_at: datetime | None
    last_synced_at: datetime | None
    time_zone: str

    @property
    def broken(self) -> bool:
        return self.status == BROKEN

    @property
    def feed_path(self) -> str | None:
        return feed_path(self.feed_token) if self.feed_token else None


@dataclass(frozen=True)
class Appointment:
    event_id: uuid.UUID
    lead_id: uuid.UUID | None
    call_id: uuid.UUID | None
    provider: str
    status: str  # pending, booked or failed
    starts_at: datetime  # naive New York
    ends_at: datetime
    summary: str
    location: str | None
    attendee_email: str | None
    external_id: str | None
    error: str | None


def _state(row: CalendarRow) -> CalendarState:
    return CalendarState(
        provider=row.provider,
        status=row.status,
        account_email=row.account_email,
        calendar_id=row.calendar_id,
        feed_token=row.feed_token,
        broken_reason=row.broken_reason,
        broken_at=row.broken_at,
        connected_at=row.connected_at,
        last_synced_at=row.last_synced_at,
        time_zone=row.time_zone,
    )


def _appointment(row: EventRow) -> Appointment:
    return Appointment(
        event_id=row.event_id,
        lead_id=row.lead_id,
        call_id=row.call_id,
        provider=row.provider,
        status=row.status,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        summary=row.summary,
        location=row.location,
        attendee_email=row.attendee_email,
        external_id=row.external_id,
        error=row.error,
    )


def provider_name(provider: str) -> str:
    return _(PROVIDER_NAMES[provider]) if provider in PROVIDER_NAMES else provider


async def calendar_of(session: AsyncSession, user_id: uuid.UUID) -> CalendarState | None:
    row = await CalendarRepository.from_session(session).calendar(user_id)
    return _state(row) if row else None


def problem_of(state: CalendarState | None) -> str | None:
    if state is None or not state.broken:
        return None
    when = state.broken_at.strftime("%Y-%m-%d") if state.broken_at else "?"
    return _("{calendar} stopped accepting our access on {date}: reconnect it.").format(
        calendar=provider_name(state.provider), date=when
    )


async def calendar_problem(session: AsyncSession, user_id: uuid.UUID) -> str | None:
    """What the user must fix for appointments to reach their calendar (None: nothing)."""
    return problem_of(await calendar_of(session, user_id))


async def event_for_call(
    session: AsyncSession, user_id: uuid.UUID, call_id: uuid.UUID
) -> Appointment | None:
    row = await CalendarRepository.from_session(session).event_for_call(user_id, call_id)
    return _appointment(row) if row else None


async def events_for_lead(
    session: AsyncSession, user_id: uuid.UUID, lead_id: uuid.UUID
) -> list[Appointment]:
    """The lead's appointments, latest first (at most 50)."""
    rows = await CalendarRepository.from_session(session).events_for_lead(user_id, lead_id, 50)
    return [_appointment(row) for row in rows]


async def upcoming(
    session: AsyncSession,
    user_id: uuid.UUID,
    now: datetime,
    limit: int,
    after: tuple[datetime, uuid.UUID] | None = None,
) -> list[Appointment]:
    """The user's appointments not over yet, soonest first; ``after``: a keyset position
    (starts_at, event_id) to continue after."""
    rows = await CalendarRepository.from_session(session).upcoming(user_id, now, limit, after)
    return [_appointment(row) for row in rows]


# --- connecting -----------------------------------------------------------------------------------
def _require_active(user: User) -> None:
    if user.suspended_at is not None:
        raise Forbidden(_("This account is suspended: it cannot connect a calendar."))


async def connect_local(session: AsyncSession, user: User, now: datetime) -> CalendarState:
    """Use the local calendar: appointments are listed in an ICS feed at a new secret URL (a
    former feed URL stops working; a Google or Microsoft connection is forgotten)."""
    _require_active(user)
    await catalog.require_feature(session, user, FEATURE)
    repo = CalendarRepository.from_session(session)
    await repo.save_calendar(
        user.user_id, now, provider=LOCAL, feed_token=secrets.token_urlsafe(32)
    )
    row = await repo.calendar(user.user_id)
    assert row is not None
    logger.info("calendar connected", extra={"provider": LOCAL})
    return _state(row)


def _serializer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(settings.signing_key(), salt=STATE_SALT)


def _check_provider(settings: Settings, provider: str) -> None:
    if provider not in OAUTH_PROVIDERS:
        raise NotFound(_("There is no such calendar provider."))
    if not offered_providers(settings)[provider]:
        raise ServiceUnavailable(_("This calendar is not configured on this server."))


def sign_state(settings: Settings, user: User, provider: str) -> str:
    return _serializer(settings).dumps(
        {"u": str(user.user_id), "p": provider, "n": secrets.token_urlsafe(8)}
    )


def start_oauth(settings: Settings, user: User, provider: str) -> str:
    """The provider's consent page for ``user`` (the plan is checked by the caller), with a
    signed state naming the user and the provider, good for 10 minutes."""
    _require_active(user)
    _check_provider(settings, provider)
    redirect_uri = webhook_url(settings, callback_path(provider))
    state = sign_state(settings, user, provider)
    if provider == GOOGLE:
        assert settings.google_oauth_client_id is not None
        return google_authorization_url(settings.google_oauth_client_id, state, redirect_uri)
    assert settings.microsoft_oauth_client_id is not None
    return microsoft_authorization_url(settings.microsoft_oauth_client_id, state, redirect_uri)


def check_state(settings: Settings, user: User, provider: str, state: str) -> None:
    """``Invalid`` unless ``state`` was signed by us for this user and provider, < 10 min ago."""
    try:
        data = _serializer(settings).loads(state, max_age=STATE_MAX_AGE_S)
    except SignatureExpired:
        raise Invalid(
            _("The calendar sign-in took too long: start again."), field="state"
        ) from None
    except BadSignature:
        raise Invalid(
            _("This calendar sign-in link is not valid: start again."), field="state"
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("u") != str(user.user_id)
        or data.get("p") != provider
    ):
        raise Invalid(_("This calendar sign-in link is not valid: start again."), field="state")


async def finish_oauth(
    session: AsyncSession,
    settings: Settings,
    user: User,
    provider: str,
    *,
    code: str,
    state: str,
    now: datetime,
) -> CalendarState:
    """The consent page's answer: the state checked, the code exchanged, the refresh token
    stored encrypted; the calendar connected (``primary`` for Google)."""
    _require_active(user)
    _check_provider(settings, provider)
    check_state(settings, user, provider, state)
    await catalog.require_feature(session, user, FEATURE)
    if not code:
        raise Invalid(_("The calendar did not send an authorization code: start again."))
    redirect_uri = webhook_url(settings, callback_path(provider))
    async with new_http_client() as http:
        adapter = provider_for(settings, provider, http)
        try:
            tokens = await adapter.exchange_code(code, redirect_uri)
        except (CalendarRevoked, CalendarError):
            raise Invalid(
                _("{calendar} refused the sign-in: start again.").format(
                    calendar=provider_name(provider)
                )
            ) from None
    if not tokens.refresh_token:
        raise Invalid(
            _(
                "{calendar} did not grant offline access: start again and accept every permission."
            ).format(calendar=provider_name(provider))
        )
    repo = CalendarRepository.from_session(session)
    await repo.save_calendar(
        user.user_id,
        now,
        provider=provider,
        oauth_refresh_token=secretbox.encrypt(settings, TOKEN_PURPOSE, tokens.refresh_token),
        calendar_id="primary" if provider == GOOGLE else None,
        account_email=tokens.account_email,
    )
    row = await repo.calendar(user.user_id)
    assert row is not None
    logger.info("calendar connected", extra={"provider": provider})
    return _state(row)


async def disconnect(session: AsyncSession, user: User) -> bool:
    """Forget the calendar (and its token, or its feed URL). Booked appointments stay listed;
    pending ones fail when their job runs. False when there was none."""
    removed = await CalendarRepository.from_session(session).delete_calendar(user.user_id)
    if removed:
        logger.info("calendar disconnected")
    return removed


# --- the ICS feed ---------------------------------------------------------------------------------
async def feed_of(session: AsyncSession, feed_token: str, now: datetime) -> bytes:
    """The local calendar's ICS document; ``NotFound`` for an unknown token."""
    repo = CalendarRepository.from_session(session)
    row = await repo.calendar_by_feed(feed_token) if feed_token else None
    if row is None:
        raise NotFound(_("There is no such calendar feed."))
    rows = await repo.feed_events(row.user_id, now - timedelta(days=FEED_DAYS_BACK), FEED_LIMIT)
    events = [
        ics.FeedEvent(
            key=event.idempotency_key,
            summary=event.summary,
            description=event.description,
            location=event.location,
            attendee_email=event.attendee_email,
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            stamp=event.booked_at or event.created_at,
        )
        for event in rows
    ]
    return ics.feed(events, name="PropIntel")


# --- booking --------------------------------------------------------------------------------------
def _naive_new_york(value: datetime) -> datetime:
    return value if value.tzinfo is None else value.astimezone(NEW_YORK).replace(tzinfo=None)


async def book(
    session: AsyncSession,
    *,
    user_id: uuid.UUID,
    lead_id: uuid.UUID | None,
    call_id: uuid.UUID,
    starts_at: datetime,
    ends_at: datetime,
    summary: str,
    description: str | None,
    location: str | None,
    attendee_email: str | None,
    now: datetime,
) -> uuid.UUID:
    """Book the appointment a call agreed on, once per call: the event's id (the existing one
    when this call booked already). Times: naive New York or aware."""
    starts, ends = _naive_new_york(starts_at), _naive_new_york(ends_at)
    if ends <= starts:
        raise Invalid(_("An appointment must end after it starts."), field="ends_at")
    repo = CalendarRepository.from_session(session)
    key = f"call-{call_id}"
    existing = await repo.event_by_key(key)
    if existing is not None:
        return existing.event_id
    calendar = await repo.calendar(user_id)
    external = calendar is not None and calendar.provider in OAUTH_PROVIDERS
    provider = calendar.provider if calendar is not None and external else LOCAL
    event_id = await repo.insert_event(
        user_id=user_id,
        lead_id=lead_id,
        call_id=call_id,
        integration_id=calendar.integration_id if calendar else None,
        provider=provider,
        idempotency_key=key,
        summary=summary[:255],
        description=description,
        location=location,
        attendee_email=(attendee_email or None) and attendee_email[:255],
        starts_at=starts,
        ends_at=ends,
        status=PENDING if external else BOOKED,
        booked_at=None if external else now,
    )
    if event_id is None:  # booked meanwhile by a concurrent attempt
        found = await repo.event_by_key(key)
        assert found is not None
        return found.event_id
    if external:
        await defer_in_transaction(session, BOOK_JOB, event_id=str(event_id))
    return event_id


async def book_event(
    session: AsyncSession,
    event_id: uuid.UUID,
    *,
    settings: Settings,
    now: datetime,
    http: httpx.AsyncClient,
) -> str:
    """Create a pending event in its Google or Microsoft calendar (the job's work); the
    outcome: ``booked``, ``already booked``, ``failed``, ``gone`` or ``not pending``.
    ``CalendarError`` (retryable) propagates: the job is tried again later."""
    repo = CalendarRepository.from_session(session)
    event = await repo.event(event_id, lock=True)
    if event is None:
        return "gone"
    if event.status == BOOKED:
        return "already booked"
    if event.status != PENDING:
        return "not pending"
    calendar = await repo.calendar(event.user_id, lock=True)
    if calendar is None or calendar.provider != event.provider:
        return await _fail(
            repo,
            event,
            _("No calendar is connected any more: the appointment was not booked there."),
        )
    if calendar.status == BROKEN:
        return await _fail(repo, event, problem_of(_state(calendar)) or "")
    try:
        refresh_token = secretbox.decrypt(
            settings, TOKEN_PURPOSE, calendar.oauth_refresh_token or ""
        )
    except secretbox.InvalidToken:
        return await _break(repo, calendar, event, "the stored token can no longer be read", now)
    adapter = provider_for(settings, calendar.provider, http)
    appointment = AppointmentEvent(
        key=event.idempotency_key,
        summary=event.summary,
        description=event.description,
        location=event.location,
        attendee_email=event.attendee_email,
        start=in_new_york(event.starts_at),
        end=in_new_york(event.ends_at),
        time_zone=calendar.time_zone,
    )
    try:
        tokens = await adapter.refresh(refresh_token)
        created = await adapter.create_event(
            tokens.access_token, calendar.calendar_id or "primary", appointment
        )
    except CalendarRevoked as revoked:
        return await _break(repo, calendar, event, str(revoked), now)
    except CalendarError as error:
        if error.retryable:
            raise
        return await _fail(repo, event, error.message)
    calendar_changes: dict[str, object] = {"last_synced_at": now}
    if tokens.refresh_token and tokens.refresh_token != refresh_token:
        calendar_changes["oauth_refresh_token"] = secretbox.encrypt(
            settings, TOKEN_PURPOSE, tokens.refresh_token
        )
    await repo.update_calendar(calendar.integration_id, **calendar_changes)
    await repo.update_event(
        event.event_id, status=BOOKED, external_id=created.external_id, booked_at=now, error=None
    )
    logger.info(
        "calendar event booked",
        extra={"provider": calendar.provider, "already_existed": created.already_existed},
    )
    return BOOKED


async def _fail(repo: CalendarRepository, event: EventRow, message: str) -> str:
    await repo.update_event(event.event_id, status=FAILED, error=message)
    logger.warning("calendar event failed", extra={"provider": event.provider})
    return FAILED


async def _break(
    repo: CalendarRepository, calendar: CalendarRow, event: EventRow, reason: str, now: datetime
) -> str:
    await repo.update_calendar(
        calendar.integration_id, status=BROKEN, broken_reason=reason[:500], broken_at=now
    )
    broken = replace(_state(calendar), status=BROKEN, broken_at=now)
    logger.warning("calendar access revoked", extra={"provider": calendar.provider})
    return await _fail(repo, event, problem_of(broken) or reason)


def require_connected(state: CalendarState | None) -> CalendarState:
    if state is None:
        raise Conflict(_("No calendar is connected."))
    return state
