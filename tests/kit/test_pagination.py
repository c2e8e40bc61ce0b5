"""The one cursor codec: what it encodes it decodes, for its own listing and criteria only, and
nothing a client can send makes it fail with anything but a 422 on ``cursor``."""

from __future__ import annotations

import base64
import json
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.kit.errors import Invalid
from propintel.kit.pagination import KeyPart, Listing, fingerprint

LEADS = Listing("leads", (KeyPart.DATETIME, KeyPart.UUID))
EVERY_PART = Listing(
    "every",
    (
        KeyPart.INT,
        KeyPart.NUMBER,
        KeyPart.TEXT,
        KeyPart.UUID,
        KeyPart.DATETIME,
        KeyPart.DATE,
        KeyPart.DECIMAL,
    ),
)

keys = st.tuples(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=255).filter(lambda text: "\x00" not in text),  # a VARCHAR(255) column
    st.uuids(),
    st.datetimes(timezones=st.none() | st.just(UTC)),
    st.dates(),
    st.decimals(allow_nan=False, allow_infinity=False, places=4),
)


@given(keys, st.text(max_size=20))
def test_a_key_comes_back_as_it_went_in(key: tuple[object, ...], criteria: str) -> None:
    bound = fingerprint({"q": criteria})
    assert EVERY_PART.decode(EVERY_PART.encode(key, bound_to=bound), bound_to=bound) == key


@given(st.text(max_size=600))
def test_any_string_is_a_cursor_or_a_422(token: str) -> None:
    try:
        LEADS.decode(token)
    except Invalid as error:
        assert error.field == "cursor"


@given(st.lists(st.one_of(st.none(), st.booleans(), st.integers(), st.text(), st.floats())))
def test_forged_json_of_any_shape_is_a_422(parts: list[object]) -> None:
    token = base64.urlsafe_b64encode(json.dumps(["leads", "", parts]).encode()).decode()
    with pytest.raises(Invalid) as refused:
        LEADS.decode(token)
    assert refused.value.field == "cursor"


def test_a_cursor_continues_only_its_own_listing_and_criteria() -> None:
    key = (datetime(2026, 12, 6, 9, 30), uuid.uuid4())
    mine = fingerprint({"status": "new"})
    token = LEADS.encode(key, bound_to=mine)

    assert LEADS.decode(token, bound_to=mine) == key
    with pytest.raises(Invalid, match="another list or search"):
        LEADS.decode(token, bound_to=fingerprint({"status": "won"}))
    with pytest.raises(Invalid, match="another list or search"):
        Listing("audit", LEADS.key).decode(token, bound_to=mine)


def test_integers_out_of_the_database_range_and_booleans_are_refused() -> None:
    listing = Listing("ids", (KeyPart.INT,))
    for forged in ([2**63], [True], ["12"], [1.5]):
        token = base64.urlsafe_b64encode(json.dumps(["ids", "", forged]).encode()).decode()
        with pytest.raises(Invalid):
            listing.decode(token)


def test_a_page_has_a_next_cursor_only_when_a_row_was_left_over() -> None:
    rows = [(date(2026, 1, day), Decimal(day)) for day in range(1, 4)]
    listing = Listing("days", (KeyPart.DATE, KeyPart.DECIMAL))

    first, cursor = listing.page(rows, 2, key=lambda row: row)
    last, none = listing.page(rows[:2], 2, key=lambda row: row)

    assert first == rows[:2] and cursor is not None
    assert listing.decode(cursor) == rows[1]
    assert last == rows[:2] and none is None
