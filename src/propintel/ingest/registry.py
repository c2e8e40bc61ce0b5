"""Every importer by the name the CLI and the admin upload use, and the name people read."""

from __future__ import annotations

from propintel.ingest.fsbo import FsboImporter
from propintel.ingest.nal import NalImporter
from propintel.ingest.pa_points import PaPointsImporter
from propintel.ingest.runs import Importer
from propintel.ingest.sdf import SdfImporter
from propintel.ingest.signals import signal_importers

# What an admin reads wherever a kind is shown (the kind itself stays the form value).
KIND_LABELS = {
    "nal": "DOR tax roll (NAL)",
    "sdf": "DOR sale file (SDF)",
    "pa-points": "Property Appraiser point layer",
    "signals:code-violations": "Code violations (county CCVIOL layer)",
    "signals:building-violations": "Building violations (county)",
    "signals:tax-certificates": "Tax certificates (Tax Collector)",
    "signals:foreclosure-auctions": "Foreclosure auctions (RealForeclose)",
    "signals:lis-pendens": "Lis pendens (Clerk)",
    "signals:probate": "Probate filings (Clerk)",
    "signals:generic": "Other signals (PropIntel generic CSV)",
    "fsbo": "FSBO listings",
}


def kind_label(kind: str) -> str:
    """The human name of an import kind (the kind itself for one no longer imported)."""
    return KIND_LABELS.get(kind, kind)


def importers() -> dict[str, Importer]:
    return {
        "nal": NalImporter(),
        "sdf": SdfImporter(),
        "pa-points": PaPointsImporter(),
        **signal_importers(),
        "fsbo": FsboImporter(),
    }


def importer_for(kind: str) -> Importer:
    found = importers().get(kind)
    if found is None:
        raise KeyError(f"unknown import kind {kind!r}; known: {', '.join(sorted(importers()))}")
    return found
