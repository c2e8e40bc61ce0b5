"""The long fuzz run of the JSON API (issue 18, item 5): schemathesis generates requests for every
operation of the app's own OpenAPI document and sends them, as a full-plan subscriber (bearer
token), to the app in this process, on a scratch database migrated to head (writes are committed;
jobs the requests defer go to its queue too).

    python bench/api_fuzz.py --max-examples 30 [--match /api/v1/leads] [--seed 1]

Every answer is checked as the bounded run of ``make test`` does (tests/web/test_api_fuzz.py): no
5xx, and the status, content type, headers and body as the document says. Prints the requests sent,
the 5xx and the conformance failures (each distinct one once); exit 1 on any 5xx, 2 on conformance
failures only.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, given, seed, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import Report, scratch_database  # noqa: E402
from propintel.auth.models import Plan, SessionKind, UserType  # noqa: E402
from propintel.auth.service import NewAccount, open_session, register  # noqa: E402
from propintel.config import get_settings  # noqa: E402
from propintel.db.engine import create_engine_for, unit_of_work  # noqa: E402

# Each answer: no 5xx, a status the operation documents, the documented content type, headers
# and body schema (timestamps with their offset, the real error body).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PASSWORD = "bench-fuzz-password"  # noqa: S105 (a scratch account)


def operations(document: dict[str, Any], match: str | None = None) -> list[Any]:
    schema = schemathesis.openapi.from_dict(document)
    found = [result.ok() for result in schema.get_all_operations()]
    return [op for op in found if match is None or match in op.path]


def cases_of(
    operation: Any, examples: int, derandomize: bool = True, at: int | None = None
) -> list[Any]:
    """``examples`` generated requests (at most) of ``operation``."""
    cases: list[Any] = []

    @settings(
        max_examples=examples,
        database=None,
        deadline=None,
        derandomize=derandomize and at is None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def collect(case: Any) -> None:
        cases.append(case)

    (seed(at)(collect) if at is not None else collect)()
    return cases


def generate_cases(document: dict[str, Any], examples: int) -> list[Any]:
    """``examples`` generated requests (at most) of every operation of ``document``."""
    return [case for op in operations(document) for case in cases_of(op, examples)]


def _pairs(files: Any) -> list[tuple[str, Any]]:
    return list(files.items()) if isinstance(files, dict) else list(files)


def _sendable(part: Any) -> Any:
    """A generated multipart part httpx can send: a non-text value (a number, ``None``) as its
    text (the fuzzer may put any JSON value where a file's content goes)."""
    if isinstance(part, tuple):
        filename, content, *rest = part
        if not isinstance(content, bytes | str):
            content = json.dumps(content)
        return (filename, content, *rest)
    return part if isinstance(part, bytes | str) else json.dumps(part)


async def send(client: httpx.AsyncClient, case: Any, headers: dict[str, str]) -> httpx.Response:
    kwargs = case.as_transport_kwargs(base_url=str(client.base_url), headers=headers)
    passed = ("params", "headers", "json")
    request = {key: kwargs[key] for key in passed if key in kwargs}
    if kwargs.get("cookies"):  # as a header: httpx deprecates per-request cookies
        cookie = "; ".join(f"{name}={value}" for name, value in kwargs["cookies"].items())
        request["headers"] = {**request.get("headers", {}), "cookie": cookie}
    if "data" in kwargs:
        request["content" if isinstance(kwargs["data"], bytes | str) else "data"] = kwargs["data"]
    if "files" in kwargs:
        request["files"] = [(name, _sendable(part)) for name, part in _pairs(kwargs["files"])]
    return await client.request(kwargs["method"], kwargs["url"], **request)


def failures_of(case: Any, response: httpx.Response) -> list[str]:
    """The checks ``response`` fails, each as ``<check title>: <method> <path> -> <status>``."""
    response.request.read()  # a multipart body is a stream until read
    try:
        case.validate_response(response, checks=CHECKS)
    except BaseException as error:  # schemathesis raises a group of failures
        found = getattr(error, "exceptions", None) or [error]
        where = f"{case.method} {case.operation.path} -> {response.status_code}"
        return [f"{getattr(f, 'title', type(f).__name__)}: {where}" for f in found]
    return []


@dataclass
class Tally:
    operations: int = 0
    requests: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)
    conformance: Counter[str] = field(default_factory=Counter)


