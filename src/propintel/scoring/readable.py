"""Scores as people read them: a 0-100 lead score, a name for every indicator, and evidence as
labelled fields with a link to the public record where one exists.

The spec's score columns keep their meaning (the sum of the detected indicators' weights, which
can pass 100: a fresh sale with a pool is 115 points); the lead score shown on lists, maps and
exports is those points capped at 100, so 100 reads as "as strong as a lead gets" and the order
of results (by points) is unchanged. The points stay in the explanation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Final
from urllib.parse import quote

from propintel.kit import i18n
from propintel.kit.i18n import N_, _

LEAD_SCORE_MAX: Final = 100
LEAD_SCORE_RULE: Final = N_(
    "Lead score (0–100): the points of the lead's detected indicators, capped at 100. "
    "The points of each indicator are its weight (admin → Scoring)."
)  # English: pages translate it where they show it

INDICATOR_LABELS: Final[dict[str, str]] = {
    "tax_lien": N_("Tax lien"),
    "pre_foreclosure": N_("Pre-foreclosure"),
    "foreclosure": N_("Foreclosure"),
    "code_violation": N_("Code violation"),
    "vacant": N_("Vacant"),
    "probate": N_("Probate"),
    "divorce": N_("Divorce"),
    "heirship": N_("Heirs' property"),
    "out_of_state_owner": N_("Out-of-state owner"),
    "high_equity": N_("High equity (50%+)"),
    "old_listing": N_("FSBO listed 90+ days"),
    "days_0_30": N_("Bought 0–30 days ago"),
    "days_31_60": N_("Bought 31–60 days ago"),
    "days_61_90": N_("Bought 61–90 days ago"),
    "has_pool": N_("Pool"),
    "large_lawn": N_("Large lawn (lot over 5,000 sqft)"),
    "old_hvac": N_("Older HVAC (built before 2000)"),
}

# The detection rules' summaries (scoring/indicators.py RULES), marked for translation: a summary
# is shown through ``rule_summary``; one not listed here (a changed constant) shows in English.
RULE_SUMMARIES: Final[tuple[str, ...]] = (
    N_("open tax certificate or tax-deed application"),
    N_("open lis pendens, not cancelled, with no sale recorded after it"),
    N_("scheduled foreclosure auction or judgment"),
    N_("open code-enforcement or building case"),
    N_("vacant land use (DOR 000, 010, 040) or an open vacancy record"),
    N_("probate filing or an estate marker in the owner name"),
    N_("matched dissolution-of-marriage case"),
    N_("heirs marker in the owner name (scores only if an admin adds the indicator)"),
    N_("mailing address outside Florida (not FL/FLORIDA), or abroad"),
    N_("estimated equity at least 50% of market value"),
    N_("active FSBO listing more than 90 days on market"),
    N_("new homeowner, sold 0–30 days ago"),
    N_("new homeowner, sold 31–60 days ago"),
    N_("new homeowner, sold 61–90 days ago"),
    N_("new homeowner; the property has a pool (from pool permit or feature records)"),
    N_("new homeowner; lot larger than 5,000 sqft"),
    N_("new homeowner; built before 2000"),
)

SOURCE_LABELS: Final[dict[str, str]] = {
    "ccviol": N_("Code enforcement case (Miami-Dade)"),
    "building_violations": N_("Building violation (Miami-Dade)"),
    "tax_collector": N_("Tax certificate (Tax Collector)"),
    "realforeclose": N_("Foreclosure auction (RealForeclose)"),
    "clerk_lis_pendens": N_("Lis pendens (Clerk's Official Records)"),
    "clerk_probate": N_("Probate filing (Clerk's Official Records)"),
    "dor_nal": N_("Tax roll (Florida DOR NAL)"),
    "nal": N_("Tax roll sale (Florida DOR NAL)"),
    "sdf": N_("Sale file (Florida DOR SDF)"),
    "pa_points": N_("Property Appraiser"),
    "pa": N_("Property Appraiser sale"),
    "permits": N_("Building permit"),
    "clerk-family-court": N_("Family court case"),
    "usps-vacancy": N_("USPS vacancy"),
    "estimate": N_("PropIntel estimate"),
}

# Detail fields of the importers (ingest/signals_kinds.py), in the order shown; money is kept as
# exact decimal text by the importers. Fields not listed are shown after these, named from the
# key. ``parcel_id`` is left out: the record is already matched to this property, and the feed's
# text can be a placeholder ("Property Appraiser").
_MONEY: Final = frozenset(
    {"face_amount", "final_judgment_amount", "assessed_value", "plaintiff_max_bid"}
)
_FIELD_LABELS: Final[dict[str, str]] = {
    "auction_type": N_("Auction type"),
    "final_judgment_amount": N_("Final judgment"),
    "plaintiff_max_bid": N_("Plaintiff's maximum bid"),
    "assessed_value": N_("Assessed value"),
    "case_type": N_("Case type"),
    "violation": N_("Violation"),
    "status_description": N_("Status"),
    "problem_description": N_("Problem"),
    "last_activity": N_("Last activity"),
    "tax_year": N_("Tax year"),
    "certificate": N_("Certificate"),
    "face_amount": N_("Face amount"),
    "certificate_buyer": N_("Certificate buyer"),
    "county_held": N_("Held by the county"),
    "doc_type": N_("Document"),
    "case_number": N_("Case number"),
    "clerk_file": N_("Clerk file number"),
    "first_party": N_("First party"),
    "second_party": N_("Second party"),
    "legal_description": N_("Legal description"),
    "permit": N_("Permit"),
    "final": N_("Final inspection"),
    "note": N_("Note"),
    "address": N_("Address on the record"),
}
_HIDDEN: Final = frozenset({"parcel_id", "case_status", "problem", "book", "page"})
VALUE_MAX_CHARS: Final = 200

PROPERTY_APPRAISER_URL: Final = "https://www.miamidade.gov/Apps/PA/propertysearch/#/?folio={folio}"
REALFORECLOSE_DAY_URL: Final = (
    "https://www.miamidade.realforeclose.com/index.cfm?zaction=AUCTION&Zmethod=PREVIEW"
    "&AUCTIONDATE={day}"
)


@dataclass(frozen=True)
class EvidenceField:
    label: str
    value: str


def lead_score(points: int | None) -> int:
    """The 0-100 lead score of ``points`` (``LEAD_SCORE_RULE``)."""
    return min(max(points or 0, 0), LEAD_SCORE_MAX)


def indicator_label(name: str, description: str | None = None) -> str:
    """A person's name for an indicator: ours, else its description, else its name in words."""
    label = INDICATOR_LABELS.get(name)
    if label:
        return _(label)
    return description or name.replace("_", " ").capitalize()


