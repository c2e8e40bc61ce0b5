"""Locale formats (kit.i18n) reuse the Babel locale and parsed number patterns across calls, and
write exactly what Babel writes with the pattern text parsed afresh."""

from __future__ import annotations

from decimal import Decimal

import pytest
from babel import Locale
from babel import numbers as babel_numbers
from hypothesis import given
from hypothesis import strategies as st

from propintel.kit import i18n

amounts = st.one_of(
    st.integers(-(10**12), 10**12),
    st.decimals(-(10**9), 10**9, places=3, allow_nan=False, allow_infinity=False),
)


@given(amounts, st.sampled_from([None, 0, 1, 2]), st.sampled_from(i18n.SUPPORTED_LOCALES))
def test_numbers_and_money_are_formatted_as_babel_formats_them(
    value: int | Decimal, digits: int | None, locale: str
) -> None:
    babel_locale = Locale.parse(locale)
    with i18n.using_locale(locale):
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        expected = (
            babel_numbers.format_decimal(value, locale=babel_locale)
            if digits is None
            else babel_numbers.format_decimal(value, format=pattern, locale=babel_locale)
        )
        assert i18n.format_number(value, digits) == expected
        whole = babel_locale.currency_formats["standard"].pattern.replace(".00", "")
        assert i18n.format_currency(value, whole=True) == babel_numbers.format_currency(
            round(value), "USD", format=whole, locale=babel_locale, currency_digits=False
        )
        assert i18n.format_percent(value, 1) == babel_numbers.format_percent(
            value, format="#,##0.0%", locale=babel_locale
        )


def test_patterns_and_locales_are_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    for locale in i18n.SUPPORTED_LOCALES:  # warm: each pattern parsed, each locale made
        with i18n.using_locale(locale):
            i18n.format_number(1.5, 1), i18n.format_currency(3, whole=True)
            i18n.format_percent(0.5)
    parsed: list[object] = []
    parse_pattern, parse_locale = babel_numbers.parse_pattern, Locale.parse

    def pattern_of(pattern: object) -> babel_numbers.NumberPattern:
        if isinstance(pattern, str):  # a parsed pattern passes through Babel's own calls
            parsed.append(pattern)
        return parse_pattern(pattern)  # type: ignore[arg-type]

    def locale_of(identifier: object, *args: object, **kwargs: object) -> Locale:
        if isinstance(identifier, str):  # Babel's own calls pass the Locale made before
            parsed.append(identifier)
        return parse_locale(identifier, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(babel_numbers, "parse_pattern", pattern_of)
    monkeypatch.setattr(Locale, "parse", locale_of)
    for locale in i18n.SUPPORTED_LOCALES:
        with i18n.using_locale(locale):
            i18n.format_number(1234.5, 1), i18n.format_currency(350_000, whole=True)
            i18n.format_percent(0.25)
    assert parsed == []