async def _token(url: str, number: int) -> dict[str, str]:
    """A new full-plan subscriber's bearer header, issued by the service (the fuzzer may erase or
    lock out the last one, and its wrong passwords throttle the token endpoint for this address)."""
    engine = create_engine_for(url, pool_size=1)
    settings = get_settings()
    email = f"bench-fuzz-{number}@example.com"
    try:
        async with unit_of_work(engine) as session:
            account = NewAccount(
                email, PASSWORD, UserType.SUBSCRIBER, Plan.FULL, email_verified=True
            )
            user = await register(session, settings, account)
            opened = await open_session(session, settings, user, SessionKind.API)
            return {"Authorization": f"Bearer {opened.secret}"}
    finally:
        await engine.dispose()


@contextmanager
def configured_database(url: str) -> Iterator[None]:
    """Settings (and so the job queue) on ``url`` for a while; as they were afterwards."""
    from propintel.jobs.app import job_app

    before = os.environ.get("PROPINTEL_DATABASE_URL")
    os.environ["PROPINTEL_DATABASE_URL"] = url
    get_settings.cache_clear()
    job_app.cache_clear()
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PROPINTEL_DATABASE_URL", None)
        else:
            os.environ["PROPINTEL_DATABASE_URL"] = before
        get_settings.cache_clear()
        job_app.cache_clear()


async def fuzz(url: str, examples: int, match: str | None, at: int | None) -> Tally:
    from propintel.app import create_app

    engine = create_engine_for(url)
    app = create_app(get_settings(), engine=engine)
    tally = Tally()
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            users = 1
            headers = await _token(url, users)
            document = (await client.get("/api/openapi.json")).json()
            for operation in operations(document, match):
                tally.operations += 1
                for case in cases_of(operation, examples, derandomize=False, at=at):
                    response = await send(client, case, headers)
                    tally.requests += 1
                    tally.statuses[response.status_code] += 1
                    failed = failures_of(case, response)
                    if response.status_code >= 500:
                        tally.server_errors.append(
                            failed[0] if failed else str(response.status_code)
                        )
                    else:
                        tally.conformance.update(failed)
                if (await client.get("/api/v1/me", headers=headers)).status_code != 200:
                    users += 1
                    headers = await _token(url, users)
    finally:
        await engine.dispose()
    return tally


def run(examples: int, match: str | None = None, at: int | None = None) -> tuple[Report, Tally]:
    report = Report("api_fuzz", {"max_examples": examples, "match": match, "seed": at})
    with scratch_database(f"propintel_bench_api_fuzz_{os.getpid()}") as url:
        started = time.perf_counter()
        with configured_database(url):
            tally = asyncio.run(fuzz(url, examples, match, at))
        seconds = time.perf_counter() - started
    report.parameters.update(
        operations=tally.operations,
        requests=tally.requests,
        server_errors=len(tally.server_errors),
        conformance_failures=sum(tally.conformance.values()),
        distinct_conformance_failures=len(tally.conformance),
        statuses={str(status): n for status, n in sorted(tally.statuses.items())},
    )
    report.add(f"{tally.requests} requests, {tally.operations} operations", seconds)
    return report, tally


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-examples", type=int, default=100, help="per operation")
    parser.add_argument("--match", help="only operations whose path contains this")
    parser.add_argument("--seed", type=int, help="repeat a run (default: random)")
    args = parser.parse_args(argv)
    report, tally = run(args.max_examples, args.match, args.seed)
    for failure in sorted(set(tally.server_errors)):
        print(f"5xx  {failure}")
    for failure, count in tally.conformance.most_common():
        print(f"conformance x{count}  {failure}")
    report.print()
    if tally.server_errors:
        return 1
    return 2 if tally.conformance else 0


if __name__ == "__main__":
    sys.exit(main())
