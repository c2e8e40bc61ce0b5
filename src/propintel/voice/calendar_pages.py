"""Pages of calendar booking: ``/voice/calendar`` (state, connecting Google, Microsoft or the
local calendar, the feed URL, the broken-calendar banner, upcoming appointments), the OAuth
callback, disconnecting (after a confirmation), and the local calendar's ICS feed
(``/calendar/feeds/<token>.ics``: public, the token is the secret)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.deps import SubscriberUser
from propintel.auth.models import User
from propintel.catalog import service as catalog
from propintel.catalog.service import FeatureNotInPlan
from propintel.db.session import DbSession
from propintel.kit.clock import now_new_york
from propintel.kit.errors import DomainError, NotFound
from propintel.kit.i18n import _
from propintel.voice import calendar
from propintel.voice.calendar_endpoints import settings_of
from propintel.voice.paths import webhook_url
from propintel.web.security import public
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/voice/calendar"
UPCOMING = 20


async def _upgrade(db: AsyncSession, user: User) -> str | None:
    try:
        await catalog.require_feature(db, user, calendar.FEATURE)
    except FeatureNotInPlan as refusal:
        return refusal.message
    return None


@router.get(PAGE)
async def calendar_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    settings = settings_of(request)
    upgrade = await _upgrade(db, user)
    if upgrade is not None:
        return render(request, "voice/calendar.html", {"upgrade": upgrade}, status_code=403)
    state = await calendar.calendar_of(db, user.user_id)
    context: dict[str, Any] = {
        "upgrade": None,
        "state": state,
        "provider_name": calendar.provider_name(state.provider) if state else None,
        "problem": calendar.problem_of(state),
        "offered": calendar.offered_providers(settings),
        "feed_url": webhook_url(settings, state.feed_path) if state and state.feed_path else None,
        "appointments": await calendar.upcoming(db, user.user_id, now_new_york(), UPCOMING),
        "names": {name: calendar.provider_name(name) for name in calendar.PROVIDERS},
    }
    return render(request, "voice/calendar.html", context)


@router.post(PAGE + "/local")
async def connect_local(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    try:
        await calendar.connect_local(db, user, now_new_york())
    except DomainError as error:
        return redirect_with_flash(request, PAGE, error.message, "error")
    return redirect_with_flash(
        request,
        PAGE,
        _("The PropIntel calendar is on: subscribe to its feed URL in your calendar app."),
        "success",
    )


@router.post(PAGE + "/connect/{provider}")
async def connect_oauth(
    request: Request, provider: str, user: SubscriberUser, db: DbSession
) -> Response:
    """To the provider's consent page (it comes back to the callback below)."""
    try:
        await catalog.require_feature(db, user, calendar.FEATURE)
        url = calendar.start_oauth(settings_of(request), user, provider)
    except DomainError as error:
        return redirect_with_flash(request, PAGE, error.message, "error")
    return RedirectResponse(url, status_code=303)


@router.get(PAGE + "/oauth/{provider}/callback")
async def oauth_callback(
    request: Request,
    provider: str,
    user: SubscriberUser,
    db: DbSession,
    code: Annotated[str, Query(max_length=4096)] = "",
    state: Annotated[str, Query(max_length=2048)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    if error:
        message = (
            _("You did not allow access to your calendar: nothing was connected.")
            if error == "access_denied"
            else _("The calendar sign-in failed ({error}): nothing was connected.").format(
                error=error
            )
        )
        return redirect_with_flash(request, PAGE, message, "error")
    try:
        connected = await calendar.finish_oauth(
            db,
            settings_of(request),
            user,
            provider,
            code=code,
            state=state,
            now=now_new_york(),
        )
    except DomainError as refusal:
        return redirect_with_flash(request, PAGE, refusal.message, "error")
    message = _("{calendar} is connected: appointments booked by your calls go there.").format(
        calendar=calendar.provider_name(connected.provider)
    )
    return redirect_with_flash(request, PAGE, message, "success")


@router.get(PAGE + "/disconnect")
async def confirm_disconnect(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    state = await calendar.calendar_of(db, user.user_id)
    if state is None:
        return redirect_with_flash(request, PAGE, _("No calendar is connected."))
    context = {"state": state, "provider_name": calendar.provider_name(state.provider)}
    return render(request, "voice/calendar_disconnect.html", context)


@router.post(PAGE + "/disconnect")
async def disconnect(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    if await calendar.disconnect(db, user):
        return redirect_with_flash(request, PAGE, _("The calendar is disconnected."), "success")
    return redirect_with_flash(request, PAGE, _("No calendar is connected."))


@router.get("/calendar/feeds/{feed_file}")
@public
async def feed(feed_file: str, db: DbSession) -> Response:
    """The local calendar's ICS feed; the token in its name is the only credential."""
    token = feed_file.removesuffix(".ics")
    if token == feed_file or not token or len(token) > 64:
        raise NotFound(_("There is no such calendar feed."))
    body = await calendar.feed_of(db, token, now_new_york())
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex"},
    )
