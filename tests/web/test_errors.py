"""Validation errors read as our own sentences, without pydantic's "Value error, " prefix."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from propintel.auth.models import Plan
from tests.factories import api_as


async def test_custom_validator_messages_have_no_pydantic_prefix(
    client: httpx.AsyncClient, db: AsyncSession
) -> None:
    headers = await api_as(client, db, Plan.FULL)
    response = await client.get("/api/v1/properties", params={"near": "north"}, headers=headers)
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["errors"] == [
        {"field": "near", "message": "must be 'lat,lon' (e.g. '25.7617,-80.1918')"}
    ]
    assert body["detail"] == "Invalid request: near: must be 'lat,lon' (e.g. '25.7617,-80.1918')"
