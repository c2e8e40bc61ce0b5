"""Synthetic Miami-Dade geography: municipalities, zip codes, street grids, addresses, coordinates.

Every parcel sits on an address *slot*: a (street line, block, house offset) triple inside one
region (a municipality, or one part of unincorporated Miami-Dade). Coordinates are derived from the
slot, so addresses and points agree (``17143 SW 79 PL`` really lies near SW 171 St and SW 79 Ave),
and slots are handed out by a bijection, so two parcels never share a street address.

Guarantees the rest of the generator relies on:

* regions on the county grid never overlap, and two lines with the same name in different regions
  cover disjoint house-number ranges: a street address is unique county-wide (a region that runs
  out of slots wraps around, which is counted as ``address_reuse`` in the manifest);
* house numbers never end in ``00`` or ``99`` (offsets are 1-98), so an address built with a
  ``…00`` house number matches no parcel by construction;
* mainland points stay west of the Biscayne Bay shoreline; only the islands (Miami Beach,
  Surfside, Bal Harbour, Bay Harbor Islands, Indian Creek, Sunny Isles Beach, Golden Beach,
  North Bay Village, Key Biscayne) lie east of it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import pairwise

FLAGLER_LAT = 25.7743  # Flagler St: the county grid's north/south divide
MIAMI_AVE_LON = -80.1937  # Miami Ave: the county grid's east/west divide
DY_S = 0.00100  # degrees of latitude per street number south of Flagler St
DY_N = 0.00093  # ... and north of it (streets are a little closer together up north)
DX = 0.00164  # degrees of longitude per avenue number
OFFSETS = 98  # house offsets 1..98 within a block: numbers never end in 00 or 99
COAST_MARGIN = 0.003
BOUNDS = (25.43, 25.98, -80.45, -80.12)  # lat_min, lat_max, lon_min, lon_max

# The mainland's Biscayne Bay shoreline (lat, lon), south to north, strictly increasing in both.
_COAST = (
    (25.40, -80.380),
    (25.43, -80.370),
    (25.46, -80.360),
    (25.50, -80.350),
    (25.54, -80.340),
    (25.57, -80.325),
    (25.60, -80.310),
    (25.63, -80.295),
    (25.66, -80.275),
    (25.69, -80.260),
    (25.71, -80.245),
    (25.73, -80.228),
    (25.75, -80.205),
    (25.77, -80.187),
    (25.80, -80.185),
    (25.85, -80.178),
    (25.87, -80.160),
    (25.90, -80.155),
    (25.93, -80.140),
    (26.00, -80.120),
)

EW_TYPES = (("ST", 0.0), ("TER", 0.33), ("LN", 0.66))
NS_TYPES = (("AVE", 0.0), ("CT", 0.33), ("PL", 0.66))
_TITLE_WORDS = {"NW", "NE", "SW", "SE", "N", "S", "E", "W", "II", "III"}


def coast_lon(lat: float) -> float:
    """Longitude of the mainland shoreline at a latitude (linear between known points)."""
    return _interp(lat, _COAST, 0, 1)


def coast_lat(lon: float) -> float:
    """Latitude where the shoreline reaches a longitude (inverse of :func:`coast_lon`)."""
    return _interp(lon, _COAST, 1, 0)


def _interp(x: float, table: tuple[tuple[float, float], ...], xi: int, yi: int) -> float:
    if x <= table[0][xi]:
        return table[0][yi]
    for a, b in pairwise(table):
        if x <= b[xi]:
            t = (x - a[xi]) / (b[xi] - a[xi])
            return a[yi] + t * (b[yi] - a[yi])
    return table[-1][yi]


def ordinal(n: int) -> str:
    """``1`` → ``1ST``, ``12`` → ``12TH``, ``23`` → ``23RD``."""
    if 10 <= n % 100 <= 20:
        return f"{n}TH"
    return f"{n}{ {1: 'ST', 2: 'ND', 3: 'RD'}.get(n % 10, 'TH') }"


def title_street(name: str) -> str:
    """``SW 79TH PL`` → ``SW 79th Pl`` (listing-site style)."""
    words = []
    for w in name.split(" "):
        if w in _TITLE_WORDS:
            words.append(w)
        elif w[:1].isdigit():
            words.append(w.lower())
        else:
            words.append(w.capitalize())
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Line:
    """One street line of a region: its names and how its blocks map to house numbers and points.

    A slot ``s`` of the line is block ``b = b_lo + s // 98`` and offset ``o = 1 + s % 98``; its
    house number is ``hn0 + 100*b + o`` and its position along the line ``c0 + (b + o/100)*dc``.
    """

    ew: bool  # True: runs east-west (fixed latitude); False: north-south (fixed longitude)
    fixed: float
    c0: float
    dc: float
    hn0: int
    b_lo: int
    nb: int
    plain: str  # "SW 79 PL"
    ordinal: str  # "SW 79TH PL" (same as plain for named streets)

    @property
    def capacity(self) -> int:
        return self.nb * OFFSETS

    def house_range(self) -> tuple[int, int]:
        """Smallest and largest house number on this line."""
        return self.hn0 + 100 * self.b_lo + 1, self.hn0 + 100 * (self.b_lo + self.nb - 1) + 98

    def locate(self, s: int) -> tuple[int, float, float]:
        """House number, latitude and longitude of slot ``s`` of this line."""
        b = self.b_lo + s // OFFSETS
        o = 1 + s % OFFSETS
        along = self.c0 + (b + o / 100.0) * self.dc
        hn = self.hn0 + 100 * b + o
        if self.ew:
            return hn, self.fixed, along
        return hn, along, self.fixed


@dataclass(frozen=True, slots=True)
class Grid:
    """A numbered street grid: the county's, or a city's own (Hialeah, Homestead)."""

    lat0: float
    lon0: float
    style: str  # "county": NW/NE/SW/SE quadrants; "hialeah": W/E only


COUNTY = Grid(FLAGLER_LAT, MIAMI_AVE_LON, "county")
HIALEAH = Grid(25.8240, -80.2785, "hialeah")
HOMESTEAD = Grid(25.4800, -80.4602, "county")  # origin 5 avenues west of the box: numbers ≥ 500


@dataclass(frozen=True, slots=True)
class Named:
    """A named street: ``frac`` places it across the region's box; blocks run along it."""

    name: str
    ew: bool
    frac: float
    hn_base: int = 100
    nb: int = 20
    ord_name: str = ""  # "15TH ST" for a numbered beach street


