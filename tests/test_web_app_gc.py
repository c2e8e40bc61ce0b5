"""A web process's app (``propintel.cli.web_app``, uvicorn's factory) leaves what it built to
the garbage collector's permanent generation: full collections no longer walk it per request."""

from __future__ import annotations

import gc

import pytest

from propintel.cli import web_app


def test_web_app_freezes_what_it_built(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("propintel.kit.logging.configure_logging", lambda *_a, **_k: None)
    gc.unfreeze()
    try:
        app = web_app()
        assert gc.get_freeze_count() > 1000
        assert app.routes  # built before the freeze, so among the frozen objects
    finally:
        gc.unfreeze()
