"""Scoring API: a property's score explained; indicator weights and refreshes for admins."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends

from propintel.auth.deps import AdminUser
from propintel.db.session import DbSession
from propintel.scoring import service
from propintel.scoring.repository import ScoringRepository
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


def _repo(db: DbSession) -> ScoringRepository:
    return ScoringRepository(db)


Repo = Annotated[ScoringRepository, Depends(_repo)]


@router.get("/admin/indicators", response_model=list[IndicatorOut])
async def list_indicators(_admin: AdminUser, repo: Repo) -> list[IndicatorOut]:
    return [IndicatorOut.of(row) for row in await repo.indicators()]


@router.patch("/admin/indicators", response_model=WeightsUpdated)
async def patch_weights(body: WeightsPatch, admin: AdminUser, repo: Repo) -> WeightsUpdated:
    """Change weights (audit-logged); scores follow at the next refresh."""
    changes = await service.update_weights(repo, admin, body.weights)
    return WeightsUpdated(
        changed=[WeightChangeOut(**asdict(change)) for change in changes],
        indicators=[IndicatorOut.of(row) for row in await repo.indicators()],
    )


@router.post("/admin/indicators", response_model=IndicatorOut, status_code=201)
async def create_indicator(body: IndicatorCreate, admin: AdminUser, repo: Repo) -> IndicatorOut:
    """Add the indicator of a detection rule that has none (e.g. ``heirship``)."""
    await service.add_indicator(
        repo, admin, body.indicator_name, body.intent_type, body.weight, body.description
    )
    [row] = [row for row in await repo.indicators() if row.indicator_name == body.indicator_name]
    return IndicatorOut.of(row)


@router.post("/admin/scores/refresh", response_model=RefreshRequestOut, status_code=202)
async def refresh_now(admin: AdminUser, db: DbSession) -> RefreshRequestOut:
    """Queue the refresh job now (it runs in a worker: a full refresh can take a minute);
    audit-logged."""
    request = await service.request_refresh(db, admin)
    return RefreshRequestOut(
        status=request.status, job_id=request.job_id, message=REFRESH_MESSAGES[request.status]
    )
