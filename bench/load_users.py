"""The simulated users of bench/load.py (a locustfile; locust runs it in its own process, since
importing locust patches the standard library for gevent).

Every user is the benchmark's full-plan subscriber (one account, its Bearer token). Without
think time by default, it makes each request once, then repeats a weighted mix: lead searches
through the API (four filter mixes, as bench/search.py draws them, and a count), the search
page, the dashboard, a property's page, the pipeline board, a saved lead's page, saving a lead,
and a CSV export. What to ask for comes from the JSON file named by ``PROPINTEL_LOAD_DATA``
(written by bench/load.py). ``ApiSubscriber``: the API requests only.
"""

from __future__ import annotations

import json
import os
import random
from pathlib import Path
from typing import Any

from locust import constant
from locust.contrib.fasthttp import FastHttpUser

DATA: dict[str, Any] = json.loads(Path(os.environ["PROPINTEL_LOAD_DATA"]).read_text())
THINK_S = float(DATA.get("think_s", 0))


class _Requests(FastHttpUser):
    """The requests; which ones a user makes, and how often, is its subclass's ``tasks``."""

    abstract = True
    wait_time = constant(THINK_S)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {DATA['token']}"}
        self.rng = random.Random()
        for each in dict.fromkeys(self.tasks):  # every request once, then the weighted mix
            each(self)

    def _get(self, path: str, name: str) -> None:
        self.client.get(path, headers=self.headers, name=name)

    def _search(self, kind: str) -> dict[str, Any]:
        return dict(self.rng.choice(DATA["searches"][kind]))

    def api_search_zip(self) -> None:
        self._get(f"/api/v1/properties?{self._search('zip_score')['query']}", "api search zip")

    def api_search_indicator(self) -> None:
        search = self._search("indicator")
        self._get(f"/api/v1/properties?{search['query']}", "api search indicator")

    def api_search_radius(self) -> None:
        self._get(f"/api/v1/properties?{self._search('radius')['query']}", "api search radius")

    def api_search_polygon(self) -> None:
        search = self._search("polygon")
        self.client.post(
            "/api/v1/properties/search",
            json=search["criteria"],
            headers=self.headers,
            name="api search polygon",
        )

    def api_count(self) -> None:
        self._get(f"/api/v1/properties/count?{self._search('zip_score')['query']}", "api count")

    def page_search(self) -> None:
        self._get(f"/search?{self._search('zip_score')['query']}", "page search")

    def page_dashboard(self) -> None:
        self._get("/dashboard", "page dashboard")

    def page_property(self) -> None:
        self._get(f"/properties/{self.rng.choice(DATA['property_ids'])}", "page property")

    def page_pipeline(self) -> None:
        self._get("/leads", "page pipeline")

    def page_lead(self) -> None:
        self._get(f"/leads/{self.rng.choice(DATA['lead_ids'])}", "page lead")

    def save_lead(self) -> None:
        property_id, intent = self.rng.choice(DATA["leads_to_save"])
        self.client.post(
            "/api/v1/leads",
            json={"property_id": property_id, "lead_source": intent},
            headers=self.headers,
            name="api save lead",
        )

    def export_csv(self) -> None:
        query = self._search("zip_score")["query"]
        self._get(f"/api/v1/properties/export.csv?{query}&max_rows=200", "api export csv")


class Subscriber(_Requests):
    """The whole mix (``--mix all``, the default)."""

    tasks = {
        _Requests.api_search_zip: 3,
        _Requests.api_search_indicator: 2,
        _Requests.api_search_radius: 1,
        _Requests.api_search_polygon: 1,
        _Requests.api_count: 1,
        _Requests.page_search: 2,
        _Requests.page_dashboard: 1,
        _Requests.page_property: 2,
        _Requests.page_pipeline: 1,
        _Requests.page_lead: 1,
        _Requests.save_lead: 1,
        _Requests.export_csv: 1,
    }


class ApiSubscriber(_Requests):
    """The API only (``--mix api``): searches, counts, saving a lead; no HTML page, no export."""

    tasks = {
        _Requests.api_search_zip: 3,
        _Requests.api_search_indicator: 2,
        _Requests.api_search_radius: 1,
        _Requests.api_search_polygon: 1,
        _Requests.api_count: 1,
        _Requests.save_lead: 1,
    }
