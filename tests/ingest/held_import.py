"""An import that holds mid-load until the test lets it go: what a test kills with SIGKILL
(``python -m tests.ingest.held_import URL FILE HOLD LOADING``)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from propintel.ingest.runs import ImportContext, run_import


class HeldImporter:
    kind = "held"

    def __init__(self, hold: Path, loading: Path) -> None:
        self.hold, self.loading = hold, loading

    def check(self, path: Path) -> None:
        """Any file will do."""

    def load(self, ctx: ImportContext) -> None:
        """Say it is loading (the run's lock is held by now), then wait while ``hold`` exists."""
        self.loading.touch()
        while self.hold.exists():
            time.sleep(0.05)


if __name__ == "__main__":
    url, file, hold, loading = sys.argv[1:5]
    run_import(HeldImporter(Path(hold), Path(loading)), Path(file), url, source_name="held.csv")
