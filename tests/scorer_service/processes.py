"""Scorer processes for the scale test: ``python -m services.scorer`` with its own port."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from kafka.admin import KafkaAdminClient

from shared.settings import KafkaSettings

REPO = Path(__file__).resolve().parents[2]


class ScorerProcess:
    def __init__(self, *, kafka: KafkaSettings, database_url: str, group_id: str, port: int,
                 log_path: Path) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = log_path
        self._env = {
            **os.environ,
            "HF_HUB_OFFLINE": "1",
            "RAPPORT_SCORER_KAFKA__BOOTSTRAP_SERVERS": kafka.bootstrap_servers,
            "RAPPORT_SCORER_KAFKA__TOPIC_PREFIX": kafka.topic_prefix,
            "RAPPORT_SCORER_KAFKA__TOPIC_PARTITIONS": str(kafka.topic_partitions),
            "RAPPORT_SCORER_DATABASE__URL": database_url,
            "RAPPORT_SCORER_GROUP_ID": group_id,
            "RAPPORT_SCORER_PORT": str(port),
            # Two processes share the machine's cores.
            "RAPPORT_SCORER_TORCH_THREADS": "1",
            # Compiling costs each process half a minute; tests/scorer/test_compiled.py covers it.
            "RAPPORT_SCORER_COMPILE": "off",
            # Small polls: many commits, so a stop lands between batches of a running stream.
            "RAPPORT_SCORER_MAX_POLL_RECORDS": "20",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def launch(self) -> None:
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen([sys.executable, "-m", "services.scorer"], cwd=REPO,
                                             env=self._env, stdout=log, stderr=subprocess.STDOUT)

    def wait_ready(self, timeout_s: float = 180.0) -> None:
        deadline = time.monotonic() + timeout_s
        while not self._ready():
            if self.exit_code is not None or time.monotonic() > deadline:
                raise AssertionError(f"scorer not ready:\n{self.log_tail()}")
            time.sleep(0.2)

    @property
    def exit_code(self) -> int | None:
        return None if self._process is None else self._process.poll()

    def terminate(self, timeout_s: float = 60.0) -> int:
        """SIGTERM, as an orchestrator sends it; returns the exit code.

        uvicorn re-raises the signal once its graceful shutdown is done, so a clean stop exits
        with -SIGTERM; ``stopped_gracefully`` tells the two kinds of death apart.
        """
        if self._process is None:
            return 0
        if self._process.poll() is None:
            self._process.send_signal(signal.SIGTERM)
        try:
            return self._process.wait(timeout_s)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
            raise AssertionError(f"scorer ignored SIGTERM:\n{self.log_tail()}") from None

    @property
    def stopped_gracefully(self) -> bool:
        return "Application shutdown complete" in self.log_path.read_text(errors="replace")

    def scored(self) -> float:
        """This process's ``rapport_scorer_messages_total{outcome="scored"}``."""
        text = httpx.get(f"{self.url}/metrics", timeout=10).text
        found = re.search(r'^rapport_scorer_messages_total\{outcome="scored"\} (\S+)$', text,
                          re.MULTILINE)
        return float(found.group(1)) if found else 0.0

    def log_tail(self, lines: int = 40) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def _ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200
        except httpx.HTTPError:
            return False


def assigned_members(bootstrap: str, group_id: str) -> int:
    """Members of a stable group holding partitions (0 while it rebalances)."""
    admin = KafkaAdminClient(bootstrap_servers=bootstrap.split(","))
    try:
        description = admin.describe_groups([group_id]).get(group_id, {})
    finally:
        admin.close()
    if description.get("group_state") != "Stable":
        return 0
    return sum(1 for member in description.get("members", ())
               if member.get("member_assignment", {}).get("assigned_partitions"))
