"""The ``Allow`` header of a 405 (issue 18): every method the path answers.

Starlette's router stops at the first route whose path matches and lists only that route's methods,
while one path is often several routes (``GET /api/v1/leads`` and ``POST /api/v1/leads``); HEAD is
answered for every GET (web/head.py).
"""

from __future__ import annotations

from typing import Any

from fastapi.routing import iter_route_contexts
from starlette.types import ASGIApp


def allowed_methods(app: ASGIApp, path: str) -> list[str]:
    """The methods of every route of ``app`` at ``path``, sorted (HEAD wherever GET is)."""
    methods: set[str] = set()
    routes: Any = getattr(app, "routes", [])
    for route in iter_route_contexts(routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(path):
            methods |= set(route.methods)
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)
