"""Scoring pages: indicator weights for admins (CSRF forms), a property's score explained."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field, model_validator

from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.jobs.runs import latest_runs
from propintel.kit.errors import DomainError
from propintel.kit.i18n import _
from propintel.scoring import service
from propintel.scoring.indicators import RULES
from propintel.scoring.readable import rule_summary
from propintel.scoring.schemas import IndicatorOut
from propintel.web.templating import redirect_with_flash, render

router = APIRouter(include_in_schema=False)
PAGE = "/admin/indicators"
WEIGHT_FIELD = "weight_"


class WeightsForm(BaseModel):
    """The weights form as typed: its ``weight_<name>`` fields as name → text. They are checked
    by ``_parse_weights``, so that each error shows at its indicator and the page shows back what
    was typed."""

    model_config = ConfigDict(extra="ignore")

    weights: dict[str, str] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _weight_fields(cls, data: Any) -> Any:
        if not isinstance(data, Mapping):
            return data
        return {
            "weights": {
                key.removeprefix(WEIGHT_FIELD): str(value[-1] if isinstance(value, list) else value)
                for key, value in data.items()
                if key.startswith(WEIGHT_FIELD)
            }
        }


async def _page_context(db: DbSession, **extra: Any) -> dict[str, Any]:
    indicators = [IndicatorOut.of(row) for row in await service.indicators(db)]
    named = {indicator.indicator_name for indicator in indicators}
    last_run = next(
        (run for run in await latest_runs(db) if run.task_name == "scoring.refresh"), None
    )
    return {
        "indicators": indicators,
        "rules_without_indicator": [rule for rule in RULES if rule.name not in named],
        "rule_summary": rule_summary,
        "last_run": last_run,
        "waiting": await service.refresh_waiting(db),
        "weight_field": WEIGHT_FIELD,
        "min_weight": service.MIN_WEIGHT,
        "max_weight": service.MAX_WEIGHT,
        "errors": {},
        "values": {},
        **extra,
    }


@router.get(PAGE)
async def indicators_page(request: Request, _admin: AdminUser, db: DbSession) -> Response:
    return render(request, "scoring/indicators.html", await _page_context(db))


def _parse_weights(typed: Mapping[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """Name → typed weight → (weights, errors by indicator name)."""
    weights: dict[str, int] = {}
    errors: dict[str, str] = {}
    for name, raw in typed.items():
        try:
            weights[name] = int(raw.strip())
        except ValueError:
            errors[name] = _("{value} is not a whole number.").format(value=repr(raw))
            continue
        if not service.MIN_WEIGHT <= weights[name] <= service.MAX_WEIGHT:
            errors[name] = _("Must be from {low} to {high}.").format(
                low=service.MIN_WEIGHT, high=service.MAX_WEIGHT
            )
    return weights, errors


@router.post(PAGE)
async def save_weights(
    request: Request, admin: AdminUser, db: DbSession, form: Annotated[WeightsForm, Form()]
) -> Response:
    weights, errors = _parse_weights(form.weights)
    changes: list[service.WeightChange] = []
    if not errors:
        try:
            changes = await service.update_weights(db, admin, weights)
        except DomainError as error:
            errors = {(error.field or "").removeprefix("weights."): error.message}
    if errors:
        context = await _page_context(db, errors=errors, values=form.weights)
        return render(request, "scoring/indicators.html", context, status_code=422)
    if not changes:
        return redirect_with_flash(request, PAGE, _("No weight changed."))
    listed = ", ".join(f"{c.indicator_name} {c.before} → {c.after}" for c in changes)
    message = _(
        "Saved: {changes}. Scores follow at the next refresh (daily 03:00) or Refresh now."
    ).format(changes=listed)
    return redirect_with_flash(request, PAGE, message, "success")


@router.post(PAGE + "/new")
async def add_indicator(
    request: Request,
    admin: AdminUser,
    db: DbSession,
    indicator_name: str = Form(...),
    intent_type: str = Form("distressed_property"),
    weight: int = Form(...),
) -> Response:
    if intent_type not in ("distressed_property", "new_homeowner"):
        return redirect_with_flash(request, PAGE, _("Unknown intent type."), "error")
    try:
        await service.add_indicator(db, admin, indicator_name, intent_type, weight, None)
    except DomainError as error:
        return redirect_with_flash(request, PAGE, error.message, "error")
    message = _("Added {name} ({weight}); it scores from the next refresh.").format(
        name=indicator_name, weight=weight
    )
    return redirect_with_flash(request, PAGE, message, "success")


@router.post("/admin/scores/refresh")
async def refresh_now(request: Request, admin: AdminUser, db: DbSession) -> Response:
    outcome = await service.request_refresh(db, admin)
    if outcome.status == "queued":
        message = _("Score refresh queued: a worker runs it in a moment (this page shows the run).")
    else:
        message = _(
            "A score refresh is already waiting for a worker; it will use the saved weights."
        )
    return redirect_with_flash(request, PAGE, message, "success")
