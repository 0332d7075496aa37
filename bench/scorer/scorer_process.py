"""The scorer as the benchmark runs it: ``python -m services.scorer`` in its own process."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from kafka.admin import KafkaAdminClient
from kafka.errors import CoordinatorNotAvailableError

from bench.scorer.variants import split_variant

REPO = Path(__file__).resolve().parents[2]


class ScorerProcess:
    def __init__(self, *, bootstrap: str, topic_prefix: str, database_url: str, group_id: str,
                 port: int, dtype: str, torch_threads: int, log_path: Path,
                 extra_env: dict[str, str] | None = None) -> None:
        self.url = f"http://127.0.0.1:{port}"
        # The service runs as in production (the default environment), which requires a token.
        self.api_token = secrets.token_urlsafe(24)
        self._log_path = log_path
        dtype_name, compile_choice = split_variant(dtype)  # dtype: a variant name
        self._env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "RAPPORT_SCORER_KAFKA__BOOTSTRAP_SERVERS": bootstrap,
            "RAPPORT_SCORER_KAFKA__TOPIC_PREFIX": topic_prefix,
            "RAPPORT_SCORER_DATABASE__URL": database_url,
            "RAPPORT_SCORER_GROUP_ID": group_id,
            "RAPPORT_SCORER_PORT": str(port),
            "RAPPORT_SCORER_API_TOKEN": self.api_token,
            # The benchmark measures CPUs; the model-only figures next to it run on the CPU too.
            "RAPPORT_SCORER_DEVICE": "cpu",
            "RAPPORT_SCORER_DTYPE": dtype_name,
            "RAPPORT_SCORER_COMPILE": compile_choice,
            "RAPPORT_SCORER_TORCH_THREADS": str(torch_threads),
            "RAPPORT_SCORER_LOG_LEVEL": "WARNING",
            **(extra_env or {}),
        }
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout_s: float = 180.0) -> None:
        log = self._log_path.open("wb")
        self._process = subprocess.Popen([sys.executable, "-m", "services.scorer"], cwd=REPO,
                                         env=self._env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while not self._ready():
            if self._process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the scorer did not become ready; see {self._log_path}")
            time.sleep(0.25)

    def stop(self, timeout_s: float = 60.0) -> int:
        """SIGTERM (a graceful shutdown), then the exit code."""
        if self._process is None:
            return 0
        self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            return self._process.wait()

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False


def assigned_members(bootstrap: str, group_id: str) -> int:
    """Members of a stable group that hold partitions (0 while it rebalances, or while a fresh
    broker has no group coordinator yet)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        description = admin.describe_groups([group_id]).get(group_id, {})
    except CoordinatorNotAvailableError:
        return 0
    finally:
        admin.close()
    if description.get("group_state") != "Stable":
        return 0
    return sum(1 for member in description.get("members", ())
               if member.get("member_assignment", {}).get("assigned_partitions"))
