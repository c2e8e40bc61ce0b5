"""Scoring API: a property's score explained; indicator weights and refreshes for admins."""

from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter

from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.scoring import service
from propintel.scoring.schemas import (
    IndicatorCreate,
    IndicatorOut,
    RefreshRequestOut,
    WeightChangeOut,
    WeightsPatch,
    WeightsUpdated,
)

router = APIRouter(prefix="/api/v1", tags=["scoring"])
REFRESH_MESSAGES = {
    "queued": "The score refresh is queued; a worker runs it in a moment.",
    "already_queued": "A score refresh is already waiting for a worker; it will use these weights.",
}


@router.get("/admin/indicators", response_model=list[IndicatorOut])
async def list_indicators(_admin: AdminUser, db: DbSession) -> list[IndicatorOut]:
    return [IndicatorOut.of(row) for row in await service.indicators(db)]


@router.patch("/admin/indicators", response_model=WeightsUpdated)
async def patch_weights(body: WeightsPatch, admin: AdminUser, db: DbSession) -> WeightsUpdated:
    """Change weights (audit-logged); scores follow at the next refresh."""
    changes = await service.update_weights(db, admin, body.weights)
    return WeightsUpdated(
        changed=[WeightChangeOut(**asdict(change)) for change in changes],
        indicators=[IndicatorOut.of(row) for row in await service.indicators(db)],
    )


@router.post("/admin/indicators", response_model=IndicatorOut, status_code=201)
async def create_indicator(body: IndicatorCreate, admin: AdminUser, db: DbSession) -> IndicatorOut:
    """Add the indicator of a detection rule that has none (e.g. ``heirship``)."""
    await service.add_indicator(
        db, admin, body.indicator_name, body.intent_type, body.weight, body.description
    )
    indicators = await service.indicators(db)
    [row] = [row for row in indicators if row.indicator_name == body.indicator_name]
    return IndicatorOut.of(row)


@router.post("/admin/scores/refresh", response_model=RefreshRequestOut, status_code=202)
async def refresh_now(admin: AdminUser, db: DbSession) -> RefreshRequestOut:
    """Queue the refresh job now (it runs in a worker: a full refresh can take a minute);
    audit-logged."""
    request = await service.request_refresh(db, admin)
    return RefreshRequestOut(
        status=request.status, job_id=request.job_id, message=REFRESH_MESSAGES[request.status]
    )
