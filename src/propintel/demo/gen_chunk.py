"""Generate one chunk of parcels into part files (one per output file), streaming.

A chunk is a fixed range of parcel indexes with its own seeded RNG, so the output does not depend
on how many processes generate chunks. Part files are concatenated in chunk order by
:mod:`propintel.demo.generator`. JSON parts hold items separated by ``,\\n`` (no brackets).
"""

from __future__ import annotations

import csv
import random
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from propintel.demo.gen_formats import (
    NAL_BAD_KINDS,
    PA_JUNK_KINDS,
    nal_row,
    pa_csv_row,
    pa_feature,
    pa_properties,
    sdf_rows,
)
from propintel.demo.gen_parcel import Parcel, ParcelFactory
from propintel.demo.gen_regions import regions
from propintel.demo.gen_signals import GENERIC_BAD_KINDS, SignalMaker
from propintel.demo.gen_tables import RESIDENTIAL_USES

CHUNK_SIZE = 5_000
NAL_KEY = "nal"  # the NAL and SDF file names depend on the roll year: keyed by role in parts
SDF_KEY = "sdf"
CSV_PARTS = (
    "code_violations.csv",
    "building_violations.csv",
    "tax_certificates.csv",
    "foreclosure_auctions.csv",
    "lis_pendens.csv",
    "probate.csv",
    "generic_signals.csv",
    "fsbo.csv",
)
JSON_PARTS = ("pa_points.geojson", "fsbo.json")
BAD_ROW_RATE = 0.001
SHORT_FOLIO_RATE = 0.0005
PA_JUNK_RATE = 0.0003
GENERIC_BAD_RATE = 0.0003
FORCE_EVERY = 40  # chunk 0 places one of each rare case every 40 parcels, so tiny runs have all


@dataclass(frozen=True, slots=True)
class ChunkSpec:
    """What one worker generates: parcels ``start .. start+count-1`` of chunk ``chunk``."""

    parts_dir: str
    chunk: int
    chunks: int
    start: int
    count: int
    seed: int
    today: date
    roll_year: int
    pa_csv: bool


def part_path(parts_dir: str | Path, chunk: int, name: str) -> Path:
    return Path(parts_dir) / f"{chunk:05d}.{name}"


class _Joined:
    """Writes text items separated by ``,\\n`` (a JSON array's body, without the brackets)."""

    def __init__(self, f: IO[str]) -> None:
        self.f = f
        self.first = True

    def write(self, item: str) -> None:
        if not self.first:
            self.f.write(",\n")
        self.first = False
        self.f.write(item)


class _Forced:
    """Rare kinds that chunk 0 must contain at least once each."""

    def __init__(self, kinds: tuple[str, ...], active: bool) -> None:
        self.pending = list(kinds) if active else []
        self.done = 0

    def take(self, local: int, ok: dict[str, bool]) -> str:
        if not self.pending or local < FORCE_EVERY * (self.done + 1):
            return ""
        for kind in self.pending:
            if ok.get(kind, True):
                self.pending.remove(kind)
                self.done += 1
                return kind
        return ""


def run_chunk(spec: ChunkSpec) -> dict[str, dict[str, int]]:
    """Generate the chunk's part files; return what was written, counted per output file."""
    with ExitStack() as stack:
        chunk = _Chunk(spec, stack)
        for local, idx in enumerate(range(spec.start, spec.start + spec.count)):
            chunk.write(local, chunk.factory.make(idx))
        return chunk.result()


class _Counts(dict[str, Counter[str]]):
    """Per-file counters, created on first use."""

    def __missing__(self, key: str) -> Counter[str]:
        self[key] = Counter()
        return self[key]


class _Chunk:
    """The open part files of one chunk, and everything that writes to them."""

    def __init__(self, spec: ChunkSpec, stack: ExitStack) -> None:
        self.spec = spec
        self.rng = random.Random(f"propintel-demo:{spec.seed}:{spec.chunk}")
        self.writers, self.joined = _open_parts(stack, spec)
        self.counts = _Counts()
        self.factory = ParcelFactory(self.rng, spec.today, spec.roll_year, spec.chunk, spec.chunks)
        self.signals = SignalMaker(
            self.rng,
            spec.today,
            spec.roll_year,
            self.writers,
            self.joined["fsbo.json"].write,
            self.counts,
            _uninc_share(),
        )
        first = spec.chunk == 0
        self.forced_bad = _Forced((*NAL_BAD_KINDS, "short_folio"), first)
        self.forced_junk = _Forced(PA_JUNK_KINDS, first)
        self.forced_generic = _Forced(GENERIC_BAD_KINDS, first)

    def write(self, local: int, p: Parcel) -> None:
        """Every record of one parcel; a deliberately bad NAL row's parcel gets nothing else."""
        _mark_bad(self.rng, p, self.forced_bad.take(local, _bad_ok(p)))
        self.writers[NAL_KEY](nal_row(p, self.spec.roll_year))
        _count_nal(self.counts, p, self.spec.today)
        if p.bad:
            return
        for row in sdf_rows(p, self.spec.roll_year):
            self.writers[SDF_KEY](row)
        self.counts[SDF_KEY]["rows"] += len(p.sales)
        self._pa_point(local, p)
        self.signals.emit(p)
        kinds = GENERIC_BAD_KINDS
        bad = self.forced_generic.take(local, {}) or _maybe(self.rng, GENERIC_BAD_RATE, kinds)
        if bad:
            self.signals.generic_bad(p, bad)

    def _pa_point(self, local: int, p: Parcel) -> None:
        rng, spec = self.rng, self.spec
        junk = self.forced_junk.take(local, {}) or _maybe(rng, PA_JUNK_RATE, PA_JUNK_KINDS)
        props = pa_properties(p, spec.roll_year, junk, bool(p.year) and rng.random() < 0.01)
        self.joined["pa_points.geojson"].write(pa_feature(p, props))
        _count_pa(self.counts, props, junk)
        if spec.pa_csv:
            self.writers["pa_points.csv"](pa_csv_row(p, props))
            self.counts["pa_points.csv"]["rows"] += 1

    def result(self) -> dict[str, dict[str, int]]:
        self.counts[NAL_KEY]["address_reuse"] += self.factory.address_reuse
        return {k: dict(v) for k, v in self.counts.items()}


