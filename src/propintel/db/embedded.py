"""The embedded PostgreSQL cluster: a private server under ``<data_dir>/postgres``.

It uses the machine's PostgreSQL 15 binaries (initdb, pg_ctl), listens on 127.0.0.1 only, on its
own port, with a generated password. PostgreSQL refuses to run as root, so when we are root the
server runs as the ``postgres`` system user (``runuser``), which then owns the cluster directory.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from propintel.config import Settings

PG_BIN_CANDIDATES = (Path("/usr/lib/postgresql/15/bin"), Path("/usr/lib/postgresql/16/bin"))
SUPERUSER = "postgres"


class EmbeddedDatabaseError(RuntimeError):
    """The embedded cluster could not be prepared or started; the message says what to do."""


def pg_bin_dir() -> Path:
    for candidate in PG_BIN_CANDIDATES:
        if (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).parent
    raise EmbeddedDatabaseError(
        "PostgreSQL server binaries not found. Install them with: "
        "apt-get install -y postgresql-15 postgresql-15-postgis-3"
    )


def _running_as_root() -> bool:
    return os.geteuid() == 0


@dataclass(frozen=True)
class EmbeddedCluster:
    """Paths and commands of the private cluster described by the settings."""

    root: Path
    port: int
    database: str

    @classmethod
    def from_settings(cls, settings: Settings) -> EmbeddedCluster:
        return cls(
            root=settings.data_dir.resolve() / "postgres",
            port=settings.embedded_port,
            database=settings.embedded_database,
        )

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "run"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    @property
    def password_file(self) -> Path:
        return self.root / "password"

    # -- state -----------------------------------------------------------------------------

    def is_initialized(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def is_running(self) -> bool:
        if not self.is_initialized():
            return False
        result = self._run_as_owner(
            [str(pg_bin_dir() / "pg_ctl"), "status", "-D", str(self.data_dir)]
        )
        return result.returncode == 0

    def password(self) -> str:
        return self.password_file.read_text().strip()

    def url(self, database: str | None = None) -> str:
        """A libpq URL for this cluster (TCP on loopback, password authentication)."""
        name = database or self.database
        return f"postgresql://{SUPERUSER}:{self.password()}@127.0.0.1:{self.port}/{name}"

    # -- lifecycle -------------------------------------------------------------------------

    def init(self) -> bool:
        """Create the cluster if missing. Returns True when it was created now."""
        if self.is_initialized():
            return False
        self.root.mkdir(parents=True, exist_ok=True)
        self.socket_dir.mkdir(exist_ok=True)
        if not self.password_file.exists():
            self.password_file.touch(mode=0o600)
            self.password_file.write_text(secrets.token_urlsafe(24))
        pwfile = self.root / ".initdb-pw"
        pwfile.write_text(self.password())
        self._hand_to_owner()
        try:
            result = self._run_as_owner(
                [
                    str(pg_bin_dir() / "initdb"),
                    "-D",
                    str(self.data_dir),
                    "-U",
                    SUPERUSER,
                    "--pwfile",
                    str(pwfile),
                    "--auth-local=trust",
                    "--auth-host=scram-sha-256",
                    "--encoding=UTF8",
                    "--locale=C.UTF-8",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode != 0:
            raise EmbeddedDatabaseError(f"initdb failed:\n{result.stdout}\n{result.stderr}")
        self._write_config()
        return True

    def _write_config(self) -> None:
        settings_block = "\n".join(
            [
                "# --- PropIntel embedded cluster ---",
                "listen_addresses = '127.0.0.1'",
                f"port = {self.port}",
                f"unix_socket_directories = '{self.socket_dir}'",
                "shared_preload_libraries = 'pg_stat_statements'",
                # Room for every statement of a busy cluster (the default 5,000 evicts the
                # least-used ones, so a rare slow statement could vanish from the report).
                "pg_stat_statements.max = 20000",
                "timezone = 'America/New_York'",
                "max_connections = 100",
                "shared_buffers = 512MB",
                "work_mem = 32MB",
                "maintenance_work_mem = 512MB",
                "max_wal_size = 4GB",
                "checkpoint_timeout = 15min",
                "log_min_duration_statement = 1000",
                "",
            ]
        )
        conf = self.data_dir / "postgresql.conf"
        with conf.open("a") as handle:
            handle.write(settings_block)

    def start(self, timeout_s: int = 60) -> bool:
        """Start the server if it is not running. Returns True when it was started now."""
        self.init()
        if self.is_running():
            return False
        self._hand_to_owner()
        result = self._run_as_owner(
            [
                str(pg_bin_dir() / "pg_ctl"),
                "start",
                "-w",
                "-t",
                str(timeout_s),
                "-D",
                str(self.data_dir),
                "-l",
                str(self.log_file),
            ]
        )
        if result.returncode != 0:
            tail = self.log_file.read_text()[-2000:] if self.log_file.exists() else ""
            raise EmbeddedDatabaseError(
                f"the embedded PostgreSQL did not start (port {self.port} busy? set "
                f"PROPINTEL_EMBEDDED_PORT):\n{result.stderr}\n{tail}"
            )
        self._wait_until_accepting(timeout_s)
        return True

    def stop(self) -> bool:
        if not self.is_running():
            return False
        result = self._run_as_owner(
            [str(pg_bin_dir() / "pg_ctl"), "stop", "-w", "-m", "fast", "-D", str(self.data_dir)]
        )
        if result.returncode != 0:
            raise EmbeddedDatabaseError(f"pg_ctl stop failed: {result.stderr}")
        return True

    def _wait_until_accepting(self, timeout_s: int) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            probe = subprocess.run(  # noqa: S603
                [str(pg_bin_dir() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                capture_output=True,
                check=False,
            )
            if probe.returncode == 0:
                return
            time.sleep(0.2)
        raise EmbeddedDatabaseError(f"the embedded PostgreSQL is not accepting on port {self.port}")

    # -- ownership -------------------------------------------------------------------------

    def _hand_to_owner(self) -> None:
        """As root, the cluster belongs to the ``postgres`` user; the password stays root's."""
        if not _running_as_root():
            return
        shutil.chown(self.root, user=SUPERUSER)
        for path in self.root.rglob("*"):
            if path != self.password_file:
                shutil.chown(path, user=SUPERUSER)
        self.root.chmod(0o700)
        _make_traversable(self.root.parent)

    def _run_as_owner(self, argv: list[str]) -> subprocess.CompletedProcess[str]:
        if _running_as_root():
            argv = ["runuser", "-u", SUPERUSER, "--", *argv]
        return subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603


def _make_traversable(directory: Path) -> None:
    """Let the ``postgres`` user reach the cluster: every parent needs the search (x) bit."""
    for path in [directory, *directory.parents]:
        mode = path.stat().st_mode
        if not mode & 0o001:
            path.chmod(mode | 0o001)
