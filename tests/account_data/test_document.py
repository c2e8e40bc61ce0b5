"""The export's JSON is written by hand around its rows (to stream it): whatever the rows hold and
however they are paged, the document parses and gives every row back, in order."""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.account_data import service
from propintel.db.export import ExportPage

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
ROWS = st.lists(st.dictionaries(st.text(), JSON_VALUES, max_size=4), max_size=5)
GROUPS = st.dictionaries(
    st.text(min_size=1, max_size=8),
    st.dictionaries(st.text(min_size=1, max_size=8), ROWS, max_size=3),
    max_size=3,
)


def _document(groups: dict[str, dict[str, list[dict[str, Any]]]], page_size: int) -> Any:
    """The document ``export_chunks`` writes when the account's rows are ``groups``."""
    by_section = {name: rows for sections in groups.values() for name, rows in sections.items()}

    async def rows_of(
        _session: object, _user_id: uuid.UUID, section: str, *, after: Any, limit: int
    ) -> ExportPage:
        start = after or 0
        rows = by_section[section]
        more = start + limit < len(rows)
        return ExportPage(rows=rows[start : start + limit], after=start + limit if more else None)

    async def collect() -> str:
        session: Any = None  # rows_of never touches it
        chunks = service.export_chunks(session, uuid.UUID(int=1), page_size=page_size)
        return "".join([chunk async for chunk in chunks])

    saved = service.GROUPS
    service.GROUPS = tuple((group, tuple(sections), rows_of) for group, sections in groups.items())
    try:
        return json.loads(asyncio.run(collect()))
    finally:
        service.GROUPS = saved


@given(groups=GROUPS, page_size=st.integers(min_value=1, max_value=4))
def test_the_document_parses_and_holds_every_row(
    groups: dict[str, dict[str, list[dict[str, Any]]]], page_size: int
) -> None:
    # one section name may appear in two groups: give each group its own names
    groups = {
        g: {f"{g}.{s}": rows for s, rows in sections.items()} for g, sections in groups.items()
    }

    document = _document(groups, page_size)

    assert document["schema_version"] == service.SCHEMA_VERSION
    assert document["user_id"] == str(uuid.UUID(int=1))
    assert document["data"] == groups


@pytest.mark.parametrize("page_size", [1, 2, 500])
def test_an_empty_account_is_a_document_of_empty_sections(page_size: int) -> None:
    document = _document({"account": {"user": []}, "leads": {}}, page_size)

    assert document["data"] == {"account": {"user": []}, "leads": {}}
