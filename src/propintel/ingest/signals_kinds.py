"""The signal feeds (DATA-SOURCES.md §5), each described by one ``SignalKind``: its real column
names, which columns make the record's reference, date, folio, address, legal description and
owner name, what goes into ``detail``, and a small ``classify`` rule for type and status.

Column names are the real header spellings (``casE_NUM``); headers are matched case-insensitively.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from propintel.ingest.matching import owner_key, text_key
from propintel.ingest.parse.dates import parse_date_flexible
from propintel.ingest.parse.numbers import parse_int, parse_money
from propintel.ingest.rows import CsvRow
from propintel.ingest.signals_types import SIGNAL_STATUSES, SIGNAL_TYPES


class Rejected(Exception):
    """The row cannot be used: it goes to the quarantine with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def text(row: CsvRow, column: str) -> str:
    """A field by its column name in any letter case; empty when the column is absent."""
    return row.text(column.upper())


@dataclass(frozen=True)
class Classified:
    """What ``classify`` decides for one row."""

    signal_type: str
    status: str = "open"
    closed_date: date | None = None
    vacant_evidence: bool = False  # also write a ``vacant`` record for this case
    cancels: bool = False  # the row cancels the record with the same reference (CLP)
    source: str | None = None  # overrides the kind's source (generic files name their own)
    detail: dict[str, Any] = field(default_factory=dict)


Converter = Callable[[str], Any]


def _as_text(value: str) -> str | None:
    return value or None


def _as_money(value: str) -> str | None:
    """Money stays exact: a decimal string in ``detail`` (``Hidden`` and junk → None)."""
    amount = parse_money(value)
    return None if amount is None else str(amount)


def _as_int(value: str) -> int | None:
    return parse_int(value)


def _as_date(value: str) -> str | None:
    parsed = parse_date_flexible(value)
    return parsed.isoformat() if parsed else None


@dataclass(frozen=True)
class SignalKind:
    """One feed. ``address`` lists candidate one-line address columns (the first non-empty wins);
    ``owner`` picks the owner or party name to match on; ``strict`` rejects rows whose folio or
    date is malformed (the generic format is ours, so it must be right) instead of nulling the
    field with the reason recorded."""

    name: str
    source: str
    required: tuple[str, ...]
    reference: tuple[str, ...]  # joined with "/" into property_signals.reference
    recorded_date: str
    classify: Callable[[CsvRow], Classified]
    folio: str | None = None
    address: tuple[str, ...] = ()
    legal: str | None = None
    owner: Callable[[CsvRow], str | None] | None = None
    detail: tuple[tuple[str, str, Converter], ...] = ()
    strict: bool = False
    cancellations: bool = False  # rows may cancel records (see signals.fold_cancellations)
    vacancy_evidence: bool = False  # classify may flag a case as evidence of vacancy

    @property
    def kind(self) -> str:
        return f"signals:{self.name}"

    @property
    def match_methods(self) -> tuple[str, ...]:
        keys = (
            (self.folio, ("folio",)),
            (self.address, ("address", "street")),
            (self.legal, ("legal",)),
            (self.owner, ("owner",)),
        )
        return tuple(method for key, methods in keys if key for method in methods)


# Words in a case's type or problem that make it evidence of vacancy.
_VACANCY_WORDS: Final = ("VACANT", "UNSECURED", "ABANDONED", "UNSAFE STRUCTURE", "BOARD UP")


def _mentions_vacancy(row: CsvRow, *columns: str) -> bool:
    described = " ".join(text(row, column).upper() for column in columns)
    return any(word in described for word in _VACANCY_WORDS)


def _doc_code(row: CsvRow) -> str:
    """``LIS PENDENS - LIS`` → ``LIS``: the Clerk's document code after the last dash."""
    return text(row, "doC_TYPE").rsplit("-", 1)[-1].strip().upper()


# --- classify rules ------------------------------------------------------------------------------

CCVIOL_CLOSED = 2  # CASE_STATUS: 1 Open, 2 Closed, 4 Lien, 6 Civil, 8 Referred, 9 Active LP


def _code_violation(row: CsvRow) -> Classified:
    code = parse_int(text(row, "CASE_STATUS"))
    closed = code == CCVIOL_CLOSED or (code is None and "CLOSED" in text(row, "STAT_DESC").upper())
    return Classified(
        "code_violation",
        "closed" if closed else "open",
        closed_date=parse_date_flexible(text(row, "LAST_ACTV")) if closed else None,
        vacant_evidence=_mentions_vacancy(row, "PROBLEM", "PROBLEM_DESC"),
    )


