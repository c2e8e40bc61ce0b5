"""Subscriber token page: balance, history with running balance, usage by action, preferences."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from propintel.auth.deps import SubscriberUser
from propintel.billing.repository import BillingRepository
from propintel.db.session import DbSession
from propintel.kit.errors import Invalid
from propintel.tokens import history, preferences, service
from propintel.tokens.repository import TokenRepository
from propintel.tokens.schemas import TokenPreferences
from propintel.web.errors import validation_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/tokens"


async def _context(db: DbSession, user: SubscriberUser, request: Request) -> dict[str, Any]:
    repo = TokenRepository(db)
    entries, next_cursor = await history.history_page(
        db, user.user_id, 50, request.query_params.get("cursor") or None
    )
    return {
        "summary": await service.balance_summary(repo, user.user_id),
        "entries": entries,
        "next_cursor": next_cursor,
        "usage": await history.usage_by_action(db, user.user_id),
        "prefs": await preferences.get_preferences(repo, user.user_id),
        "latest_recharge": await BillingRepository(db).latest_recharge(user.user_id),
        "errors": {},
    }


@router.get(PAGE)
async def tokens_page(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    return render(request, "tokens/index.html", await _context(db, user, request))


def _parse(form: dict[str, Any]) -> TokenPreferences:
    """Form fields to preferences; an empty daily limit means no limit."""
    raw_limit = str(form.get("daily_limit", "")).strip()

    def number(name: str, raw: str) -> int:
        try:
            return int(raw or "0")
        except ValueError as error:
            raise Invalid("Enter a whole number.", field=name) from error

    try:
        return TokenPreferences(
            daily_limit=number("daily_limit", raw_limit) if raw_limit else None,
            auto_recharge=form.get("auto_recharge") == "on",
            recharge_threshold=number(
                "recharge_threshold", str(form.get("recharge_threshold", ""))
            ),
            recharge_amount=number("recharge_amount", str(form.get("recharge_amount", ""))),
        )
    except ValidationError as error:
        first = error.errors()[0]
        raise Invalid(validation_message(first), field=str(first["loc"][0])) from error


@router.post(f"{PAGE}/preferences")
async def save_preferences(request: Request, user: SubscriberUser, db: DbSession) -> Response:
    form = dict(await request.form())
    try:
        await preferences.update_preferences(TokenRepository(db), user.user_id, _parse(form))
    except Invalid as error:
        context = await _context(db, user, request)
        context["errors"] = {error.field or "form": error.message}
        return render(request, "tokens/index.html", context, status_code=422)
    return redirect_with_flash(request, PAGE, "Your token preferences are saved.")
