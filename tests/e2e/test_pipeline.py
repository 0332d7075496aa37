"""The whole system as a user runs it: three service processes on a real broker.

Signed helpdesk webhooks go into ingest; the scorer's consumer group scores the agent replies;
the coach's consumer group turns the scores into profiles and drills. Then every service is
stopped with SIGTERM and must exit cleanly.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from deploy.kafka.launcher import free_port
from deploy.local.stack import dev_env
from deploy.sample.replay import replay
from services.ingest.delivery_files import load_deliveries
from tests.support.processes import ServiceProcess, wait_until

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

ADMIN = {"Authorization": "Bearer e2e-admin-token"}


@pytest.fixture
def stack(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[dict[str, ServiceProcess]]:
    for key, value in dev_env().items():  # webhook secrets shared by the services and the replay
        monkeypatch.setenv(key, value)
    ports = {name: free_port() for name in ("ingest", "scorer", "coach")}
    common = {
        "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rapport.db'}",
        "RAPPORT_ADMIN_TOKEN": "e2e-admin-token",
        "RAPPORT_COACH_SCORER_URL": f"http://127.0.0.1:{ports['scorer']}",
        # The bundled sample holds a handful of replies per agent; production default is 8.
        "RAPPORT_COACH_PROFILE__MIN_EVIDENCE": "2",
    }
    for name in ports:
        common[f"RAPPORT_{name.upper()}_KAFKA__TOPIC_PREFIX"] = f"e2e{unique_name}."
    services = {name: ServiceProcess(name, port, common, tmp_path / f"{name}.log")
                for name, port in ports.items()}
    for service in services.values():
        service.start()
    try:
        for service in services.values():
            service.wait_ready()
        yield services
    finally:
        for service in services.values():
            if service.process is not None and service.process.poll() is None:
                service.process.kill()
                service.process.wait()


def _summary(coach: ServiceProcess) -> dict[str, object]:
    response = httpx.get(f"{coach.url}/v1/admin/summary", headers=ADMIN, timeout=5)
    response.raise_for_status()
    return dict(response.json())


def _scorer_count(scorer: ServiceProcess, outcome: str) -> float:
    metrics = httpx.get(f"{scorer.url}/metrics", timeout=5, follow_redirects=True).text
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
        if line.startswith("rapport_scorer_messages_total{") and f'outcome="{outcome}"' in line
    )


def test_sample_traffic_flows_from_webhooks_to_drills_and_services_stop_cleanly(
    stack: dict[str, ServiceProcess],
) -> None:
    deliveries = load_deliveries(Path("deploy/sample/traffic"))
    summary = replay(deliveries, stack["ingest"].url, from_env_only=True)
    assert not any(counts["failed"] for counts in summary.values()), summary

    coach = stack["coach"]
    wait_until(lambda: bool(_summary(coach)["assignments_this_week"]), timeout_s=120,
               what="the coach to assign drills from the scored sample")
    result = _summary(coach)
    agents = result["agents"]
    assert isinstance(agents, list)
    assert len(agents) >= 4
    assigned = [agent for agent in agents if agent["drills"]]
    assert assigned
    assert all(agent["focus_dimension"] for agent in assigned)

    scored = sum(agent["scored_messages"] for agent in agents)
    assert _scorer_count(stack["scorer"], "scored") >= scored > 0

    for name in ("ingest", "coach", "scorer"):
        service = stack[name]
        assert service.terminate() == 0, f"{name} did not exit cleanly:\n{service.log_tail()}"
