"""Peak memory (RSS) of checking a 200 MB one-line "CSV" upload, as the admin upload does.

    .venv/bin/python bench/upload_rss.py [size_mb]

Writes the file under a temporary directory, then checks it as a tax roll (``nal``) in a fresh
child process and prints the child's peak RSS and what it answered. Before issue 18 the reader
held the whole line (and csv refused the 16 MB field with an uncaught error: a 500); now the first
line is refused after 16 MB, whatever the file's size."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

CHILD = """
import resource, sys
from pathlib import Path
from propintel.ingest.registry import importer_for
from propintel.ingest.errors import ImportRefused
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    importer_for("nal").check(Path(sys.argv[1]))
    outcome = "accepted"
except ImportRefused as error:
    outcome = "refused: " + error.message
except Exception as error:
    outcome = "error: " + type(error).__name__ + ": " + str(error)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"peak RSS {before / 1024:.0f} MB after imports, {after / 1024:.0f} MB after the check")
print(outcome)
"""


def main() -> None:
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "one-line.csv"
        chunk = b"A" * (1024 * 1024)
        with path.open("wb") as handle:
            handle.write(b"CO_NO,PARCEL_ID,")
            for _ in range(size_mb):
                handle.write(chunk)
        print(f"{path.name}: {path.stat().st_size / 1024 / 1024:.0f} MB, one line")
        subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True)


if __name__ == "__main__":
    main()
