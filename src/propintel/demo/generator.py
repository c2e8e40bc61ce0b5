"""A deterministic synthetic Miami-Dade, written in the real public file formats.

``generate(out_dir, parcels, seed)`` writes the files below, in the formats of DATA-SOURCES.md.
The same ``(parcels, seed, roll_year, today)`` always gives byte-identical files, whatever the
number of worker processes. Rows are streamed: memory stays flat however many parcels are asked
for (1,000,000 parcels is the benchmark size).

Files (``{Y}`` is the roll year):

``NAL23F{Y}01.csv``
    Florida DOR Name-Address-Legal roll, one row per parcel, every 2015+ column in order,
    **latin-1**, quoted where needed. About 0.1% of rows are deliberately bad (JV ``N/A``, empty
    PARCEL_ID, sale month 13, year built 3020; counted under ``bad_rows``). ``short_folio`` rows
    lost their leading zero (12 digits; valid once left-padded). A bad row's parcel appears in no
    other file.
``SDF23F{Y}01.csv``
    DOR Sale Data File: one row per sale; NAL sale 1 and 2 of each parcel plus 0-3 older ones.
``pa_points.geojson`` (and ``pa_points.csv`` with ``pa_csv=True``, adding LAT/LON)
    Property Appraiser point layer, one Feature per (good) parcel; exact sale day in DOS_1. A few
    junk values (BATHROOM_COUNT 1220, BEDROOM_COUNT -1, FLOOR_COUNT 400) counted under ``junk``.
``code_violations.csv``
    County CCVIOL layer (unincorporated parcels only), epoch-ms dates, space-padded folios.
``building_violations.csv``
    Open building violations, dashed folios, ``mm/dd/yyyy``.
``tax_certificates.csv``
    Tax Collector "Public-Open Certificates wAddr" report (money as ``$1,234.56``); the trailing
    ``Property Address`` column is the "wAddr" part.
``foreclosure_auctions.csv``
    RealForeclose calendar, the layout of ``realdata/``; ``placeholders`` rows carry
    ``Property Appraiser`` instead of a Parcel ID and must be matched by address.
``lis_pendens.csv`` / ``probate.csv``
    Clerk Official Records exports (no folio). Lis pendens legal descriptions are exact
    (``legal_exact``), re-typed (``legal_reformatted``) or match nothing (``unmatched``: the owner
    name uses a first name no owner has). Some are cancelled by a later CLP row, some are followed
    by a sale (``resolved_by_later_sale``).
``generic_signals.csv``
    The project's generic signal format: ``divorce``, ``pool`` (permits), ``vacant`` (USPS), plus
    a few bad rows (unknown signal, bad date, bad folio) counted under ``bad_rows``.
``fsbo.csv`` / ``fsbo.json``
    FSBO listings, each in exactly one of the two files (about 2/3 CSV, 1/3 JSON). CSV photos are
    ``|``-separated, prices sometimes ``$425,000``; JSON photos are arrays and absent fields are
    omitted. ~60% carry a dashed folio; ~10% have an address that matches no parcel (house number
    ending in ``00``); the rest match by address only.
``manifest.json``
    What was written: rows per file, bad rows by kind, placeholders, unmatched-by-construction,
    the new-homeowner bands of the sales, and the generation parameters.

Text files are UTF-8 except the NAL; CSV rows end in CRLF like the agencies' exports.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from propintel.demo.gen_chunk import (
    CHUNK_SIZE,
    CSV_PARTS,
    NAL_KEY,
    SDF_KEY,
    ChunkSpec,
    part_path,
    run_chunk,
)
from propintel.demo.gen_formats import (
    NAL_BAD_KINDS,
    NAL_COLUMNS,
    PA_CSV_COLUMNS,
    PA_JUNK_KINDS,
    SDF_COLUMNS,
)
from propintel.demo.gen_fsbo import FSBO_COLUMNS
from propintel.demo.gen_signals import (
    AUCTION_COLUMNS,
    BUILDING_COLUMNS,
    CLERK_COLUMNS,
    CODE_COLUMNS,
    GENERIC_BAD_KINDS,
    GENERIC_COLUMNS,
    TAX_COLUMNS,
)

MAX_PARCELS = 9_999_999  # folios are unique below 10 million parcels
ProgressFn = Callable[[int, int], None]

HEADERS: dict[str, tuple[str, ...]] = {
    "code_violations.csv": CODE_COLUMNS,
    "building_violations.csv": BUILDING_COLUMNS,
    "tax_certificates.csv": TAX_COLUMNS,
    "foreclosure_auctions.csv": AUCTION_COLUMNS,
    "lis_pendens.csv": CLERK_COLUMNS,
    "probate.csv": CLERK_COLUMNS,
    "generic_signals.csv": GENERIC_COLUMNS,
    "fsbo.csv": FSBO_COLUMNS,
}
# Counters every manifest shows, even at zero, so readers never need .get().
_DEFAULTS: dict[str, tuple[str, ...]] = {
    "nal": (
        "rows",
        "short_folio",
        "address_reuse",
        *(f"bad_rows.{k}" for k in NAL_BAD_KINDS),
        "sold_last_365_days",
        "new_homeowner.days_0_30",
        "new_homeowner.days_31_60",
        "new_homeowner.days_61_90",
        "new_homeowner.days_91_365",
    ),
    "sdf": ("rows",),
    "pa_points.geojson": ("rows", "year_built_unknown", *(f"junk.{k}" for k in PA_JUNK_KINDS)),
    "code_violations.csv": ("rows", "parcels", "open", "vacant_unsecured"),
    "building_violations.csv": ("rows", "unsafe_structure"),
    "tax_certificates.csv": ("rows", "parcels", "county_held"),
    "foreclosure_auctions.csv": (
        "rows",
        "placeholders",
        "foreclosure",
        "taxdeed",
        "upcoming",
        "hidden_max_bid",
    ),
    "lis_pendens.csv": (
        "rows",
        "lis",
        "cancellations",
        "active",
        "legal_exact",
        "legal_reformatted",
        "unmatched",
        "resolved_by_later_sale",
    ),
    "probate.csv": ("rows", "pad", "dce", "unmatched"),
    "generic_signals.csv": (
        "rows",
        "signal.divorce",
        "signal.pool",
        "signal.vacant",
        *(f"bad_rows.{k}" for k in GENERIC_BAD_KINDS),
    ),
    "fsbo.csv": ("rows",),
    "fsbo.json": ("rows",),
    "fsbo": (
        "with_folio",
        "address_only",
        "unmatched",
        "listed_over_90_days",
        "active_over_90_days",
    ),
}


def nal_name(roll_year: int) -> str:
    return f"NAL23F{roll_year}01.csv"


def sdf_name(roll_year: int) -> str:
    return f"SDF23F{roll_year}01.csv"


@dataclass
class Manifest:
    """What :func:`generate` wrote (also saved as ``manifest.json``)."""

    seed: int
    parcels: int
    roll_year: int
    today: date
    files: dict[str, dict[str, Any]] = field(default_factory=dict)
    fsbo: dict[str, int] = field(default_factory=dict)

    def rows(self, name: str) -> int:
        """Data rows (not counting the header) written to file ``name``."""
        return int(self.files[name]["rows"])

    def to_json(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "parcels": self.parcels,
            "roll_year": self.roll_year,
            "today": self.today.isoformat(),
            "files": self.files,
            "fsbo": self.fsbo,
        }


def generate(
    out_dir: Path,
    parcels: int,
    seed: int,
    roll_year: int = 2026,
    today: date | None = None,
    *,
    pa_csv: bool = False,
    workers: int | None = None,
    progress: ProgressFn | None = None,
) -> Manifest:
    """Write a synthetic Miami-Dade of ``parcels`` parcels into ``out_dir``; see the module doc.

    ``today`` (default: the real today) anchors recent sales and signals. ``workers`` processes
    generate chunks of 5,000 parcels in parallel (default: the CPUs available); ``progress`` is
    called with (parcels done, parcels) after each chunk.
    """
    if not 1 <= parcels <= MAX_PARCELS:
        raise ValueError(f"parcels must be between 1 and {MAX_PARCELS:,}, got {parcels}")
    today = today or date.today()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    chunks = -(-parcels // CHUNK_SIZE)
    parts_dir = Path(tempfile.mkdtemp(prefix=".parts-", dir=out_dir))
    specs = [
        ChunkSpec(
            str(parts_dir),
            c,
            chunks,
            c * CHUNK_SIZE,
            min(CHUNK_SIZE, parcels - c * CHUNK_SIZE),
            seed,
            today,
            roll_year,
            pa_csv,
        )
        for c in range(chunks)
    ]
    try:
        totals = _write_all(out_dir, specs, roll_year, pa_csv, workers, progress, parcels)
    finally:
        shutil.rmtree(parts_dir, ignore_errors=True)
    if not pa_csv:
        (out_dir / "pa_points.csv").unlink(missing_ok=True)
    manifest = _manifest(totals, seed, parcels, roll_year, today, pa_csv)
    text = json.dumps(manifest.to_json(), indent=2, sort_keys=True)
    (out_dir / "manifest.json").write_text(text + "\n", encoding="utf-8")
    return manifest


def _final_names(roll_year: int, pa_csv: bool) -> dict[str, str]:
    """Part key → output file name."""
    names = {
        NAL_KEY: nal_name(roll_year),
        SDF_KEY: sdf_name(roll_year),
        "pa_points.geojson": "pa_points.geojson",
    }
    if pa_csv:
        names["pa_points.csv"] = "pa_points.csv"
    names.update({n: n for n in (*CSV_PARTS, "fsbo.json")})
    return names


def _header_bytes(key: str, roll_year: int) -> bytes:
    columns = {NAL_KEY: NAL_COLUMNS, SDF_KEY: SDF_COLUMNS, "pa_points.csv": PA_CSV_COLUMNS}
    if key == "pa_points.geojson":
        return b'{"type":"FeatureCollection","features":[\n'
    if key == "fsbo.json":
        return b"[\n"
    buf = io.StringIO(newline="")
    csv.writer(buf).writerow(columns.get(key) or HEADERS[key])
    return buf.getvalue().encode("latin-1" if key == NAL_KEY else "utf-8")


def _write_all(
    out_dir: Path,
    specs: list[ChunkSpec],
    roll_year: int,
    pa_csv: bool,
    workers: int | None,
    progress: ProgressFn | None,
    parcels: int,
) -> Counter[str]:
    names = _final_names(roll_year, pa_csv)
    outs: dict[str, IO[bytes]] = {}
    nonempty = {"pa_points.geojson": False, "fsbo.json": False}
    totals: Counter[str] = Counter()
    done = 0
    try:
        for key, name in names.items():
            outs[key] = open(out_dir / name, "wb")  # noqa: SIM115 - closed in finally
            outs[key].write(_header_bytes(key, roll_year))
        for spec, counts in zip(specs, _run(specs, workers), strict=True):
            for key, out in outs.items():
                _append(part_path(spec.parts_dir, spec.chunk, key), out, key, nonempty)
            for fname, counter in counts.items():
                totals.update({f"{fname}\t{k}": v for k, v in counter.items()})
            done += spec.count
            if progress:
                progress(done, parcels)
        outs["pa_points.geojson"].write(b"\n]}\n")
        outs["fsbo.json"].write(b"\n]\n")
    finally:
        for out in outs.values():
            out.close()
    return totals


def _run(specs: list[ChunkSpec], workers: int | None) -> Iterator[dict[str, dict[str, int]]]:
    """Chunk results in chunk order, from a process pool when there is more than one chunk."""
    n = workers or len(os.sched_getaffinity(0))
    if n <= 1 or len(specs) == 1:
        yield from map(run_chunk, specs)
        return
    pool = ProcessPoolExecutor(max_workers=min(n, len(specs)))
    try:
        yield from pool.map(run_chunk, specs)
    finally:  # on an error downstream, do not wait for the chunks nobody will read
        pool.shutdown(wait=True, cancel_futures=True)


def _append(part: Path, out: IO[bytes], key: str, nonempty: dict[str, bool]) -> None:
    """Append a part to its output (JSON parts get a separator) and delete the part."""
    if key in nonempty:
        if part.stat().st_size == 0:
            part.unlink()
            return
        if nonempty[key]:
            out.write(b",\n")
        nonempty[key] = True
    with open(part, "rb") as src:
        shutil.copyfileobj(src, out, 1 << 20)
    part.unlink()


def _manifest(
    totals: Counter[str], seed: int, parcels: int, roll_year: int, today: date, pa_csv: bool
) -> Manifest:
    names = _final_names(roll_year, pa_csv)
    per: dict[str, dict[str, int]] = {}
    for key in (*names, "fsbo"):
        per[key] = dict.fromkeys(_DEFAULTS.get(key, ("rows",)), 0)
    for composite, value in totals.items():
        key, counter = composite.split("\t")
        per.setdefault(key, {})[counter] = value
    files = {names[k]: _nest(v) for k, v in per.items() if k in names}
    encodings = {name: ("latin-1" if key == NAL_KEY else "utf-8") for key, name in names.items()}
    for name, stats in files.items():
        stats["encoding"] = encodings[name]
    return Manifest(seed, parcels, roll_year, today, files, per["fsbo"])


def _nest(flat: dict[str, int]) -> dict[str, Any]:
    """``{"bad_rows.x": 1}`` → ``{"bad_rows": {"x": 1}}``."""
    out: dict[str, Any] = {}
    for key in sorted(flat):
        head, _, tail = key.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = flat[key]
        else:
            out[head] = flat[key]
    return out


def iter_files(manifest: Manifest) -> Iterable[str]:
    """The names of the files a manifest describes (plus ``manifest.json`` itself)."""
    return (*manifest.files, "manifest.json")