def rule_summary(summary: str | None) -> str | None:
    """How a rule detects its indicator, in the current locale (``RULE_SUMMARIES``)."""
    return _(summary) if summary else summary


def source_label(source: str) -> str:
    label = SOURCE_LABELS.get(source)
    return _(label) if label else source.replace("_", " ").replace("-", " ").capitalize()


def money(value: Any) -> str | None:
    """``$1,417,895.60`` from the importers' exact decimal text (or a number)."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    whole = amount == amount.to_integral()
    return i18n.format_currency(amount, whole=whole)


def detail_fields(detail: Mapping[str, Any] | None) -> list[EvidenceField]:
    """A record's ``detail`` as labelled, formatted fields (known ones first, empty ones out)."""
    if not detail:
        return []
    keys = [key for key in _FIELD_LABELS if key in detail]
    keys += sorted(key for key in detail if key not in _FIELD_LABELS and key not in _HIDDEN)
    fields = [_field(key, detail[key]) for key in keys]
    book, page = detail.get("book"), detail.get("page")
    if book and page:
        reference = _("book {book}, page {page}").format(book=book, page=page)
        fields.append(EvidenceField(_("Official Records"), reference))
    return [field for field in fields if field.value]


def _field(key: str, value: Any) -> EvidenceField:
    known = _FIELD_LABELS.get(key)
    label = _(known) if known else key.replace("_", " ").capitalize()
    return EvidenceField(label, _text(key, value)[:VALUE_MAX_CHARS])


def _text(key: str, value: Any) -> str:
    if value is None or value == "":
        return ""
    if key in _MONEY:
        return money(value) or str(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Mapping):  # e.g. the cancellation of a lis pendens
        return "; ".join(f"{field.label}: {field.value}" for field in detail_fields(value))
    return str(value)


def property_record_url(folio: str | None) -> str | None:
    """The property's page at the Miami-Dade Property Appraiser."""
    return PROPERTY_APPRAISER_URL.format(folio=quote(folio)) if folio else None


def record_url(source: str, recorded: date | None, folio: str | None) -> str | None:
    """Where a person can see the public record itself, when such an address exists: the
    auction day at RealForeclose, the parcel at the Property Appraiser for roll-based facts."""
    if source == "realforeclose" and recorded is not None:
        return REALFORECLOSE_DAY_URL.format(day=recorded.strftime("%m/%d/%Y"))
    if source in ("dor_nal", "pa_points"):
        return property_record_url(folio)
    return None