@dataclass(slots=True)
class Region:
    """A municipality, or a part of unincorporated Miami-Dade, with its own box and streets."""

    code: str
    name: str
    city: str
    weight: float
    box: tuple[float, float, float, float]  # lat0, lat1, lon0, lon1
    zips: tuple[str, ...]
    grid: Grid | None
    named: tuple[Named, ...] = ()
    profile: str = "residential"
    value: float = 1.0
    clip: bool = True
    index: int = 0
    lines: list[Line] = field(default_factory=list)
    cum: list[int] = field(default_factory=list)
    total: int = 0

    def build(self) -> None:
        """Lay out this region's street lines (once per process)."""
        lines: list[Line] = []
        if self.grid is not None:
            lines += _grid_lines(self)
        lines += [ln for n in self.named for ln in _named_line(self, n)]
        self.lines = [ln for ln in lines if ln.nb > 0]
        self.cum = []
        total = 0
        for ln in self.lines:
            total += ln.capacity
            self.cum.append(total)
        self.total = total

    def slot(self, j: int) -> tuple[int, int, float, float]:
        """Line number, house number and point of the region's ``j``-th address (a bijection)."""
        s = permute(j % self.total, self.total, 7777 * (self.index + 1))
        k = bisect_right(self.cum, s)
        start = self.cum[k - 1] if k else 0
        hn, lat, lon = self.lines[k].locate(s - start)
        return k, hn, lat, lon

    def zip_for(self, lat: float, lon: float) -> str:
        """A zip code by position (zips listed south to north), so neighbours share one."""
        lat0, lat1, lon0, lon1 = self.box
        n = len(self.zips)
        r = min(n - 1, int((lat - lat0) / (lat1 - lat0) * n))
        c = min(2, int((lon - lon0) / (lon1 - lon0) * 3)) if lon1 - lon0 > 0.04 else 0
        return self.zips[(r + c) % n]


