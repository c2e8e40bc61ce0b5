"""Intent-signal records for one parcel: code and building violations, tax certificates,
foreclosure auctions, lis pendens, probate and generic signals (FSBO: :mod:`gen_fsbo`).

Each record is written the way its real source publishes it (DATA-SOURCES.md §5-6). Rates are per
parcel; a small share of parcels is "distressed" and collects several signals at once, as real
distress does. Records that match no parcel by construction (reserved owner names, house numbers
ending in ``00``) are counted as ``unmatched`` in the manifest.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from propintel.demo.gen_fsbo import FsboMaker
from propintel.demo.gen_parcel import Parcel, or_book
from propintel.demo.gen_people import CERT_BUYERS, PLAINTIFFS, person_name
from propintel.demo.gen_rand import pick, ri

CLERK_COLUMNS = (
    "clerk_File",
    "reC_DATE",
    "reC_BOOK",
    "reC_PAGE",
    "doC_TYPE",
    "firsT_PARTY",
    "seconD_PARTY",
    "legaL_DESCRIPTION",
    "casE_NUM",
)
CODE_COLUMNS = (
    "CASE_NUM",
    "CASE_DATE",
    "CASE_STATUS",
    "STAT_DESC",
    "ADDRESS",
    "FOLIO",
    "PROBLEM",
    "PROBLEM_DESC",
    "LAST_ACTV",
)
BUILDING_COLUMNS = ("CASE_NUM", "CASE_TYPE", "OPEN_DATE", "VIOL_NAME", "FOLIO", "ADDRESS")
TAX_COLUMNS = (
    "Account Number",
    "Tax Yr",
    "Face Amount",
    "Cert #",
    "Cert Buyer",
    "Issued Date",
    "County Held",
    "Property Address",
)
AUCTION_COLUMNS = (
    "Auction Date",
    "Auction Type",
    "Case #",
    "Final Judgment Amount",
    "Parcel ID",
    "Assessed Value",
    "Plaintiff Max Bid",
    "Address",
)
GENERIC_COLUMNS = ("folio", "signal", "recorded_date", "source", "reference", "detail")
LIS = "LIS PENDENS - LIS"
CLP = "CANCELLATION OF LIS PENDENS - CLP"
PAD = "PROBATE & ADMINISTRATION - PAD"
DCE = "DEATH CERTIFICATE (EST OF) - DCE"
GENERIC_BAD_KINDS = ("unknown_signal", "bad_date", "bad_folio")

_STATUS = (
    (2, "Closed", 45),
    (1, "Open", 30),
    (4, "Lien", 8),
    (6, "Civil", 7),
    (8, "Referred", 5),
    (9, "Active LP", 5),
)
_PROBLEMS = (
    ("VAC-UNSEC", "VACANT AND UNSECURED STRUCTURE", 8, True),
    ("UNSEC-STR", "UNSECURED STRUCTURE - BOARD UP REQUIRED", 5, True),
    ("VAC-LOT", "OVERGROWN VACANT LOT", 6, True),
    ("JUNK-TRASH", "JUNK, TRASH AND DEBRIS ON PROPERTY", 18, False),
    ("OVERGROWTH", "OVERGROWN GRASS/WEEDS OVER 12 INCHES", 16, False),
    ("INOP-VEH", "INOPERATIVE/UNTAGGED VEHICLE", 12, False),
    ("ZONING-USE", "ILLEGAL USE - ZONING VIOLATION", 10, False),
    ("NO-CU", "NO CERTIFICATE OF USE", 8, False),
    ("MIN-HOUS", "MINIMUM HOUSING STANDARDS", 9, False),
    ("POOL-MAINT", "UNMAINTAINED SWIMMING POOL", 4, False),
    ("BOAT-RV", "BOAT/RV/TRAILER PARKED ILLEGALLY", 4, False),
)
_BUILDING_CASES = (
    ("Unsafe Structure", "UNSAFE STRUCTURE - VACANT AND OPEN TO ENTRY", 25),
    ("Expired Permit", "EXPIRED PERMIT - WORK NOT FINALIZED", 35),
    ("Work Without Permit", "WORK PERFORMED WITHOUT A PERMIT", 25),
    ("Building Recertification", "40/50 YEAR RECERTIFICATION NOT SUBMITTED", 15),
)
Writer = Callable[[list[Any]], Any]


def money(x: float) -> str:
    """``1417895.6`` → ``$1,417,895.60`` (the Tax Collector's and RealForeclose's style)."""
    return f"${x:,.2f}"


def mdy(d: date) -> str:
    return f"{d.month:02d}/{d.day:02d}/{d.year}"


def epoch_ms(d: date) -> int:
    """Midnight in Miami (05:00 UTC) as ArcGIS epoch milliseconds."""
    return (d.toordinal() - 719163) * 86_400_000 + 18_000_000


def case_no(idx: int, year: int, mult: int, court: str) -> str:
    """A court case number unique per parcel index: ``2025-012345-CA-01``."""
    n = (idx * mult + 1234) % 1_000_000
    return f"{year}-{n:06d}-{court}-{1 + idx // 1_000_000 % 99:02d}"


def clerk_file(idx: int, k: int, year: int) -> str:
    """A Clerk file number (CFN) unique per parcel and document slot ``k`` (0-4 are sales)."""
    return f"{year}R{((idx * 8 + k) * 7_654_321) % 10_000_000:07d}"


class SignalMaker:
    """Writes every signal record of a parcel to the chunk's writers and counts what it wrote."""

    def __init__(
        self,
        rng: random.Random,
        today: date,
        roll_year: int,
        writers: dict[str, Writer],
        fsbo_json: Callable[[str], None],
        counts: dict[str, Counter[str]],
        uninc_share: float,
    ) -> None:
        self.rng = rng
        self.today = today
        self.roll_year = roll_year
        self.w = writers
        self.c = counts
        self.code_p = 0.03 / uninc_share
        self.fsbo = FsboMaker(rng, today, writers["fsbo.csv"], fsbo_json, counts)

    def _days_ago(self, lo: int, hi: int) -> date:
        return self.today - timedelta(days=ri(self.rng, lo, hi))

    def emit(self, p: Parcel) -> None:
        """All signals of one (good) parcel."""
        rnd = self.rng.random
        boost = 8.0 if p.distressed else 0.9
        taxed = p.owner.kind != "government"  # public land: no taxes, liens or foreclosures
        auction = ""
        if taxed and rnd() < 0.005 * boost:
            auction = "TAXDEED" if rnd() < 0.15 else "FORECLOSURE"
        if p.region.code == "30" and rnd() < self.code_p * boost:
            self.code_violations(p)
        if rnd() < 0.01 * boost:
            self.building_violation(p)
        if auction == "TAXDEED" or (taxed and rnd() < 0.02 * boost):
            self.tax_certificates(p, old=auction == "TAXDEED")
        case = self.lis_pendens_for(p, boost, auction) if taxed else None
        if auction:
            self.auction(p, auction, case)
        self.probate(p)
        self.generic(p, boost)
        if p.kind in ("sfr", "condo", "multi", "mobile") and rnd() < 0.0089:
            self.fsbo.emit(p)

    # --- code enforcement -------------------------------------------------------------------
    def code_violations(self, p: Parcel) -> None:
        c = self.c["code_violations.csv"]
        c["parcels"] += 1
        n = self.rng.choices((1, 2, 3), (70, 22, 8))[0]
        for k in range(n):
            status, desc, _ = self.rng.choices(_STATUS, [s[2] for s in _STATUS])[0]
            weights = [pr[2] * (3 if pr[3] and p.kind == "vacant" else 1) for pr in _PROBLEMS]
            code, pdesc, _, vacant = self.rng.choices(_PROBLEMS, weights)[0]
            opened = self._days_ago(5, 6 * 365)
            last = min(self.today, opened + timedelta(days=ri(self.rng, 0, 500)))
            f = p.folio
            folio = f"{f[:2]} {f[2:6]} {f[6:9]} {f[9:]}" if self.rng.random() < 0.6 else f"{f}   "
            num = f"{opened.year}{((p.idx * 4 + k) * 314_159) % 10_000_000:07d}"
            self.w["code_violations.csv"](
                [
                    num,
                    epoch_ms(opened),
                    status,
                    desc,
                    self._situs(p),
                    folio,
                    code,
                    pdesc,
                    epoch_ms(last),
                ]
            )
            c["rows"] += 1
            c["open"] += status != 2
            c["vacant_unsecured"] += vacant

    def building_violation(self, p: Parcel) -> None:
        typ, viol, _ = self.rng.choices(_BUILDING_CASES, [b[2] for b in _BUILDING_CASES])[0]
        opened = self._days_ago(5, 4 * 365)
        num = f"BV{opened.year % 100:02d}{(p.idx * 2_718_281) % 10_000_000:07d}"
        self.w["building_violations.csv"]([num, typ, mdy(opened), viol, p.dashed, self._situs(p)])
        c = self.c["building_violations.csv"]
        c["rows"] += 1
        c["unsafe_structure"] += typ == "Unsafe Structure"

    def _situs(self, p: Parcel) -> str:
        return f"{p.street} {p.unit}" if p.unit else p.street

    # --- tax certificates -----------------------------------------------------------------
    def tax_certificates(self, p: Parcel, old: bool) -> None:
        c = self.c["tax_certificates.csv"]
        before = c["rows"]
        years = ri(self.rng, 3, 6) if old else self.rng.choices((1, 2, 3), (65, 25, 10))[0]
        taxable = max(p.av - (50_000 if p.homestead else 0), 20_000)
        for k in range(years):
            tax_year = self.roll_year - 1 - k
            issued = date(tax_year + 1, 6, 1) + timedelta(days=ri(self.rng, 0, 5))
            if issued > self.today:
                continue
            face = taxable * 0.0205 * self.rng.uniform(0.9, 1.1)
            held = self.rng.random() < (0.35 if old else 0.08)
            buyer = "MIAMI-DADE COUNTY" if held else pick(self.rng, CERT_BUYERS)
            cert = f"{((p.idx * 8 + k) * 2_718_281) % 10_000_000:07d}"
            self.w["tax_certificates.csv"](
                [
                    p.folio,
                    tax_year,
                    money(face),
                    cert,
                    buyer,
                    mdy(issued),
                    "Y" if held else "N",
                    f"{self._situs(p)}, {p.city} {p.zip}",
                ]
            )
            c["rows"] += 1
            c["county_held"] += held
        c["parcels"] += c["rows"] > before

    # --- foreclosure --------------------------------------------------------------------------
    def auction(self, p: Parcel, kind: str, case: str | None) -> None:
        """A RealForeclose auction row; a foreclosure shares its lis pendens' case number."""
        rnd = self.rng.random
        upcoming = rnd() < 0.75
        when = (
            self.today + timedelta(days=ri(self.rng, 1, 46)) if upcoming else self._days_ago(1, 61)
        )
        if case is None:
            filed = when - timedelta(days=ri(self.rng, 200, 900))
            case = case_no(p.idx, filed.year, 7919, "CA")
        if kind == "TAXDEED":
            case = f"{when.year - ri(self.rng, 0, 2)}A{(p.idx * 7919 + 17) % 1_000_000:06d}"
            judgment = self.rng.uniform(2_000, 25_000)
        else:
            judgment = max(20_000.0, p.av * self.rng.uniform(0.3, 1.3))
        placeholder = rnd() < 0.08
        hidden = rnd() < 0.75
        bid = "Hidden" if hidden else money(judgment * pick(self.rng, (1.0, 1.0, 0.8, 0.65)))
        unit = f" {p.unit}" if p.unit else ""
        self.w["foreclosure_auctions.csv"](
            [
                mdy(when),
                kind,
                case,
                money(judgment),
                "Property Appraiser" if placeholder else p.dashed,
                "" if placeholder else money(p.av),
                bid,
                f"{p.street_nal}{unit}, {p.city}, FL- {p.zip}",
            ]
        )
        c = self.c["foreclosure_auctions.csv"]
        c["rows"] += 1
        c["placeholders"] += placeholder
        c["foreclosure" if kind == "FORECLOSURE" else "taxdeed"] += 1
        c["upcoming"] += upcoming
        c["hidden_max_bid"] += hidden

    # --- clerk records ----------------------------------------------------------------------
    def lis_pendens_for(self, p: Parcel, boost: float, auction: str) -> str | None:
        """A lis pendens (and maybe its cancellation); returns its case number if one was filed."""
        rnd = self.rng.random
        last = p.last_sale
        recent_distress = (
            last is not None
            and (self.today - last.when).days <= 365
            and last.qual in ("11", "12", "19", "38")
        )
        cancellable = True
        if auction == "FORECLOSURE" and rnd() < 0.7:
            when = self._days_ago(200, 900)
            resolved, cancellable = False, False
        elif recent_distress and last is not None and rnd() < 0.25:
            when = last.when - timedelta(days=ri(self.rng, 60, 500))
            resolved = True
        elif rnd() < 0.0115 * boost:
            when = self._days_ago(10, 900)
            resolved = last is not None and last.when > when
        else:
            return None
        case = case_no(p.idx, when.year, 7919, "CA")
        self._write_lis(p, when, case, resolved, cancellable)
        return case

    def _write_lis(
        self, p: Parcel, when: date, case: str, resolved: bool, cancellable: bool
    ) -> None:
        rnd = self.rng.random
        c = self.c["lis_pendens.csv"]
        r = rnd()
        if r < 0.05:
            owner = _unmatched_owner(self.rng)
            legal = f"UNRECORDED {p.subdivision} PB 999-{p.idx % 99 + 1} LOT {p.hn % 100} BLK 0"
            c["unmatched"] += 1
        else:
            owner = p.owner.name
            legal = p.legal if r < 0.82 else reformat_legal(p)
            c["legal_exact" if r < 0.82 else "legal_reformatted"] += 1
            c["resolved_by_later_sale"] += resolved
        plaintiff = self._plaintiff(p)
        self._clerk_row("lis_pendens.csv", p, 5, when, LIS, plaintiff, owner, legal, case)
        c["lis"] += 1
        cancelled = cancellable and rnd() < 0.25
        gone = self.today - when
        if cancelled and gone.days > 30:
            later = when + timedelta(days=ri(self.rng, 30, min(400, gone.days) + 1))
            self._clerk_row("lis_pendens.csv", p, 6, later, CLP, plaintiff, owner, legal, case)
            c["cancellations"] += 1
        elif r >= 0.05 and not resolved:
            c["active"] += 1

    def _plaintiff(self, p: Parcel) -> str:
        if self.rng.random() < 0.8:
            return pick(self.rng, PLAINTIFFS)
        kind = "CONDOMINIUM" if p.kind == "condo" else "HOMEOWNERS"
        return f"{p.subdivision.removesuffix(' CONDO')} {kind} ASSOCIATION INC"

    def _clerk_row(
        self,
        name: str,
        p: Parcel,
        k: int,
        when: date,
        doc: str,
        first: str,
        second: str,
        legal: str,
        case: str,
    ) -> None:
        book = or_book(when) + ri(self.rng, 0, 20)
        self.w[name](
            [
                clerk_file(p.idx, k, when.year),
                mdy(when),
                book,
                ri(self.rng, 1, 5000),
                doc,
                first,
                second,
                legal,
                case,
            ]
        )
        self.c[name]["rows"] += 1

    def probate(self, p: Parcel) -> None:
        """A probate filing for a deceased owner (more likely when the roll already says EST)."""
        kind = p.owner.kind
        if kind not in ("person", "couple", "estate", "heirs", "life_estate", "trust"):
            return
        if self.rng.random() >= (0.15 if kind in ("estate", "heirs") else 0.0055):
            return
        c = self.c["probate.csv"]
        if self.rng.random() < 0.05:
            last, first, mi = person_name(self.rng, reserved=True)
            decedent = f"{last} {first} {mi}".strip()
            c["unmatched"] += 1
        else:
            decedent = p.owner.base
        dce = self.rng.random() < 0.3
        when = self._days_ago(5, 700)
        rep = "" if dce else " ".join(person_name(self.rng)[:2])
        legal = p.legal if self.rng.random() < 0.6 else ""
        case = case_no(p.idx, when.year, 7537, "CP")
        self._clerk_row(
            "probate.csv", p, 7, when, DCE if dce else PAD, f"EST OF {decedent}", rep, legal, case
        )
        c["dce" if dce else "pad"] += 1

    # --- generic signals --------------------------------------------------------------------
    def generic(self, p: Parcel, boost: float) -> None:
        rnd = self.rng.random
        folio = p.folio if rnd() < 0.7 else p.dashed
        if p.owner.kind in ("person", "couple") and rnd() < 0.0065 * boost:
            when = self._days_ago(3, 500)
            self._signal(
                folio,
                "divorce",
                when,
                "clerk-family-court",
                case_no(p.idx, when.year, 6007, "FC"),
                "DISSOLUTION OF MARRIAGE",
            )
        if p.kind == "sfr" and rnd() < 0.18:
            start = max(p.year, 1970)
            when = date(
                ri(self.rng, start, self.today.year + 1),
                ri(self.rng, 1, 13),
                ri(self.rng, 1, 29),
            )
            when = min(when, self.today)
            self._signal(
                folio,
                "pool",
                when,
                "permits",
                f"B{when.year}{p.idx % 1_000_000:06d}",
                "SWIMMING POOL - RESIDENTIAL (FINAL)",
            )
        if p.year and rnd() < 0.005 * boost:
            when = self._days_ago(20, 400)
            q = (when.month - 1) // 3 + 1
            self._signal(
                folio,
                "vacant",
                when,
                "usps-vacancy",
                f"USPS-{when.year}Q{q}-{p.folio}",
                pick(self.rng, ("NO-STAT 90+ DAYS", "VACANT 6+ MONTHS")),
            )

    def _signal(
        self, folio: str, signal: str, when: date, source: str, ref: str, detail: str
    ) -> None:
        self.w["generic_signals.csv"]([folio, signal, when.isoformat(), source, ref, detail])
        c = self.c["generic_signals.csv"]
        c["rows"] += 1
        c[f"signal.{signal}"] += 1

    def generic_bad(self, p: Parcel, kind: str) -> None:
        """A deliberately bad generic-signal row (counted, never silently valid)."""
        when = self._days_ago(1, 300).isoformat()
        row = [p.folio, "vacant", when, "usps-vacancy", "USPS-BAD", "bad row for import tests"]
        if kind == "unknown_signal":
            row[1] = "hot_tub"
        elif kind == "bad_date":
            row[2] = f"{self.today.year}-02-30" if self.rng.random() < 0.5 else "13/45/2025"
        else:
            row[0] = p.folio[:5]
        self.w["generic_signals.csv"](row)
        c = self.c["generic_signals.csv"]
        c["rows"] += 1
        c[f"bad_rows.{kind}"] += 1


def _unmatched_owner(rng: random.Random) -> str:
    last, first, mi = person_name(rng, reserved=True)
    return f"{last} {first} {mi}".strip()


def reformat_legal(p: Parcel) -> str:
    """The parcel's legal description as another clerk would type it."""
    parts = p.legal_parts
    if parts[0] == "condo":
        _, name, unit, book, page = parts
        return f"UNIT {unit} OF {name}OMINIUM, OR BOOK {book} PAGE {page}"
    _, name, pb, pg, lot, blk = parts
    return f"LOT {lot}, BLOCK {blk}, {name}, PLAT BOOK {pb}, PAGE {pg}"
