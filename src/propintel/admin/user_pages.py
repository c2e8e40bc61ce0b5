"""Admin pages for accounts: /admin/users (search, filters, pages by email) and /admin/users/{id}
(facts, balance, ledger with running balance, grant/deduct form, suspend/reactivate after a
confirmation page). The forms call the token admin services, which write the audit entries."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from pydantic import ValidationError

from propintel.admin import users
from propintel.auth.deps import AdminUser
from propintel.auth.models import Plan, UserType
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError, Invalid, NotFound
from propintel.tokens import admin as token_admin
from propintel.tokens import history
from propintel.tokens import service as token_service
from propintel.tokens.repository import TokenRepository
from propintel.tokens.schemas import AdjustmentIn, SuspensionIn
from propintel.web.errors import validation_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(prefix="/admin/users", include_in_schema=False)
PAGE_SIZE = 50


def _first_error(error: ValidationError) -> Invalid:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "form"
    return Invalid(validation_message(first), field=field)


@router.get("")
async def users_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    params = dict(request.query_params)
    try:
        filters = users.UserFilters.model_validate({k: v for k, v in params.items() if v})
    except ValidationError as error:
        raise _first_error(error) from error
    rows, next_after = await users.search_users(db, filters, PAGE_SIZE, params.get("after"))
    chosen = {key: value for key, value in params.items() if value and key != "after"}
    context = {
        "rows": rows,
        "filters": filters,
        "first_query": chosen,
        "next_query": {**chosen, "after": next_after} if next_after else None,
        "paged": bool(params.get("after")),
        "user_types": [kind.value for kind in UserType],
        "tiers": [plan.value for plan in Plan],
    }
    return render(request, "admin/users.html", context)


async def _user_context(
    request: Request, db: DbSession, user_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    facts = await users.user_facts(db, user_id)
    entries, next_cursor = await history.history_page(
        db, user_id, PAGE_SIZE, request.query_params.get("cursor") or None
    )
    return {
        "person": facts,
        "summary": await token_service.balance_summary(TokenRepository(db), user_id),
        "usage": await history.usage_by_action(db, user_id),
        "entries": entries,
        "next_cursor": next_cursor,
        "history_url": f"/admin/users/{user_id}",
        "errors": {},
        "values": {},
        **extra,
    }


@router.get("/{user_id}")
async def user_page(
    request: Request, user_id: uuid.UUID, _admin: AdminUser, db: DbSession
) -> Response:
    return render(request, "admin/user.html", await _user_context(request, db, user_id))


@router.post("/{user_id}/tokens")
async def adjust_tokens(
    request: Request, user_id: uuid.UUID, admin: AdminUser, db: DbSession
) -> Response:
    form = dict(await request.form())
    try:
        raw_tokens = str(form.get("tokens", "")).strip()
        body = AdjustmentIn.model_validate(
            {
                "action": form.get("action", ""),
                "tokens": int(raw_tokens) if raw_tokens.isdigit() else raw_tokens,
                "reason": form.get("reason", ""),
            }
        )
        done = await token_admin.adjust_tokens(
            TokenRepository(db), admin, user_id, body.action, body.tokens, body.reason
        )
    except (ValidationError, DomainError) as error:
        failure = _first_error(error) if isinstance(error, ValidationError) else error
        if failure.status_code == 404:
            raise failure from error
        context = await _user_context(
            request, db, user_id, errors={failure.field or "form": failure.message}, values=form
        )
        return render(request, "admin/user.html", context, status_code=422)
    verb = "Granted" if done.tokens_amount > 0 else "Deducted"
    message = f"{verb} {abs(done.tokens_amount):,} tokens; the balance is now {done.balance:,}."
    return redirect_with_flash(request, f"/admin/users/{user_id}", message, "success")


@router.get("/{user_id}/{verb}")
async def confirm_suspension(
    request: Request, user_id: uuid.UUID, verb: str, _admin: AdminUser, db: DbSession
) -> Response:
    """The confirmation step before suspending or reactivating an account."""
    if verb not in ("suspend", "reactivate"):
        raise NotFound("There is nothing at this address.")
    facts = await users.user_facts(db, user_id)
    return render(request, "admin/user_confirm.html", {"person": facts, "verb": verb, "errors": {}})


@router.post("/{user_id}/{verb}")
async def change_suspension(
    request: Request, user_id: uuid.UUID, verb: str, admin: AdminUser, db: DbSession
) -> Response:
    if verb not in ("suspend", "reactivate"):
        raise NotFound("There is nothing at this address.")
    form = dict(await request.form())
    try:
        body = SuspensionIn.model_validate({"reason": form.get("reason", "")})
        await token_admin.set_suspended(
            TokenRepository(db), admin, user_id, verb == "suspend", body.reason
        )
    except (ValidationError, DomainError) as error:
        failure = _first_error(error) if isinstance(error, ValidationError) else error
        if failure.status_code == 404:
            raise failure from error
        facts = await users.user_facts(db, user_id)
        context = {
            "person": facts,
            "verb": verb,
            "errors": {failure.field or "form": failure.message},
        }
        return render(request, "admin/user_confirm.html", context, status_code=422)
    done = "suspended: it can no longer log in or spend" if verb == "suspend" else "active again"
    return redirect_with_flash(
        request, f"/admin/users/{user_id}", f"The account is {done}.", "success"
    )