def permute(j: int, total: int, key: int) -> int:
    """A keyed pseudo-random bijection of ``[0, total)``: a Feistel network plus cycle walking.

    Spreads consecutive slot numbers all over a region (an affine map would leave a lattice).
    """
    half = max(1, ((total - 1).bit_length() + 1) // 2)
    mask = (1 << half) - 1
    x = j
    while True:
        left, right = x >> half, x & mask
        for r in range(4):
            f = (((right ^ key) + r) * 0x9E3779B97F4A7C15 >> 21) & mask
            left, right = right, left ^ f
        x = (left << half) | right
        if x < total:
            return x


def _lat_of(grid: Grid, y: float) -> float:
    return grid.lat0 - y * DY_S if y >= 0 else grid.lat0 - y * DY_N


def _quadrant(grid: Grid, north: bool, east: bool) -> str:
    if grid.style == "hialeah":
        return "E" if east else "W"
    return ("N" if north else "S") + ("E" if east else "W")


def _grid_lines(region: Region) -> list[Line]:
    grid = region.grid
    assert grid is not None
    lat0, lat1, lon0, lon1 = region.box
    out: list[Line] = []
    y_min = math.floor(min(_y_of(grid, lat0), _y_of(grid, lat1))) - 1
    y_max = math.ceil(max(_y_of(grid, lat0), _y_of(grid, lat1))) + 1
    for n in range(1, max(abs(y_min), abs(y_max)) + 2):
        for north in (True, False):
            for typ, frac in EW_TYPES:
                y = -(n + frac) if north else n + frac
                lat = _lat_of(grid, y)
                if not lat0 <= lat < lat1:
                    continue
                east_edge = min(lon1, coast_lon(lat) - COAST_MARGIN) if region.clip else lon1
                for east in (False, True):
                    out.append(_ew_line(grid, n, typ, north, east, lat, lon0, east_edge))
    x_min = math.floor((lon0 - grid.lon0) / DX) - 1
    x_max = math.ceil((lon1 - grid.lon0) / DX) + 1
    for n in range(1, max(abs(x_min), abs(x_max)) + 2):
        for east in (False, True):
            for typ, frac in NS_TYPES:
                x = n + frac if east else -(n + frac)
                lon = grid.lon0 + x * DX
                if not lon0 <= lon < lon1:
                    continue
                south_edge = max(lat0, coast_lat(lon + COAST_MARGIN)) if region.clip else lat0
                for north in (True, False):
                    out.append(_ns_line(grid, n, typ, north, east, lon, south_edge, lat1))
    return out


def _y_of(grid: Grid, lat: float) -> float:
    return (grid.lat0 - lat) / DY_S if lat <= grid.lat0 else -(lat - grid.lat0) / DY_N


def _names(grid: Grid, north: bool, east: bool, n: int, typ: str) -> tuple[str, str]:
    q = _quadrant(grid, north, east)
    return f"{q} {n} {typ}", f"{q} {ordinal(n)} {typ}"


def _ew_line(
    grid: Grid, n: int, typ: str, north: bool, east: bool, lat: float, lo: float, hi: float
) -> Line:
    """An east-west numbered line; its blocks are avenue numbers on one side of the divide."""
    sign = 1.0 if east else -1.0
    lo_x, hi_x = (lo - grid.lon0) / DX, (hi - grid.lon0) / DX
    if east:  # block centre a + 0.5 in [lo_x, hi_x)
        a_lo, a_hi = math.ceil(lo_x - 0.5), math.ceil(hi_x - 0.5)
    else:  # -(a + 0.5) in [lo_x, hi_x)
        a_lo, a_hi = math.floor(-hi_x - 0.5) + 1, math.floor(-lo_x - 0.5) + 1
    a_lo = max(a_lo, 0)
    plain, ordn = _names(grid, north, east, n, typ)
    return Line(True, lat, grid.lon0, sign * DX, 0, a_lo, max(0, a_hi - a_lo), plain, ordn)


def _ns_line(
    grid: Grid, n: int, typ: str, north: bool, east: bool, lon: float, lo: float, hi: float
) -> Line:
    """A north-south numbered line; its blocks are street numbers on one side of the divide."""
    if north:
        lo, dy, sign = max(lo, grid.lat0), DY_N, 1.0
        b_lo, b_hi = math.ceil((lo - grid.lat0) / dy - 0.5), math.ceil((hi - grid.lat0) / dy - 0.5)
    else:
        hi, dy, sign = min(hi, grid.lat0), DY_S, -1.0
        b_lo = math.floor((grid.lat0 - hi) / dy - 0.5) + 1
        b_hi = math.floor((grid.lat0 - lo) / dy - 0.5) + 1
    b_lo = max(b_lo, 0)
    plain, ordn = _names(grid, north, east, n, typ)
    nb = max(0, b_hi - b_lo) if hi > lo else 0
    return Line(False, lon, grid.lat0, sign * dy, 0, b_lo, nb, plain, ordn)


def _named_line(region: Region, n: Named) -> list[Line]:
    """A named street across the region's box, clipped at the shoreline for mainland regions."""
    lat0, lat1, lon0, lon1 = region.box
    if n.ew:  # numbers grow westward, from the water
        lat = lat0 + n.frac * (lat1 - lat0)
        dc = -(lon1 - lon0) / n.nb
        b_lo = 0
        if region.clip:
            edge = coast_lon(lat) - COAST_MARGIN
            while b_lo < n.nb and lon1 + (b_lo + 0.5) * dc >= edge:
                b_lo += 1
        line = Line(True, lat, lon1, dc, n.hn_base, b_lo, n.nb - b_lo, n.name, n.ord_name or n.name)
    else:  # numbers grow northward
        lon = lon0 + n.frac * (lon1 - lon0)
        dc = (lat1 - lat0) / n.nb
        b_lo = 0
        if region.clip:
            edge = coast_lat(lon + COAST_MARGIN)
            while b_lo < n.nb and lat0 + (b_lo + 0.5) * dc <= edge:
                b_lo += 1
        line = Line(
            False, lon, lat0, dc, n.hn_base, b_lo, n.nb - b_lo, n.name, n.ord_name or n.name
        )
    return [line]


def township_range_section(lat: float, lon: float) -> tuple[int, int, int]:
    """Approximate PLSS township (S), range (E) and section of a point in Miami-Dade."""
    twp = min(59, max(51, 52 + math.floor((25.9565 - lat) / 0.0870)))
    west_edges = ((-80.195, 42), (-80.295, 41), (-80.395, 40))
    rng, west = 39, -80.495
    for edge, r in west_edges:
        if lon >= edge:
            rng, west = r, edge
            break
    col = min(5, max(0, int((lon - west) / 0.1 * 6)))
    top = 25.9565 - (twp - 52) * 0.0870
    row = min(5, max(0, int((top - lat) / 0.0870 * 6)))
    sec = 6 * row + 6 - col if row % 2 == 0 else 6 * row + 1 + col
    return twp, rng, sec