def _open_parts(stack: ExitStack, spec: ChunkSpec) -> tuple[dict[str, Any], dict[str, _Joined]]:
    def open_csv(name: str, encoding: str = "utf-8") -> Any:
        f = stack.enter_context(
            open(part_path(spec.parts_dir, spec.chunk, name), "w", encoding=encoding, newline="")  # noqa: SIM115
        )
        return csv.writer(f, quoting=csv.QUOTE_MINIMAL).writerow

    writers: dict[str, Any] = {NAL_KEY: open_csv(NAL_KEY, "latin-1"), SDF_KEY: open_csv(SDF_KEY)}
    for name in CSV_PARTS:
        writers[name] = open_csv(name)
    if spec.pa_csv:
        writers["pa_points.csv"] = open_csv("pa_points.csv")
    joined = {}
    for name in JSON_PARTS:
        path = part_path(spec.parts_dir, spec.chunk, name)
        joined[name] = _Joined(stack.enter_context(open(path, "w", encoding="utf-8")))  # noqa: SIM115
    return writers, joined


def _uninc_share() -> float:
    regs = regions()
    return sum(r.weight for r in regs if r.code == "30") / sum(r.weight for r in regs)


def _maybe(rng: random.Random, rate: float, kinds: tuple[str, ...]) -> str:
    if rng.random() >= rate:
        return ""
    return rng.choice(kinds)


def _bad_ok(p: Parcel) -> dict[str, bool]:
    return {
        "sale_month_13": bool(p.sales),
        "year_built_3020": bool(p.year),
        "short_folio": p.folio.startswith("0"),
    }


def _mark_bad(rng: random.Random, p: Parcel, forced: str) -> None:
    """Decide whether this parcel's NAL row is deliberately broken (or written short)."""
    if forced == "short_folio":
        p.short_folio = True
        return
    if forced:
        p.bad = forced
        return
    if p.folio.startswith("0") and rng.random() < SHORT_FOLIO_RATE * 5:
        p.short_folio = True  # munis 01-09 are ~1/5 of parcels
    if rng.random() < BAD_ROW_RATE:
        ok = _bad_ok(p)
        kinds = [k for k in NAL_BAD_KINDS if ok.get(k, True)]
        p.bad = rng.choice(kinds)


def _count_nal(counts: dict[str, Counter[str]], p: Parcel, today: date) -> None:
    c = counts[NAL_KEY]
    c["rows"] += 1
    if p.bad:
        c[f"bad_rows.{p.bad}"] += 1
        return
    c["short_folio"] += p.short_folio
    c["accented_owner_names"] += p.owner.accented
    c["homestead"] += p.homestead
    c[f"owner.{p.owner.kind}"] += 1
    c[f"mailing.{p.mail.kind}"] += 1
    c[f"kind.{p.kind}"] += 1
    sale = p.last_sale
    if sale is None:
        return
    days = (today - sale.when).days
    if days <= 365:
        c["sold_last_365_days"] += 1
        if sale.qual in ("01", "02") and p.dor_uc in RESIDENTIAL_USES:
            band = (
                "days_0_30"
                if days <= 30
                else "days_31_60"
                if days <= 60
                else "days_61_90"
                if days <= 90
                else "days_91_365"
            )
            c[f"new_homeowner.{band}"] += 1


def _count_pa(counts: dict[str, Counter[str]], props: dict[str, Any], junk: str) -> None:
    c = counts["pa_points.geojson"]
    c["rows"] += 1
    if junk:
        c[f"junk.{junk}"] += 1
    if props["YEAR_BUILT"] == 0 and props["BUILDING_HEATED_AREA"]:
        c["year_built_unknown"] += 1
