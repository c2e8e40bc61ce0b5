"""Every importer by the name the CLI and the admin upload use."""

from __future__ import annotations

from propintel.ingest.fsbo import FsboImporter
from propintel.ingest.nal import NalImporter
from propintel.ingest.pa_points import PaPointsImporter
from propintel.ingest.runs import Importer
from propintel.ingest.sdf import SdfImporter
from propintel.ingest.signals import signal_importers


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
