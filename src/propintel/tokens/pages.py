"""Subscriber token page: balance, history with running balance, usage by action, preferences,
and how the latest auto-recharge went."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from propintel.auth.deps import SubscriberUser
from propintel.db.session import DbSession
from propintel.kit.errors import Invalid
from propintel.kit.i18n import _
from propintel.tokens import history, preferences, service
from propintel.tokens.schemas import TokenPreferences
from propintel.web.field_messages import field_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/tokens"


class PreferencesForm(BaseModel):
    """The preferences form as typed: numbers stay text until ``preferences`` reads them, so a
    wrong one re-renders the page with its message."""

    model_config = ConfigDict(extra="ignore")

    daily_limit: str = ""
    auto_recharge: str = ""  # "on" when ticked
    recharge_threshold: str = ""
    recharge_amount: str = ""

    def preferences(self) -> TokenPreferences:
        """The form as preferences; an empty daily limit means no limit."""
        raw_limit = self.daily_limit.strip()
        try:
            return TokenPreferences(
                daily_limit=_number("daily_limit", raw_limit) if raw_limit else None,
                auto_recharge=self.auto_recharge == "on",
                recharge_threshold=_number("recharge_threshold", self.recharge_threshold),
                recharge_amount=_number("recharge_amount", self.recharge_amount),
            )
        except ValidationError as error:
            first = error.errors()[0]
            raise Invalid(field_message(first), field=str(first["loc"][0])) from error


def _number(name: str, raw: str) -> int:
    try:
        return int(raw or "0")
    except ValueError as error:
        raise Invalid(_("Enter a whole number."), field=name) from error


async def _context(db: DbSession, user: SubscriberUser, request: Request) -> dict[str, Any]:
    cursor = request.query_params.get("cursor") or None
    entries, next_cursor = await history.history_page(db, user.user_id, 50, cursor)
    return {
        "summary": await service.balance_summary(db, user.user_id),
        "entries": entries,
        "next_cursor": next_cursor,
        "cursor": cursor,
        "usage": await history.usage_by_action(db, user.user_id),
        "prefs": await preferences.get_preferences(db, user.user_id),
        "latest_recharge": await service.latest_recharge(db, user.user_id),
        "errors": {},
    }


@router.get(PAGE)
async def tokens_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    return render(request, "tokens/index.html", await _context(db, user, request))


@router.post(f"{PAGE}/preferences")
async def save_preferences(
    request: Request,
    user: SubscriberUser,
    db: DbSession,
    form: Annotated[PreferencesForm, Form()],
) -> Response:
    try:
        await preferences.update_preferences(db, user.user_id, form.preferences())
    except Invalid as error:
        context = await _context(db, user, request)
        context["errors"] = {error.field or "form": error.message}
        return render(request, "tokens/index.html", context, status_code=422)
    return redirect_with_flash(request, PAGE, _("Your token preferences are saved."))