def _building_violation(row: CsvRow) -> Classified:
    """The layer holds open cases only."""
    return Classified(
        "building_violation", vacant_evidence=_mentions_vacancy(row, "CASE_TYPE", "VIOL_NAME")
    )


def _tax_certificate(row: CsvRow) -> Classified:
    return Classified("tax_lien")


AUCTION_SIGNALS: Final = {"FORECLOSURE": "foreclosure", "TAXDEED": "tax_lien"}


def _auction(row: CsvRow) -> Classified:
    """A tax-deed auction follows a tax-deed application: the tax lien indicator."""
    auction_type = text(row, "Auction Type").upper().replace(" ", "")
    signal = AUCTION_SIGNALS.get(auction_type)
    if signal is None:
        raise Rejected(
            f"unknown Auction Type {text(row, 'Auction Type')!r} (FORECLOSURE or TAXDEED)"
        )
    return Classified(signal)


def _lis_pendens(row: CsvRow) -> Classified:
    code = _doc_code(row)
    if code == "LIS":
        return Classified("pre_foreclosure")
    if code == "CLP":
        recorded = parse_date_flexible(text(row, "reC_DATE"))
        return Classified("pre_foreclosure", "cancelled", closed_date=recorded, cancels=True)
    raise Rejected(f"not a lis pendens document (doC_TYPE {text(row, 'doC_TYPE')!r})")


PROBATE_CODES: Final = ("PAD", "DCE")


def _probate(row: CsvRow) -> Classified:
    if _doc_code(row) not in PROBATE_CODES:
        raise Rejected(f"not a probate document (doC_TYPE {text(row, 'doC_TYPE')!r})")
    return Classified("probate")


def _generic(row: CsvRow) -> Classified:
    signal = text(row, "signal").lower()
    if signal not in SIGNAL_TYPES:
        known = ", ".join(SIGNAL_TYPES)
        raise Rejected(f"unknown signal {text(row, 'signal')!r} (one of: {known})")
    status = text(row, "status").lower() or "open"
    if status not in SIGNAL_STATUSES:
        raise Rejected(f"unknown status {status!r} (one of: {', '.join(SIGNAL_STATUSES)})")
    source = text(row, "source").lower()
    if not source or len(source) > 50:
        raise Rejected("source must be 1 to 50 characters")
    closed = text(row, "closed_date")
    closed_date = parse_date_flexible(closed) if closed else None
    if closed and closed_date is None:
        raise Rejected(f"closed_date {closed!r} is not a date")
    return Classified(signal, status, closed_date, source=source, detail=_generic_detail(row))


