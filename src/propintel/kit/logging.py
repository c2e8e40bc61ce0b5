"""Structured logs: one JSON line per record; one per request with method, path, status, duration.

Every line written while a request (or a job) runs carries its context (``request_id``, or the
job's name and id), errors and warnings included: ``log_context`` puts it in a context variable,
which follows the request's task and the threads it hands work to, and the formatter adds it.

Only the path is logged (never the query string, headers, cookies or bodies), so tokens and
passwords cannot reach the logs.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_context: ContextVar[Mapping[str, Any] | None] = ContextVar("propintel_log_context", default=None)


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add ``fields`` to every log line written inside the block (nested blocks add to it)."""
    token = _context.set({**(_context.get() or {}), **fields})
    try:
        yield
    finally:
        _context.reset(token)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(_context.get() or {})
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "INFO", log_file: Path | None = None) -> None:
    """JSON lines on stdout; or, with ``log_file``, into that file, with warnings and errors also
    on the console in a short form (``propintel run`` keeps its terminal for people)."""
    root = logging.getLogger()
    if log_file is None:
        root.handlers[:] = [_handler(logging.StreamHandler(sys.stdout), JsonFormatter())]
    else:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        console = _handler(logging.StreamHandler(sys.stderr), logging.Formatter(CONSOLE_FORMAT))
        console.setLevel(logging.WARNING)
        root.handlers[:] = [_handler(logging.FileHandler(log_file), JsonFormatter()), console]
    root.setLevel(level)
    logging.getLogger("uvicorn.access").disabled = True  # our request line replaces it


CONSOLE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def _handler(handler: logging.Handler, formatter: logging.Formatter) -> logging.Handler:
    handler.setFormatter(formatter)
    return handler


request_logger = logging.getLogger("propintel.request")


def log_request(fields: dict[str, Any]) -> None:
    request_logger.info("request", extra={"fields": fields})
