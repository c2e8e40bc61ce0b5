"""Every importer by the name the CLI and the admin upload use, and the name people read (in the
current locale: the admin pages' language; the CLI's is English)."""

from __future__ import annotations

from propintel.ingest.fsbo import FsboImporter
from propintel.ingest.nal import NalImporter
from propintel.ingest.pa_points import PaPointsImporter
from propintel.ingest.runs import Importer
from propintel.ingest.sdf import SdfImporter
from propintel.ingest.signals import signal_importers
from propintel.kit.i18n import N_, gettext

# What an admin reads wherever a kind is shown (the kind itself stays the form value).
KIND_LABELS = {
    "nal": N_("DOR tax roll (NAL)"),
    "sdf": N_("DOR sale file (SDF)"),
    "pa-points": N_("Property Appraiser point layer"),
    "signals:code-violations": N_("Code violations (county CCVIOL layer)"),
    "signals:building-violations": N_("Building violations (county)"),
    "signals:tax-certificates": N_("Tax certificates (Tax Collector)"),
    "signals:foreclosure-auctions": N_("Foreclosure auctions (RealForeclose)"),
    "signals:lis-pendens": N_("Lis pendens (Clerk)"),
    "signals:probate": N_("Probate filings (Clerk)"),
    "signals:generic": N_("Other signals (PropIntel generic CSV)"),
    "fsbo": N_("FSBO listings"),
}


# An import run's status and a quarantine row's action, as the admin import pages name them.
STATUS_LABELS = {"running": N_("running"), "succeeded": N_("succeeded"), "failed": N_("failed")}
QUARANTINE_ACTIONS = {"row_quarantined": N_("row quarantined"), "field_nulled": N_("field nulled")}


def kind_label(kind: str) -> str:
    """The human name of an import kind (the kind itself for one no longer imported)."""
    return gettext(KIND_LABELS[kind]) if kind in KIND_LABELS else kind


def status_label(status: str) -> str:
    """An import run's status as people read it (an unknown one as it is)."""
    return gettext(STATUS_LABELS[status]) if status in STATUS_LABELS else status


def quarantine_action_label(action: str) -> str:
    """What happened to a quarantined line: the row was set aside, or one field was nulled."""
    if action in QUARANTINE_ACTIONS:
        return gettext(QUARANTINE_ACTIONS[action])
    return action.replace("_", " ")


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
