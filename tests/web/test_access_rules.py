"""Every route declares who may call it: a guard in its dependencies, or ``@public``.

A guard is ``require_user(...)`` (its closures carry ``roles``) or ``optional_user`` (the page
knows who is asking and decides, e.g. the landing page), found anywhere in the route's dependency
tree. A route meant for anyone (health, log-in pages, a signed webhook) says so with
``propintel.web.security.public``. A new route with neither fails here, so a forgotten guard is
caught before it ships rather than found by a visitor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from starlette.routing import Mount

from propintel.app import create_app
from propintel.auth.deps import AdminUser, AnyUser, optional_user
from propintel.web.security import public

HOW_TO_FIX = (
    "Each route must declare who may call it: depend on a guard from propintel.auth.deps "
    "(AnyUser, SubscriberUser, HomeownerUser, AdminUser, require_user(...), or OptionalUser when "
    "the page serves visitors and users alike), or, only if anyone at all may call it, decorate "
    "its endpoint with @public from propintel.web.security."
)


def _is_guard(call: Any) -> bool:
    return call is optional_user or _requires_login(call)


def _requires_login(call: Any) -> bool:
    return hasattr(call, "roles")  # set by require_user on its closures


def _depends_on(dependant: Dependant, wanted: Callable[[Any], bool]) -> bool:
    """Does a dependency ``wanted`` appear anywhere in this dependency tree?"""
    return any(
        wanted(dependency.call) or _depends_on(dependency, wanted)
        for dependency in dependant.dependencies
    )


def _routes(app: FastAPI) -> Iterator[Any]:
    """Every route as served (included routers flattened, their include-time dependencies in)."""
    yield from iter_route_contexts(app.routes)


def _names(route: Any) -> list[str]:
    return [f"{method} {route.path}" for method in sorted(route.methods or {"?"})]


def unguarded_routes(app: FastAPI) -> list[str]:
    """``METHOD path`` of every route without a guard and not marked public."""
    found = []
    for route in _routes(app):
        if isinstance(route.original_route, Mount):
            continue  # static files: no endpoint of ours
        if getattr(route.endpoint, "access", None) == "public":
            continue
        if isinstance(route.original_route, APIRoute):
            if _depends_on(route.dependant, _is_guard):
                continue
        elif route.path == app.openapi_url:
            continue  # FastAPI's own OpenAPI document (the API docs pages are public too)
        found.extend(_names(route))
    return sorted(found)


def public_routes_requiring_login(app: FastAPI) -> list[str]:
    """Routes marked ``@public`` that still require a log-in: one of the two is a mistake."""
    return sorted(
        name
        for route in _routes(app)
        if isinstance(route.original_route, APIRoute)
        and getattr(route.endpoint, "access", None) == "public"
        and _depends_on(route.dependant, _requires_login)
        for name in _names(route)
    )


def test_every_route_declares_who_may_call_it() -> None:
    offending = unguarded_routes(create_app())
    assert not offending, (
        "Routes without an access rule:\n  " + "\n  ".join(offending) + "\n" + HOW_TO_FIX
    )


def test_no_public_route_requires_a_login() -> None:
    offending = public_routes_requiring_login(create_app())
    assert not offending, (
        "Routes marked @public that depend on require_user(...) (drop one of the two):\n  "
        + "\n  ".join(offending)
    )


def test_the_check_reports_a_route_without_a_rule() -> None:
    app = create_app()
    assert unguarded_routes(app) == []

    @app.get("/throwaway/{item}")
    async def throwaway(item: str) -> dict[str, str]:
        return {"item": item}

    @app.post("/throwaway-api")
    async def throwaway_api() -> None:
        return None

    assert unguarded_routes(app) == ["GET /throwaway/{item}", "POST /throwaway-api"]


def test_the_checks_read_guards_and_markers_anywhere_in_the_tree() -> None:
    app = create_app()

    async def nested(user: AnyUser) -> None:  # a guard one level down still guards
        return None

    @app.get("/throwaway/nested", dependencies=[Depends(nested)])
    async def guarded_deeper() -> None:
        return None

    @app.get("/throwaway/contradiction")
    @public
    async def contradiction(user: AdminUser) -> None:
        return None

    assert unguarded_routes(app) == []
    assert public_routes_requiring_login(app) == ["GET /throwaway/contradiction"]
