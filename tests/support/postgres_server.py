"""A private PostgreSQL server a test may stop and restart, from the machine's PostgreSQL binaries.

The shared server (``RAPPORT_TEST_POSTGRES_URL``) must never be restarted by one test: other
tests use it at the same time. This one lives in its own temporary directory on a free port;
``restart()`` stops it as an operator's ``systemctl restart`` does (``pg_ctl stop -m fast``:
open connections are terminated, a checkpoint is written) and starts it on the same data and port.

PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` user of the
Debian package (the one ``deploy/postgres/start-local.sh`` installs).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from deploy.kafka.launcher import free_port

USER = "rapport"


def postgres_bin_dir() -> Path | None:
    """The newest installed PostgreSQL's ``bin`` (Debian layout), or ``pg_ctl`` on PATH."""
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda path: int(path.parent.parent.name)
                      if path.parent.parent.name.isdigit() else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


@dataclass
class PrivatePostgres:
    bin_dir: Path
    port: int = field(default_factory=free_port)
    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="rapport-pg-")))

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def log_path(self) -> Path:
        return self.root / "postgres.log"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{database}"

    def init(self) -> None:
        """``initdb`` (trust authentication on loopback: a throwaway server) and start."""
        if os.geteuid() == 0:
            os.chown(self.root, *_postgres_ids())
        self._run("initdb", "-D", str(self.data_dir), "-U", USER, "-A", "trust",
                  "--no-sync", "-E", "UTF8")
        self.start()

    def start(self, timeout_s: int = 60) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 "
                   f"-k {self.root} -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data_dir), "-l", str(self.log_path), "-o", options,
                  "-w", "-t", str(timeout_s), "start")

    def stop(self, mode: str = "fast", timeout_s: int = 60) -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", str(timeout_s),
                  "stop")

    def running(self) -> bool:
        return self._run("pg_ctl", "-D", str(self.data_dir), "status", check=False) == 0

    def create_database(self, name: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, name)
        return self.url(name)

    def destroy(self) -> None:
        if self.data_dir.exists() and self.running():
            self.stop(mode="immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _run(self, tool: str, *args: str, check: bool = True) -> int:
        command = [str(self.bin_dir / tool), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, check=False,
                                cwd=self.root)
        if check and result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stdout}"
                               f"{result.stderr}\n{self.log_tail()}")
        return result.returncode


def _postgres_ids() -> tuple[int, int]:
    try:
        entry = pwd.getpwnam("postgres")
    except KeyError:
        raise RuntimeError("running as root needs the postgres user of the PostgreSQL "
                           "package to run a private server") from None
    return entry.pw_uid, entry.pw_gid
