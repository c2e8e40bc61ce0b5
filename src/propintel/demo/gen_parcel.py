"""One synthetic parcel: location, land use, values, owner, mailing address and sales history.

:class:`ParcelFactory` builds parcels one at a time from a seeded ``random.Random``; nothing about
earlier parcels is kept except a few counters per region (address slots, the condo building being
filled), so memory does not grow with the number of parcels.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate
from typing import Generic, TypeVar

from propintel.demo.gen_geo import Line, Region, township_range_section
from propintel.demo.gen_people import Mailing, Owner, fl_state, make_owner, other_mailing
from propintel.demo.gen_rand import pick, ri
from propintel.demo.gen_regions import regions
from propintel.demo.gen_tables import (
    CONDO_WORDS,
    DECADES,
    HPI,
    IMPROVED_RESIDENTIAL,
    OR_BOOK,
    OWNER_RESIDENTIAL,
    PRICE_FACTOR,
    PROFILES,
    QUAL_HIST,
    QUAL_RECENT,
    RECENT_BOUNDARIES,
    RESIDENTIAL_USES,
    SUBDIV_A,
    SUBDIV_B,
    USES,
)

T = TypeVar("T")


@dataclass(slots=True)
class Sale:
    """One sale: exact day (the PA's DOS_1 has it; the DOR files keep only year and month)."""

    when: date
    price: int
    qual: str
    vi: str
    book: int
    page: int
    clerk_no: str


@dataclass(slots=True)
class Building:
    """The condo building a region is filling: units share its address and point."""

    line_no: int
    hn: int
    lat: float
    lon: float
    zip: str
    name: str
    slot_j: int
    per_floor: int
    floors: int
    style: int
    next_unit: int = 0


@dataclass(slots=True)
class Parcel:
    """Everything the writers need about one parcel."""

    idx: int
    folio: str
    region: Region
    line_no: int
    hn: int
    unit: str
    lat: float
    lon: float
    zip: str
    twp: int
    rng: int
    sec: int
    dor_uc: str
    kind: str
    ordinal_style: bool = False
    jv: int = 0
    av: int = 0
    land: int = 0
    lot: int = 0
    living: int = 0
    year: int = 0
    eff_year: int = 0
    beds: int = 0
    baths: int = 0
    half: int = 0
    floors: int = 0
    units: int = 0
    homestead: bool = False
    owner: Owner = field(default_factory=lambda: Owner("", "", "", "", ()))
    mail: Mailing = field(default_factory=lambda: Mailing("", "", "", "", "", "", ""))
    sales: list[Sale] = field(default_factory=list)
    subdivision: str = ""
    legal_parts: tuple[str, ...] = ()
    legal: str = ""
    distressed: bool = False
    bad: str = ""
    short_folio: bool = False
    parent_folio: str = ""

    @property
    def line(self) -> Line:
        return self.region.lines[self.line_no]

    @property
    def street(self) -> str:
        """The situs line the Property Appraiser way: ``17143 SW 79 PL``."""
        return f"{self.hn} {self.line.plain}"

    @property
    def street_nal(self) -> str:
        """The situs line as this parcel's NAL row writes it (ordinal suffixes for some)."""
        return f"{self.hn} {self.line.ordinal if self.ordinal_style else self.line.plain}"

    @property
    def dashed(self) -> str:
        f = self.folio
        return f"{f[:2]}-{f[2:6]}-{f[6:9]}-{f[9:]}"

    @property
    def city(self) -> str:
        return self.region.city

    @property
    def residential(self) -> bool:
        return self.dor_uc in RESIDENTIAL_USES

    @property
    def last_sale(self) -> Sale | None:
        return self.sales[0] if self.sales else None


def interp(x: float, table: tuple[tuple[int, float], ...]) -> float:
    """Piecewise-linear lookup in a (year, value) table."""
    i = bisect_right(table, x, key=lambda t: t[0])
    if i == 0:
        return table[0][1]
    if i >= len(table):
        return table[-1][1]
    (x0, y0), (x1, y1) = table[i - 1], table[i]
    return y0 + (y1 - y0) * (x - x0) / (x1 - x0)


@cache
def hpi(year: int, month: int = 1) -> float:
    """Price level of a month relative to today's (1.0)."""
    return interp(year + (month - 1) / 12, HPI)


@cache
def _or_book(year: int, month: int) -> int:
    return int(interp(year + (month - 1) / 12, OR_BOOK))


def or_book(when: date) -> int:
    """The Official Records book being filled in a month."""
    return _or_book(when.year, when.month)


class _Weighted(Generic[T]):
    """Fast weighted choice: cumulative weights + bisect."""

    def __init__(self, weights: Mapping[T, float]) -> None:
        self.keys = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def pick(self, r: float) -> T:
        return self.keys[bisect_right(self.cum, r * self.total)]


def folio_for(idx: int, muni: str, twp: int, rng: int, sec: int) -> str:
    """A 13-digit folio, unique per parcel index below 10,000,000 (the last 7 digits say so)."""
    v = (idx % 1_000_000 * 387_413 + 19_937) % 1_000_000
    return (
        f"{muni}{twp - 50}{rng % 10}{sec:02d}{v // 1000:03d}{v % 1000:03d}{idx // 1_000_000 % 10}"
    )


class ParcelFactory:
    """Builds parcels for one chunk; see the module docstring for what it remembers."""

    HOMESTEAD_P = 0.60
    OOS_P = 0.155
    FOREIGN_P = 0.02

    def __init__(self, rng: random.Random, today: date, roll_year: int, chunk: int, chunks: int):
        self.rng = rng
        self.today = today
        self.roll_year = roll_year
        self.chunk = chunk
        self.chunks = chunks
        self.regions = regions()
        self.region_pick = _Weighted({i: r.weight for i, r in enumerate(self.regions)})
        self.decades = _Weighted(DECADES)
        self.profiles = {k: _Weighted(v) for k, v in PROFILES.items()}
        self.owner_kinds = _Weighted(OWNER_RESIDENTIAL)
        self.qual_hist = _Weighted(QUAL_HIST)
        self.qual_recent = _Weighted(QUAL_RECENT)
        self.used = [0] * len(self.regions)
        self.buildings: dict[int, Building] = {}
        self.line_ids = _line_ids(self.regions)
        self.address_reuse = 0

    # --- location -------------------------------------------------------------------------
    def _slot(self, reg: Region) -> tuple[int, int, float, float, int]:
        j = self.used[reg.index] * self.chunks + self.chunk
        self.used[reg.index] += 1
        if j >= reg.total:
            self.address_reuse += 1
        line_no, hn, lat, lon = reg.slot(j)
        return line_no, hn, lat, lon, j

    def _condo_unit(self, reg: Region) -> tuple[Building, str]:
        b = self.buildings.get(reg.index)
        if b is None or b.next_unit >= b.per_floor * b.floors or self.rng.random() < 0.08:
            line_no, hn, lat, lon, j = self._slot(reg)
            name = " ".join(self.rng.sample(CONDO_WORDS, 2))
            floors = pick(self.rng, (2, 3, 4, 6, 12, 18, 25, 40))
            b = Building(
                line_no,
                hn,
                lat,
                lon,
                reg.zip_for(lat, lon),
                name,
                j,
                ri(self.rng, 4, 13),
                floors,
                ri(self.rng, 0, 4),
            )
            self.buildings[reg.index] = b
        n = b.next_unit
        b.next_unit += 1
        floor, k = 1 + n // b.per_floor, 1 + n % b.per_floor
        unit = (
            f"{floor}{k:02d}",
            f"{floor}-{chr(64 + k)}",
            f"{floor}{chr(64 + k)}",
            f"{floor}{k:02d}",
        )[b.style]
        return b, unit

    def make(self, idx: int) -> Parcel:
        """The parcel with global index ``idx`` (the factory's rng decides everything else)."""
        rnd = self.rng.random
        reg = self.regions[self.region_pick.pick(rnd())]
        dor = self.profiles[reg.profile].pick(rnd())
        kind = USES[dor][2]
        unit, b = "", None
        if kind == "condo":
            b, unit = self._condo_unit(reg)
            line_no, hn, lat, lon, zip5 = b.line_no, b.hn, b.lat, b.lon, b.zip
        else:
            line_no, hn, lat, lon, _ = self._slot(reg)
            zip5 = reg.zip_for(lat, lon)
        twp, rng_, sec = township_range_section(lat, lon)
        p = Parcel(
            idx,
            folio_for(idx, reg.code, twp, rng_, sec),
            reg,
            line_no,
            hn,
            unit,
            lat,
            lon,
            zip5,
            twp,
            rng_,
            sec,
            dor,
            kind,
            ordinal_style=rnd() < 0.3,
        )
        if b is not None:
            p.parent_folio = f"{p.folio[:6]}{b.slot_j % 1000:03d}0000"
        self._values(p)
        self._legal(p, b)
        self._owner(p)
        p.sales = self._sales(p)
        self._assessed(p)
        p.distressed = rnd() < 0.015
        return p

    # --- values ---------------------------------------------------------------------------
    def _ln(self, median: float, sigma: float) -> float:
        return median * math.exp(self.rng.gauss(0.0, sigma))

    def _values(self, p: Parcel) -> None:
        rnd, v = self.rng.random, p.region.value
        k = p.kind
        if k == "sfr":
            big = 1.8 if p.region.profile == "estate" else 1.0
            p.living = int(min(12000, max(650, self._ln(1750 * big, 0.35))))
            p.jv = int(p.living * 355 * v * self._ln(1.0, 0.25))
            p.lot = self._sfr_lot(big)
            p.beds = max(1, min(7, round(p.living / 600) + pick(self.rng, (-1, 0, 0, 1))))
            p.baths = max(1, min(6, p.beds - pick(self.rng, (0, 1, 1))))
            p.half = 1 if rnd() < 0.3 else 0
            p.floors = 2 if rnd() < 0.25 else 1
            p.units = 1
            p.year = self._year_built(1925)
        elif k == "condo":
            p.living = int(min(6000, max(380, self._ln(1050, 0.4))))
            p.jv = int(p.living * 296 * v * self._ln(1.0, 0.3))
            p.beds = max(0, min(4, round(p.living / 550) - (1 if rnd() < 0.2 else 0)))
            p.baths = max(1, min(4, p.beds))
            p.half = 1 if rnd() < 0.15 else 0
            p.floors = self.buildings[p.region.index].floors
            p.units = 1
            p.year = self._year_built(1955)
        else:
            self._other_values(p)
        p.land = int(p.jv * (0.0 if k == "condo" else self.rng.uniform(0.25, 0.6)))
        if k in ("vacant", "other") or (k == "government" and p.living == 0):
            p.land = p.jv
        p.eff_year = (
            p.year
            if not p.year or rnd() < 0.5
            else min(self.roll_year - 1, p.year + ri(self.rng, 0, 26))
        )

    def _sfr_lot(self, big: float) -> int:
        r = self.rng.random()
        if r < 0.08:
            return 5000
        if r < 0.70:
            return int(ri(self.rng, 5001, 10001) * big)
        if r < 0.84:
            return ri(self.rng, 3500, 5000)
        return ri(self.rng, 10001, 43561)

    def _year_built(self, earliest: int) -> int:
        r = self.rng.random()
        if r < 0.025:
            return 1999
        if r < 0.05:
            return 2000
        decade = self.decades.pick(self.rng.random())
        return max(earliest, min(self.roll_year - 1, decade + ri(self.rng, 0, 10)))

    def _other_values(self, p: Parcel) -> None:
        v, d = p.region.value, p.dor_uc
        k = p.kind
        if k == "multi":
            p.units = ri(self.rng, 2, 10)
            p.living = int(p.units * self._ln(900, 0.2))
            p.jv = int(p.living * 260 * v * self._ln(1.0, 0.3))
            p.lot, p.floors = ri(self.rng, 5000, 15000), pick(self.rng, (1, 2, 2, 3))
            p.beds, p.baths = p.units * 2, p.units
            p.year = self._year_built(1925)
        elif k == "apartments":
            p.units = ri(self.rng, 10, 150)
            p.living = int(p.units * self._ln(850, 0.2))
            p.jv = int(p.units * 190_000 * v * self._ln(1.0, 0.3))
            p.lot, p.floors = ri(self.rng, 15000, 120000), pick(self.rng, (2, 3, 4, 8, 15))
            p.year = self._year_built(1940)
        elif k == "mobile":
            p.living, p.units, p.floors = ri(self.rng, 700, 1600), 1, 1
            p.jv = int(self._ln(115_000, 0.3))
            p.lot, p.beds, p.baths = ri(self.rng, 2500, 6000), 2, 1
            p.year = self._year_built(1955)
        elif k in ("vacant", "other"):
            p.lot = int(self._ln(7500 if d == "000" else 30000, 0.5))
            p.jv = int(p.lot * (25 if d == "000" else 40) * v * self._ln(1.0, 0.4))
        else:  # commercial, industrial, institutional, government
            area_med = {"commercial": 6000, "industrial": 20000}.get(k, 12000)
            vacant_gov = d in ("080", "082", "094")
            p.living = 0 if vacant_gov else int(max(800, self._ln(area_med, 0.8)))
            p.lot = int(max(5000, self._ln(max(area_med * 3, 15000), 0.7)))
            p.jv = int((p.living * 220 + p.lot * 30) * v * self._ln(1.0, 0.4))
            p.floors = 0 if vacant_gov else pick(self.rng, (1, 1, 2, 3))
            p.year = 0 if vacant_gov else self._year_built(1930)
        p.jv = max(p.jv, 5000)

    # --- legal description ----------------------------------------------------------------
    def _legal(self, p: Parcel, b: Building | None) -> None:
        rnd = self.rng.random
        if b is not None:
            book = 20000 + p.region.index * 1000 + b.slot_j // 4000
            page = b.slot_j % 4000 + 1
            pct = 100.0 / (b.per_floor * b.floors)
            p.subdivision = f"{b.name} CONDO"
            p.legal_parts = ("condo", p.subdivision, p.unit, str(book), str(page))
            p.legal = (
                f"{p.subdivision} UNIT {p.unit} UNDIV {pct:.4f}% INT IN COMMON ELEMENTS"
                f" OFF REC {book}-{page}"
            )
            return
        cell = int((p.lat - 25.0) * 150) * 1000 + int((p.lon + 81.0) * 150)
        h = (cell * 2654435761 + p.region.index * 97) % 1_000_003
        first, second = SUBDIV_A[h % len(SUBDIV_A)], SUBDIV_B[(h // 31) % len(SUBDIV_B)]
        p.subdivision = f"{first} SUB" if second.split()[0] in first else f"{first} {second}"
        lid = self.line_ids[p.region.index] + p.line_no
        pb, pg = 1 + lid // 99, 1 + lid % 99
        lot, blk = (p.hn % 100), (p.hn // 100)
        p.legal_parts = ("plat", p.subdivision, str(pb), str(pg), str(lot), str(blk))
        core = f"{p.subdivision} PB {pb}-{pg} LOT {lot} BLK {blk}"
        r = rnd()
        if r < 0.3:
            core = f"{p.sec} {p.twp} {p.rng} {core}"
        elif r < 0.6:
            core = f"{p.subdivision} PB {pb}-{pg}, LOT {lot} BLK {blk}"
        if rnd() < 0.35 and p.lot:
            core += f", LOT SIZE {p.lot // 100}.000 X 100"
        if rnd() < 0.2:
            core += f", OR {ri(self.rng, 10000, 34000)}-{ri(self.rng, 1, 4999)}"
        p.legal = core

    # --- owner and mailing ----------------------------------------------------------------
    def _owner(self, p: Parcel) -> None:
        rnd = self.rng.random
        if p.kind == "government":
            p.owner = make_owner(self.rng, "government", _gov_name(p))
        elif p.residential:
            kind = self.owner_kinds.pick(rnd())
            if p.kind == "condo" and kind in ("person", "couple") and rnd() < 0.12:
                kind = "company"
            if p.kind == "apartments":
                kind = "company" if rnd() < 0.85 else "trust"
            p.owner = make_owner(self.rng, kind)
        else:
            r = rnd()
            p.owner = make_owner(
                self.rng, "company" if r < 0.85 else "trust" if r < 0.95 else "person"
            )
        eligible = p.dor_uc in IMPROVED_RESIDENTIAL and p.owner.kind not in (
            "company",
            "government",
        )
        p.homestead = eligible and rnd() < self.HOMESTEAD_P
        p.mail = self._mailing(p)

    def _mailing(self, p: Parcel) -> Mailing:
        rnd = self.rng.random
        if p.owner.kind == "government":
            return Mailing("111 NW 1 ST", "", "MIAMI", "FL", "33128", "USA", "florida")
        if not p.homestead:
            r = rnd()
            if r < self.OOS_P:
                return other_mailing(self.rng, "out_of_state")
            if r < self.OOS_P + self.FOREIGN_P:
                return other_mailing(self.rng, "foreign")
            if r > 0.55:
                return other_mailing(self.rng, "florida")
        addr = f"{p.street} {p.unit}" if p.unit else p.street
        if p.owner.kind == "company" and rnd() < 0.3:
            manager = f"C/O {pick(self.rng, CONDO_WORDS)} PROPERTY MGMT"
            return Mailing(manager, addr, p.city, fl_state(self.rng), p.zip, "USA", "situs")
        return Mailing(addr, "", p.city, fl_state(self.rng), p.zip, "USA", "situs")

    # --- sales ----------------------------------------------------------------------------
    def _sales(self, p: Parcel) -> list[Sale]:
        rnd = self.rng.random
        if rnd() < (0.5 if p.kind == "government" else 0.07):
            return []
        recent = rnd() < (0.066 if p.residential else 0.03)
        days = self._recent_days() if recent else 366 + int(self.rng.expovariate(1 / 3300))
        when = self._clamp(self.today - timedelta(days=days))
        sales = [self._sale(p, when, 0, recent)]
        count = 1
        if rnd() < 0.6:
            r = rnd()
            count = 2 + (r >= 0.4) + (r >= 0.7) + (r >= 0.9)
        for k in range(1, count):
            when -= timedelta(days=180 + int(self.rng.expovariate(1 / 2500)))
            if when.year < 1962:
                break
            sales.append(self._sale(p, when, k, False))
        return sales

    def _recent_days(self) -> int:
        r = self.rng.random()
        if r < 0.04:
            return pick(self.rng, RECENT_BOUNDARIES)
        if r < 0.16:
            return ri(self.rng, 0, 31)
        if r < 0.26:
            return ri(self.rng, 31, 61)
        if r < 0.36:
            return ri(self.rng, 61, 91)
        return ri(self.rng, 91, 365)

    def _clamp(self, when: date) -> date:
        if when.year >= 1962:
            return when
        return date(1962 + ri(self.rng, 0, 8), when.month, min(when.day, 28))

    def _sale(self, p: Parcel, when: date, k: int, recent: bool) -> Sale:
        rnd = self.rng.random
        qual = (self.qual_recent if recent and p.residential else self.qual_hist).pick(rnd())
        market = p.jv * hpi(when.year, when.month) / hpi(self.roll_year) * self._ln(1, 0.1)
        if qual in ("11", "30") and rnd() < 0.6:
            price = pick(self.rng, (10, 100, 100, 0))
        elif qual in ("11", "30"):
            price = int(market * 0.5)
        else:
            price = int(market * PRICE_FACTOR.get(qual, 1.0))
            price = round(price, -3 if rnd() < 0.5 else -2)
        vi = "V" if p.year == 0 or when.year < p.year else "I"
        n = ((p.idx * 8 + k) * 7_654_321) % 10_000_000
        clerk = f"{when.year}{n:07d}" if when.year >= 1996 else ""
        book, page = or_book(when) + ri(self.rng, 0, 20), ri(self.rng, 1, 5000)
        return Sale(when, max(0, price), qual, vi, book, page, clerk)

    def _assessed(self, p: Parcel) -> None:
        last = p.last_sale
        years = self.roll_year - last.when.year if last else 25
        if p.owner.kind == "government":
            p.av = p.jv
        elif p.homestead:
            p.av = int(p.jv * max(0.35, 1 - 0.035 * years))
        else:
            p.av = int(p.jv * max(0.6, 1 - 0.015 * years))


def _gov_name(p: Parcel) -> str:
    if p.dor_uc == "083":
        return "MIAMI-DADE COUNTY SCHOOL BOARD"
    if p.dor_uc == "094":
        return "STATE OF FLORIDA DOT"
    if p.region.code == "30" or p.dor_uc == "086":
        return "MIAMI-DADE COUNTY"
    return f"CITY OF {p.region.city}"


def _line_ids(regs: tuple[Region, ...]) -> list[int]:
    """First plat id of each region's lines, so (region, line) ↦ plat book-page is injective."""
    out, total = [], 0
    for reg in regs:
        out.append(total)
        total += len(reg.lines)
    return out