def _generic_detail(row: CsvRow) -> dict[str, Any]:
    """``detail`` is a JSON object, or free text kept as ``{"note": …}``."""
    value = text(row, "detail")
    if not value:
        return {}
    if not value.startswith("{"):
        return {"note": value}
    try:
        parsed = json.loads(value)
    except ValueError:
        raise Rejected("detail is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise Rejected("detail must be a JSON object")
    return parsed


# --- owner names to match on ---------------------------------------------------------------------


def _first_listed(value: str) -> str | None:
    """The first of several names a Clerk party field may list (``A; B``)."""
    return value.split(";", 1)[0].strip() or None


def _defendant(row: CsvRow) -> str | None:
    return _first_listed(text(row, "seconD_PARTY"))


def _decedent(row: CsvRow) -> str | None:
    """The party written as an estate (``EST OF GARCIA MARIA``), else the first party: the Clerk
    files probate and death-certificate records under the decedent's estate."""
    parties = [_first_listed(text(row, column)) for column in ("firsT_PARTY", "seconD_PARTY")]
    for party in parties:
        if party and owner_key(party) != text_key(party):  # an estate marker was stripped
            return party
    return parties[0]


# --- the kinds -----------------------------------------------------------------------------------

_CLERK_DETAIL: Final[tuple[tuple[str, str, Converter], ...]] = (
    ("clerk_file", "clerk_File", _as_text),
    ("book", "reC_BOOK", _as_text),
    ("page", "reC_PAGE", _as_text),
    ("doc_type", "doC_TYPE", _as_text),
    ("first_party", "firsT_PARTY", _as_text),
    ("second_party", "seconD_PARTY", _as_text),
    ("legal_description", "legaL_DESCRIPTION", _as_text),
)
_CLERK_REQUIRED: Final = ("clerk_File", "reC_DATE", "doC_TYPE", "firsT_PARTY", "seconD_PARTY")

SIGNAL_KINDS: Final[dict[str, SignalKind]] = {
    kind.name: kind
    for kind in (
        SignalKind(
            name="code-violations",
            source="ccviol",
            required=("CASE_NUM", "CASE_DATE", "CASE_STATUS", "FOLIO", "ADDRESS"),
            reference=("CASE_NUM",),
            recorded_date="CASE_DATE",
            classify=_code_violation,
            vacancy_evidence=True,
            folio="FOLIO",
            address=("ADDRESS",),
            detail=(
                ("case_status", "CASE_STATUS", _as_int),
                ("status_description", "STAT_DESC", _as_text),
                ("problem", "PROBLEM", _as_text),
                ("problem_description", "PROBLEM_DESC", _as_text),
                ("last_activity", "LAST_ACTV", _as_date),
                ("address", "ADDRESS", _as_text),
            ),
        ),
        SignalKind(
            name="building-violations",
            source="building_violations",
            required=("CASE_NUM", "CASE_TYPE", "OPEN_DATE", "FOLIO", "ADDRESS"),
            reference=("CASE_NUM",),
            recorded_date="OPEN_DATE",
            classify=_building_violation,
            vacancy_evidence=True,
            folio="FOLIO",
            address=("ADDRESS",),
            detail=(
                ("case_type", "CASE_TYPE", _as_text),
                ("violation", "VIOL_NAME", _as_text),
                ("address", "ADDRESS", _as_text),
            ),
        ),
        SignalKind(
            name="tax-certificates",
            source="tax_collector",
            required=("Account Number", "Tax Yr", "Face Amount", "Cert #", "Issued Date"),
            reference=("Tax Yr", "Cert #"),
            recorded_date="Issued Date",
            classify=_tax_certificate,
            folio="Account Number",
            address=("Address", "Property Address", "Situs Address"),
            detail=(
                ("tax_year", "Tax Yr", _as_int),
                ("certificate", "Cert #", _as_text),
                ("face_amount", "Face Amount", _as_money),
                ("certificate_buyer", "Cert Buyer", _as_text),
                ("county_held", "County Held", _as_text),
            ),
        ),
        SignalKind(
            name="foreclosure-auctions",
            source="realforeclose",
            required=(
                "Auction Date",
                "Auction Type",
                "Case #",
                "Final Judgment Amount",
                "Parcel ID",
                "Address",
            ),
            reference=("Case #",),
            recorded_date="Auction Date",
            classify=_auction,
            folio="Parcel ID",
            address=("Address",),
            detail=(
                ("auction_type", "Auction Type", _as_text),
                ("final_judgment_amount", "Final Judgment Amount", _as_money),
                ("assessed_value", "Assessed Value", _as_money),
                ("plaintiff_max_bid", "Plaintiff Max Bid", _as_money),
                ("parcel_id", "Parcel ID", _as_text),
                ("address", "Address", _as_text),
            ),
        ),
        SignalKind(
            name="lis-pendens",
            source="clerk_lis_pendens",
            required=(*_CLERK_REQUIRED, "legaL_DESCRIPTION", "casE_NUM"),
            reference=("casE_NUM",),
            recorded_date="reC_DATE",
            classify=_lis_pendens,
            address=("ADDRESS",),
            legal="legaL_DESCRIPTION",
            owner=_defendant,
            detail=_CLERK_DETAIL,
            cancellations=True,
        ),
        SignalKind(
            name="probate",
            source="clerk_probate",
            required=_CLERK_REQUIRED,
            reference=("clerk_File",),
            recorded_date="reC_DATE",
            classify=_probate,
            address=("ADDRESS",),
            legal="legaL_DESCRIPTION",
            owner=_decedent,
            detail=(*_CLERK_DETAIL, ("case_number", "casE_NUM", _as_text)),
        ),
        SignalKind(
            name="generic",
            source="",
            required=("folio", "signal", "recorded_date", "source", "reference"),
            reference=("reference",),
            recorded_date="recorded_date",
            classify=_generic,
            folio="folio",
            address=("address",),
            strict=True,
        ),
    )
}
