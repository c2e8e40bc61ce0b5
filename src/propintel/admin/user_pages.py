"""Admin pages for accounts: /admin/users (search, filters, keyset pages by email) and
/admin/users/{id} (facts, balance, ledger with running balance, grant/deduct form,
suspend/reactivate after a confirmation page). The forms call the token admin services, which
write the audit entries."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, ValidationError

from propintel.auth import service as auth_service
from propintel.auth.deps import AdminUser
from propintel.auth.models import Plan, UserType
from propintel.auth.schemas import UserFilters
from propintel.db.session import DbSession
from propintel.kit.errors import DomainError, Invalid, NotFound
from propintel.kit.i18n import _, format_number
from propintel.tokens import admin as token_admin
from propintel.tokens import history
from propintel.tokens import service as token_service
from propintel.tokens.schemas import AdjustmentIn, SuspensionIn
from propintel.web.field_messages import field_message
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(prefix="/admin/users", include_in_schema=False)
PAGE_SIZE = 50


class AdjustmentForm(BaseModel):
    """The grant/deduct form as posted; ``AdjustmentIn`` validates it, so that an invalid form is
    shown again with its values and the error."""

    model_config = ConfigDict(extra="ignore")

    action: str | None = None
    tokens: str | None = None
    reason: str | None = None


class SuspensionForm(BaseModel):
    """The suspend/reactivate confirmation as posted (validated by ``SuspensionIn``)."""

    model_config = ConfigDict(extra="ignore")

    reason: str | None = None


def _first_error(error: ValidationError) -> Invalid:
    first = error.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or "form"
    return Invalid(field_message(first), field=field)


@router.get("")
async def users_page(
    request: Request, _admin: AdminUser, db: DbSession, cursor: str | None = None
) -> Response:
    chosen = {key: value for key, value in request.query_params.items() if value}
    chosen.pop("cursor", None)
    try:
        filters = UserFilters.model_validate(chosen)
    except ValidationError as error:
        raise _first_error(error) from error
    rows, next_cursor = await auth_service.search_users(db, filters, PAGE_SIZE, cursor or None)
    context = {
        "rows": rows,
        "filters": filters,
        "first_query": chosen,
        "next_query": {**chosen, "cursor": next_cursor} if next_cursor else None,
        "paged": bool(cursor),
        "user_types": [kind.value for kind in UserType],
        "tiers": [plan.value for plan in Plan],
    }
    return render(request, "admin/users.html", context)


async def _user_context(
    request: Request, db: DbSession, user_id: uuid.UUID, **extra: Any
) -> dict[str, Any]:
    facts = await auth_service.user_facts(db, user_id)
    entries, next_cursor = await history.history_page(
        db, user_id, PAGE_SIZE, request.query_params.get("cursor") or None
    )
    return {
        "person": facts,
        "summary": await token_service.balance_summary(db, user_id),
        "usage": await history.usage_by_action(db, user_id),
        "entries": entries,
        "next_cursor": next_cursor,
        "cursor": request.query_params.get("cursor") or None,
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
    request: Request,
    user_id: uuid.UUID,
    admin: AdminUser,
    db: DbSession,
    form: Annotated[AdjustmentForm, Form()],
) -> Response:
    try:
        raw_tokens = (form.tokens or "").strip()
        body = AdjustmentIn.model_validate(
            {
                "action": form.action or "",
                "tokens": int(raw_tokens) if raw_tokens.isdigit() else raw_tokens,
                "reason": form.reason or "",
            }
        )
        done = await token_admin.adjust_tokens(
            db, admin, user_id, body.action, body.tokens, body.reason
        )
    except (ValidationError, DomainError) as error:
        failure = _first_error(error) if isinstance(error, ValidationError) else error
        if failure.status_code == 404:
            raise failure from error
        context = await _user_context(
            request,
            db,
            user_id,
            errors={failure.field or "form": failure.message},
            values=form.model_dump(exclude_none=True),
        )
        return render(request, "admin/user.html", context, status_code=422)
    done_message = (
        _("Granted {tokens} tokens; the balance is now {balance}.")
        if done.tokens_amount > 0
        else _("Deducted {tokens} tokens; the balance is now {balance}.")
    )
    message = done_message.format(
        tokens=format_number(abs(done.tokens_amount)), balance=format_number(done.balance)
    )
    return redirect_with_flash(request, f"/admin/users/{user_id}", message, "success")


@router.get("/{user_id}/{verb}")
async def confirm_suspension(
    request: Request, user_id: uuid.UUID, verb: str, _admin: AdminUser, db: DbSession
) -> Response:
    """The confirmation step before suspending or reactivating an account."""
    if verb not in ("suspend", "reactivate"):
        raise NotFound(_("There is nothing at this address."))
    facts = await auth_service.user_facts(db, user_id)
    return render(request, "admin/user_confirm.html", {"person": facts, "verb": verb, "errors": {}})


@router.post("/{user_id}/{verb}")
async def change_suspension(
    request: Request,
    user_id: uuid.UUID,
    verb: str,
    admin: AdminUser,
    db: DbSession,
    form: Annotated[SuspensionForm, Form()],
) -> Response:
    if verb not in ("suspend", "reactivate"):
        raise NotFound(_("There is nothing at this address."))
    try:
        body = SuspensionIn.model_validate({"reason": form.reason or ""})
        await token_admin.set_suspended(db, admin, user_id, verb == "suspend", body.reason)
    except (ValidationError, DomainError) as error:
        failure = _first_error(error) if isinstance(error, ValidationError) else error
        if failure.status_code == 404:
            raise failure from error
        facts = await auth_service.user_facts(db, user_id)
        context = {
            "person": facts,
            "verb": verb,
            "errors": {failure.field or "form": failure.message},
        }
        return render(request, "admin/user_confirm.html", context, status_code=422)
    message = (
        _("The account is suspended: it can no longer log in or spend.")
        if verb == "suspend"
        else _("The account is active again.")
    )
    return redirect_with_flash(request, f"/admin/users/{user_id}", message, "success")
