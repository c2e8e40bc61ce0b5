"""Route matching through each router's pattern of paths (web/route_index.py) answers exactly
what FastAPI's walk of every route answers, and skips the routers a path cannot be in."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import _IncludedRouter, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.routing import Match

from propintel.web.route_index import paths_pattern

SAMPLES: dict[str, Any] = {
    "StringConvertor": "x1",
    "PathConvertor": "a/b.css",
    "IntegerConvertor": 7,
    "FloatConvertor": 1.5,
    "UUIDConvertor": uuid.UUID(int=1),
}
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")


@pytest.fixture(scope="module")
def app(engine: AsyncEngine) -> FastAPI:
    from propintel.app import create_app

    return create_app(engine=engine)


def _scope(path: str, method: str) -> dict[str, Any]:
    return {"type": "http", "path": path, "root_path": "", "method": method, "headers": []}


def _indexed(app: FastAPI, path: str, method: str) -> list[Match]:
    return [route.matches(_scope(path, method))[0] for route in app.router.routes]


def _walked(app: FastAPI, path: str, method: str) -> list[Match]:
    """What each route answers without the index: FastAPI's own matching."""
    return [
        (_IncludedRouter.matches if isinstance(route, _IncludedRouter) else type(route).matches)(
            route, _scope(path, method)
        )[0]
        for route in app.router.routes
    ]


def _sample_path(context: Any) -> str:
    values = {
        name: convertor.to_string(SAMPLES[type(convertor).__name__])
        for name, convertor in context.param_convertors.items()
    }
    return str(context.path_format).format(**values)


def _every_route_path(app: FastAPI) -> list[str]:
    return sorted(
        {
            _sample_path(context)
            for context in iter_route_contexts(app.router.routes)
            if getattr(context, "path_regex", None) is not None
        }
    )


def test_every_router_of_the_app_is_indexed(app: FastAPI) -> None:
    included = [route for route in app.router.routes if isinstance(route, _IncludedRouter)]
    assert len(included) > 50
    assert all(type(route).__name__ == "_IndexedRouter" for route in included)
    assert all(paths_pattern(route) is not None for route in included)


def test_every_route_resolves_as_fastapi_resolves_it(app: FastAPI) -> None:
    paths = _every_route_path(app)
    assert len(paths) > 300
    for path in paths:
        for method in METHODS:
            indexed = _indexed(app, path, method)
            assert indexed == _walked(app, path, method), (method, path)
        assert max(_indexed(app, path, "GET"), key=lambda match: match.value) != Match.NONE


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    segments=st.lists(
        st.sampled_from(["api", "v1", "leads", "properties", "admin", "x", "1", "", "static"])
        | st.text(alphabet="abc-_.%0", max_size=4),
        max_size=5,
    ),
    method=st.sampled_from(METHODS),
)
def test_any_path_resolves_as_fastapi_resolves_it(
    app: FastAPI, segments: list[str], method: str
) -> None:
    path = "/" + "/".join(segments)
    assert _indexed(app, path, method) == _walked(app, path, method)


def test_a_page_walks_only_the_routers_its_path_can_be_in(
    app: FastAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[object] = []
    original = _IncludedRouter.matches

    def counting(self: _IncludedRouter, scope: Any) -> Any:
        walked.append(self)
        return original(self, scope)

    monkeypatch.setattr(_IncludedRouter, "matches", counting)
    assert Match.FULL in _indexed(app, "/dashboard", "GET")
    assert 1 <= len(walked) <= 3  # of 66 routers: the ones with a path pattern like /dashboard
    assert all(paths_pattern(router).match("/dashboard") for router in walked)  # type: ignore[arg-type,union-attr]
