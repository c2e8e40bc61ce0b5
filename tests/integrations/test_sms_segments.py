"""SMS segment counting: GSM 03.38 (basic set, extension table counting two) 160/153, anything
else UCS-2 70/67, never splitting an escape pair or a surrogate pair."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from propintel.integrations.sms import GSM_BASIC, GSM_EXTENSION, encoding, segments


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("", 0),
        ("a", 1),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # 160 septets
        ("€" * 81, 2),
        ("a" * 152 + "€", 1),  # 154 septets: one segment (<= 160)
        ("á" * 70, 1),
        ("á" * 71, 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
        ("😀" * 35, 1),  # 70 UTF-16 units
        ("😀" * 36, 2),
    ],
)
def test_known_counts(body: str, expected: int) -> None:
    assert segments(body) == expected


def test_spanish_accents_outside_gsm_make_the_message_ucs2() -> None:
    assert encoding("Señor, ¿le interesa? Ñandu ü É é") == "GSM-7"  # all in GSM 03.38
    assert encoding("Hola, ¿consideraría una oferta?") == "UCS-2"  # í is not
    assert encoding("Está") == "UCS-2"  # á is not


def test_an_escape_pair_is_not_split_across_segments() -> None:
    # 306 septets would fit two segments of 153, but the pair at septets 153-154 cannot be
    # split: it starts the second segment, and the last pair spills into a third.
    body = "a" * 152 + "€" * 77
    assert segments(body) == 3


def test_the_basic_set_and_extension_table_sizes() -> None:
    assert len(GSM_BASIC) == 127 and "\x1b" not in GSM_BASIC
    assert frozenset("\f^{}\\[~]|€") == GSM_EXTENSION


gsm_text = st.text(alphabet=sorted(GSM_BASIC), max_size=800)
any_text = st.text(max_size=400)


@given(gsm_text)
def test_plain_gsm_segments(body: str) -> None:
    n = len(body)
    expected = 0 if n == 0 else 1 if n <= 160 else math.ceil(n / 153)
    assert segments(body) == expected


@given(any_text)
def test_segments_hold_the_body(body: str) -> None:
    n = segments(body)
    if not body:
        assert n == 0
        return
    size = sum(
        (2 if c in GSM_EXTENSION else 1)
        if encoding(body) == "GSM-7"
        else (2 if ord(c) > 0xFFFF else 1)
        for c in body
    )
    single, multi = (160, 153) if encoding(body) == "GSM-7" else (70, 67)
    assert n >= 1
    if size <= single:
        assert n == 1
    else:
        # never fewer than a perfect packing, at most one unit of waste per segment
        assert math.ceil(size / multi) <= n <= math.ceil(size / (multi - 1))


@given(any_text, any_text)
def test_more_text_never_takes_fewer_segments(a: str, b: str) -> None:
    if encoding(a + b) == encoding(a):
        assert segments(a + b) >= segments(a)
