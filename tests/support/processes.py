"""Rapport services as real processes (``python -m services.<name>``), for end-to-end tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServiceProcess:
    name: str
    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        env = {**os.environ, **self.env, f"RAPPORT_{self.name.upper()}_PORT": str(self.port)}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen([sys.executable, "-m", f"services.{self.name}"],
                                            cwd=ROOT, env=env, stdout=log,
                                            stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise AssertionError(f"{self.name} exited during start-up:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.3)  # polling another process's readiness endpoint
        raise AssertionError(f"{self.name} not ready after {timeout_s:.0f}s:\n{self.log_tail()}")

    def terminate(self, timeout_s: float = 40.0) -> int:
        """SIGTERM, as an orchestrator would; returns the exit code (kills after the timeout)."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                return self.process.wait(timeout_s)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"{self.name} ignored SIGTERM:\n{self.log_tail()}") from None
        return int(self.process.returncode)

    def kill(self) -> None:
        """SIGKILL, as the OOM killer or a lost node would: no shutdown code runs."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)

    def restart(self, *, kill: bool = False, ready_timeout_s: float = 180.0) -> int | None:
        """Stop (SIGTERM, or SIGKILL with ``kill``), start again with the same settings and
        wait until ready; returns the exit code of a SIGTERM stop."""
        code = None
        if kill:
            self.kill()
        else:
            code = self.terminate()
        self.start()
        self.wait_ready(ready_timeout_s)
        return code

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def wait_until(predicate: object, *, timeout_s: float, what: str) -> None:
    """Poll an asynchronous pipeline's public interface until ``predicate()`` holds."""
    assert callable(predicate)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.5)
    raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
