"""English and Spanish: the current locale of a request (or job), gettext catalogs, and dates,
numbers and currency formatted for that locale.

Catalogs are the ``.po`` files under ``propintel/locales/<locale>/LC_MESSAGES/`` (all of them,
merged), read once per process: nothing to compile. The message ids are the English texts, so a
text without a translation shows in English. Python code marks texts with ``_()`` (translated now,
in the current locale) or ``N_()`` (a constant defined at import time, translated where it is
shown); templates with ``{{ _("…") }}`` and ``{% trans %}`` (jinja2's i18n extension).
"""

from __future__ import annotations

import gettext as gettext_module
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.catalog import Catalog, Message
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import NumberPattern
from babel.support import Translations

SUPPORTED_LOCALES = ("en", "es")
DEFAULT_LOCALE = "en"
LOCALE_NAMES = {"en": "English", "es": "Español"}  # each in its own language, for the switcher
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locales"
TIMEZONE = "America/New_York"

_current_locale: ContextVar[str] = ContextVar("propintel_locale", default=DEFAULT_LOCALE)


def supported(locale: str | None) -> str | None:
    """``locale`` (or its language, ``es-MX`` → ``es``) when we have it, else None."""
    if not locale:
        return None
    language = locale.strip().replace("_", "-").split("-")[0].lower()
    return language if language in SUPPORTED_LOCALES else None


def negotiate(accept_language: str | None) -> str:
    """The best supported locale for an ``Accept-Language`` header (quality order), else English."""
    candidates: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        locale = supported(tag)
        if locale and quality > 0:
            candidates.append((-quality, position, locale))
    return min(candidates)[2] if candidates else DEFAULT_LOCALE


def current_locale() -> str:
    return _current_locale.get()


def set_locale(locale: str) -> None:
    """Switch the current request's (or job's) locale; an unsupported one means English."""
    _current_locale.set(supported(locale) or DEFAULT_LOCALE)


@contextmanager
def using_locale(locale: str | None) -> Iterator[None]:
    """Within the block, texts and formats are ``locale``'s (an e-mail in its recipient's)."""
    token = _current_locale.set(supported(locale) or DEFAULT_LOCALE)
    try:
        yield
    finally:
        _current_locale.reset(token)


def catalog_files(locale: str) -> list[Path]:
    return sorted((LOCALE_DIR / locale / "LC_MESSAGES").glob("*.po"))


def is_translated(message: Message | None) -> bool:
    """Has every form a non-empty translation that gettext will use (not marked fuzzy)?"""
    if message is None or not message.id or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return all(text and str(text).strip() for text in strings)


def read_catalog(locale: str) -> Catalog:
    """Every ``.po`` file of ``locale`` merged into one catalog (the first translation wins; an
    empty or fuzzy entry in one file does not hide another file's translation)."""
    merged = Catalog(locale=locale)
    for path in catalog_files(locale):
        with path.open("rb") as handle:
            part = read_po(handle, locale=locale)
        # The files' Plural-Forms (es: nplurals=2), not Babel's CLDR rule (3 forms for es, the
        # 3rd being "other"): else ngettext(…, 5) would ask for a form no file has.
        merged.mime_headers = [("Plural-Forms", part.plural_forms)]
        for message in part:
            if is_translated(message) and message.id not in merged:
                merged[message.id] = message
    return merged


@cache
def translations(locale: str) -> gettext_module.NullTranslations:
    if locale == DEFAULT_LOCALE:
        return gettext_module.NullTranslations()
    compiled = BytesIO()
    write_mo(compiled, read_catalog(locale))
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(message: str) -> str:
    """``message`` in the current locale (itself when it has no translation)."""
    return translations(current_locale()).gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations(current_locale()).ngettext(singular, plural, count)


_ = gettext


def N_(message: str) -> str:
    """Marks a constant for the catalog; it is translated where it is shown (``_(constant)``)."""
    return message


# Formats are asked for per table cell: the Babel locale and the parsed number patterns are
# made once per process (parsing them was most of a number's formatting time).
@cache
def _babel_locale_of(locale: str) -> Locale:
    try:
        return Locale.parse(locale)
    except UnknownLocaleError:  # pragma: no cover - SUPPORTED_LOCALES are all known to Babel
        return Locale.parse(DEFAULT_LOCALE)


def _babel_locale() -> Locale:
    return _babel_locale_of(current_locale())


@cache
def _number_pattern(pattern: str) -> NumberPattern:
    return babel_numbers.parse_pattern(pattern)


@cache
def _whole_currency_pattern(locale: Locale) -> NumberPattern:
    """The locale's currency pattern without cents."""
    standard = locale.currency_formats["standard"].pattern.replace(".00", "")
    return _number_pattern(standard)


def format_number(value: int | float | Decimal | None, digits: int | None = None) -> str:
    """1,234.5 in English, 1234,5 / 12.345 in Spanish; ``digits`` fixes the decimals."""
    if value is None:
        return "—"
    if digits is None:
        return babel_numbers.format_decimal(value, locale=_babel_locale())
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else ""))
    return babel_numbers.format_decimal(value, format=pattern, locale=_babel_locale())


def format_percent(value: float | Decimal | None, digits: int = 0) -> str:
    """``value`` is a fraction: 0.25 → 25 % (per locale)."""
    if value is None:
        return "—"
    pattern = _number_pattern("#,##0" + ("." + "0" * digits if digits else "") + "%")
    return babel_numbers.format_percent(value, format=pattern, locale=_babel_locale())


def format_currency(
    amount: int | float | Decimal | None, currency: str = "USD", whole: bool = False
) -> str:
    """An amount in dollars (not cents): $1,234.50 / 1234,50 US$; ``whole``: rounded to whole
    dollars, without cents ($350,000 / 350.000 US$), for values such as a home's."""
    if amount is None:
        return "—"
    if whole:
        locale = _babel_locale()
        return babel_numbers.format_currency(
            round(amount),
            currency.upper(),
            format=_whole_currency_pattern(locale),
            locale=locale,
            currency_digits=False,
        )
    return babel_numbers.format_currency(amount, currency.upper(), locale=_babel_locale())


def format_cents(cents: int | None, currency: str = "USD") -> str:
    return "—" if cents is None else format_currency(Decimal(cents) / 100, currency)


def format_date(value: date | datetime | None, style: str = "medium") -> str:
    """Dec 6, 2026 / 6 dic 2026 (``style``: short, medium, long)."""
    if value is None:
        return "—"
    day = value.date() if isinstance(value, datetime) else value
    return babel_dates.format_date(day, format=style, locale=_babel_locale())


def format_datetime(value: datetime | None, style: str = "short") -> str:
    """A moment in New York time, as the locale writes it (naive values are New York time)."""
    if value is None:
        return "—"
    tzinfo = babel_dates.get_timezone(TIMEZONE)
    # A zoneinfo zone: replace(tzinfo=) with Babel's (a pytz zone) would use the zone's first
    # offset in history (New York's local mean time, -4:56) and shift the time by 56 minutes.
    moment = value if value.tzinfo else value.replace(tzinfo=ZoneInfo(TIMEZONE))
    return babel_dates.format_datetime(moment, format=style, tzinfo=tzinfo, locale=_babel_locale())
