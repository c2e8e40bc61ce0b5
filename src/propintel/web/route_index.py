"""Route matching without walking every route of every router (issue 18, CPU per request).

FastAPI 0.165 keeps each ``include_router`` as a lazy ``_IncludedRouter``. The application's
router asks each of them in turn whether it matches a request, and each answers by walking all
its routes, setting and restoring scope keys around every one: ~400 routes in 66 routers, and the
router that matches walks its own again to handle the request. For a page whose router comes late
(the dashboard's is last) that walk was ~7 ms of the request's ~17 ms of CPU.

``index_routes`` gives each of the application's included routers one compiled pattern of all
its routes' paths. A router whose pattern does not match the request's path answers "no match"
at once, which is what its walk would have answered: each of its routes matches only when its own
path pattern does (``starlette.routing.Route.matches``). Otherwise FastAPI's own matching runs,
unchanged: methods, the first full match, partial matches (405), redirects of a trailing slash.
A router with a route that has no path pattern (a host route) is left as it was.
"""

from __future__ import annotations

import re
from typing import Any

from fastapi import FastAPI
from fastapi.routing import _IncludedRouter, iter_route_contexts
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

_NAMED_GROUP = re.compile(r"\(\?P<\w+>")  # one pattern of many: the same names would collide


def index_routes(app: FastAPI) -> None:
    """Make each router included in ``app`` check its paths' pattern before its routes."""
    for route in app.router.routes:
        if type(route) is _IncludedRouter:
            route.__class__ = _IndexedRouter


def paths_pattern(router: _IncludedRouter) -> re.Pattern[str] | None:
    """One pattern matching exactly the paths some route of ``router`` matches; None when a
    route has no path pattern."""
    patterns = []
    for context in iter_route_contexts([router]):
        regex: Any = getattr(context, "path_regex", None)
        if regex is None:
            return None
        patterns.append(f"(?:{_NAMED_GROUP.sub('(?:', regex.pattern)})")
    return re.compile("|".join(patterns)) if patterns else None


class _IndexedRouter(_IncludedRouter):
    """An included router that answers "no match" at once for a path none of its routes has."""

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            pattern = self._paths_pattern()
            if pattern is not None and not pattern.match(get_route_path(scope)):
                return Match.NONE, {}
        return super().matches(scope)

    def _paths_pattern(self) -> re.Pattern[str] | None:
        """The pattern, built again whenever the router's routes change."""
        version = self.original_router._get_routes_version()
        cached = self.__dict__.get("_paths_index")
        if cached is None or cached[0] != version:
            cached = (version, paths_pattern(self))
            self.__dict__["_paths_index"] = cached
        return cached[1]
