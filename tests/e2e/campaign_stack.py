"""The fault campaign's system: a private PostgreSQL and Kafka broker, and the three services as
real processes (``python -m services.<name>``) with environment=test settings, their own topic
prefix, ports and database. And the faults, each done as an operator or a crash would do it.

The broker and PostgreSQL are private to the campaign: the session's broker and the shared
PostgreSQL server serve other tests meanwhile, and these get killed and restarted.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx

from deploy.kafka.launcher import free_port
from services.ingest.providers import PROVIDER_NAMES
from tests.ingest.support import SALESFORCE_ORG
from tests.support.kafka_broker import RestartableBroker
from tests.support.postgres_server import PrivatePostgres
from tests.support.processes import ServiceProcess

SERVICES = ("ingest", "scorer", "coach")


@dataclass
class FaultLog:
    """What each fault did and how long the system took to be whole again."""

    entries: list[str] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)

    def note(self, text: str) -> None:
        wall = datetime.now(UTC).strftime("%H:%M:%S.%f")[:-3]
        self.entries.append(f"[{time.monotonic() - self.started:6.1f}s {wall}] {text}")


class CampaignStack:
    def __init__(self, workdir: Path, postgres_bin: Path) -> None:
        self.workdir = workdir
        self.pg = PrivatePostgres(postgres_bin)
        self.broker = RestartableBroker(partitions=3)
        self.prefix = f"fc{uuid.uuid4().hex[:8]}."
        self.admin_token = secrets.token_hex(16)
        self.scorer_token = secrets.token_hex(16)
        self.secrets = {name: f"campaign-{name}-{secrets.token_hex(8)}"
                        for name in PROVIDER_NAMES}
        self.secrets["salesforce"] = "00D" + secrets.token_hex(6)  # an outbound-message token
        self.services: dict[str, ServiceProcess] = {}
        self.database_url = ""
        self.log = FaultLog()

    # --- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        self.pg.init()
        self.database_url = self.pg.create_database("rapport")
        self.broker.start()
        ports = {name: free_port() for name in SERVICES}
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": self.broker.bootstrap,
            "DATABASE_URL": self.database_url,
            "RAPPORT_ADMIN_TOKEN": self.admin_token,
            "RAPPORT_COACH_LINK_SECRET": secrets.token_hex(16),
            "RAPPORT_COACH_SCORER_URL": f"http://127.0.0.1:{ports['scorer']}",
            "RAPPORT_INGEST_SALESFORCE_ORG_IDS": SALESFORCE_ORG,
            "RAPPORT_INGEST_PSEUDONYM_KEY": secrets.token_hex(16),
            "RAPPORT_SCORER_API_TOKEN": self.scorer_token,
            "RAPPORT_COACH_SCORER_TOKEN": self.scorer_token,
            # The real scorer process, started the fastest way: no TorchInductor compile (15-40 s
            # per start on two cores); bf16 where the CPU has AMX, else fp32.
            "RAPPORT_SCORER_COMPILE": "off",
            "RAPPORT_SCORER_DTYPE": "auto",
            "HF_HUB_OFFLINE": "1",
            "TRANSFORMERS_OFFLINE": "1",
        }
        for name in SERVICES:
            env[f"RAPPORT_{name.upper()}_ENVIRONMENT"] = "test"
            env[f"RAPPORT_{name.upper()}_KAFKA__TOPIC_PREFIX"] = self.prefix
            env[f"RAPPORT_{name.upper()}_KAFKA__TOPIC_PARTITIONS"] = "3"
        env |= {f"RAPPORT_WEBHOOK_SECRET_{name.upper()}": value
                for name, value in self.secrets.items()}
        self.services = {name: ServiceProcess(name, port, env, self.workdir / f"{name}.log")
                         for name, port in ports.items()}
        for service in self.services.values():
            service.start()
        for service in self.services.values():
            service.wait_ready()

    def close(self) -> None:
        for service in self.services.values():
            if service.process is not None and service.process.poll() is None:
                service.kill()
        self.broker.close()
        self.pg.destroy()

    def url(self, name: str) -> str:
        return self.services[name].url

    # --- faults -----------------------------------------------------------------------------

    def kill_broker(self, outage_seen: Callable[[], bool]) -> None:
        """SIGKILL the broker; once senders felt the outage, start it on the same data dir and
        ports."""
        self.broker.kill()
        self.log.note("broker killed (SIGKILL)")
        _wait(outage_seen, 30, "senders to see the broker outage")
        self.log.note("senders got 503s; restarting the broker")
        self.broker.restart()
        self.log.note("broker restarted (same data dir and ports)")

    def kill_scorer_mid_batch(self, timeout_s: float = 60) -> bool:
        """SIGKILL the scorer while it scores a poll batch: the model ran on the stream since
        the last batch was finished (the outcome counters move once a whole batch is persisted,
        published and about to be committed); start it again."""
        scorer = self.services["scorer"]
        deadline = time.monotonic() + timeout_s
        calls, messages = _scorer_progress(scorer.url)
        baseline = now_calls = calls
        mid_batch = False
        while time.monotonic() < deadline:
            now_calls, now_messages = _scorer_progress(scorer.url)
            if now_messages != messages:  # a batch finished: model calls count from here
                messages, baseline = now_messages, now_calls
            elif now_calls > baseline:
                mid_batch = True
                break
            time.sleep(0.05)  # sampling the scorer's public metrics
        scorer.kill()
        self.log.note(f"scorer killed (SIGKILL) {'mid-batch' if mid_batch else 'NOT mid-batch'}"
                      f" after {now_calls - baseline} model calls of the batch")
        scorer.start()
        scorer.wait_ready()
        self.log.note("scorer restarted and ready")
        return mid_batch

    def restart_coach(self) -> int:
        code = self.services["coach"].restart()
        self.log.note(f"coach restarted (SIGTERM exit code {code}) and ready")
        return code or 0

    def restart_postgres(self, outage_seen: Callable[[], bool]) -> None:
        """``pg_ctl stop -m fast`` (connections terminated), then start on the same data."""
        self.pg.stop("fast")
        self.log.note("PostgreSQL stopped (fast)")
        _wait(lambda: outage_seen() and not any(_ready(s.url) for s in self.services.values()),
              30, "senders and every service to feel the database away")
        self.log.note("senders got 503s, no service ready; starting PostgreSQL")
        self.pg.start()
        self.log.note("PostgreSQL started again")


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/readyz", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def _scorer_progress(url: str) -> tuple[float, float]:
    """(stream model calls, agent messages of finished batches) from ``/metrics``."""
    text = httpx.get(f"{url}/metrics", timeout=5, follow_redirects=True).text
    calls = messages = 0.0
    for line in text.splitlines():
        if line.startswith('rapport_scorer_batch_size_count{queue="stream"}'):
            calls = float(line.rsplit(" ", 1)[1])
        elif line.startswith("rapport_scorer_messages_total{"):
            messages += float(line.rsplit(" ", 1)[1])
    return calls, messages


def _wait(predicate: Callable[[], bool], timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.1)  # polling public state


def environment_ready() -> str | None:
    """Why the campaign cannot run here, or None."""
    from deploy.kafka.launcher import is_fetched
    from tests.support.postgres_server import postgres_bin_dir

    if postgres_bin_dir() is None:
        return "PostgreSQL binaries not installed (apt-get install postgresql)"
    if not is_fetched():
        return "Kafka jars not fetched (python -m deploy.kafka.launcher fetch)"
    if os.geteuid() == 0 and not Path("/usr/sbin/runuser").exists():
        return "runuser missing: PostgreSQL cannot be started as root"
    return None
