"""`propintel run` (what `make run` runs) refuses to start on a port another server answers on,
instead of printing a banner that points at that other server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys


def test_run_stops_with_a_clear_message_when_the_port_is_taken(test_database_url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = {**os.environ, "PROPINTEL_DATABASE_URL": test_database_url, "PORT": str(port)}
        done = subprocess.run(
            [sys.executable, "-m", "propintel", "run", "--no-demo"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in done.stdout
    assert "PropIntel is running" not in done.stdout
