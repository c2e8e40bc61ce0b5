"""API shapes of saved searches. ``search_criteria`` is the search API's own ``SearchCriteria``,
so a saved search is validated exactly like a search (errors name ``search_criteria.<field>``)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, StringConstraints

from propintel.kit.clock import NewYorkDatetime
from propintel.kit.text import NoNul
from propintel.saved_searches.models import AlertFrequency, SavedSearch
from propintel.search.criteria import SearchCriteria

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=255), NoNul]


class SavedSearchCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    search_name: Name
    search_criteria: SearchCriteria
    alert_frequency: AlertFrequency = AlertFrequency.NONE


class SavedSearchPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    search_name: Name | None = None
    alert_frequency: AlertFrequency | None = None


class SavedSearchOut(BaseModel):
    search_id: uuid.UUID
    search_name: str | None
    search_criteria: dict[str, Any]
    alert_frequency: str | None
    last_run_at: NewYorkDatetime | None
    created_at: NewYorkDatetime

    @classmethod
    def of(cls, search: SavedSearch) -> SavedSearchOut:
        return cls(
            search_id=search.search_id,
            search_name=search.search_name,
            search_criteria=search.search_criteria,
            alert_frequency=search.alert_frequency,
            last_run_at=search.last_run_at,
            created_at=search.created_at,
        )
