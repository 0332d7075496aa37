"""The alert rules and dashboards against a real Prometheus scraping the running services.

The three services run as processes on the session's broker and a fresh PostgreSQL database,
signed sample webhooks and live scoring requests flow through them, and Debian's ``prometheus``
scrapes them every second through the Kubernetes config's own relabelling (file discovery in
place of the API: see tests/deploy/prometheus_server.py) with alerts.yml loaded. Then every
dashboard query, and every alert expression with its conditions stripped, must return series:
an empty one is a typo, a renamed metric or a label value nobody initialised. The rules must
evaluate without errors, and Prometheus must deliver alerts to a real Alertmanager running
deploy/alertmanager/alertmanager.yml, which routes them by severity.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from deploy.kafka.launcher import free_port
from deploy.local.stack import dev_env
from deploy.sample.replay import replay
from services.ingest.delivery_files import load_deliveries
from tests.deploy.prometheus_server import (
    ALERTMANAGER_BINARY,
    PROMETHEUS_BINARY,
    PrometheusServer,
    k8s_config_with_file_discovery,
    pod_target,
    underlying_queries,
    write_targets,
)
from tests.deploy.test_ops_artifacts import alert_rules, dashboard_exprs
from tests.support.databases import fresh_database
from tests.support.processes import ServiceProcess

pytestmark = [
    pytest.mark.kafka, pytest.mark.postgres, pytest.mark.slow,
    pytest.mark.skipif(PROMETHEUS_BINARY is None,
                       reason="prometheus not installed (Debian: apt-get install prometheus)"),
    pytest.mark.skipif(ALERTMANAGER_BINARY is None, reason="alertmanager not installed "
                       "(Debian: apt-get install prometheus-alertmanager)"),
]

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("ingest", "scorer", "coach")
# What Grafana substitutes; the scrape interval here is 1 s, so a minute holds plenty.
GRAFANA_VARIABLES = {"$__rate_interval": "1m", "$__interval": "15s"}
LIVE_SCORES = 5
SCORER_TOKEN = "prometheus-live-scorer-token"
ADMIN_TOKEN = "prometheus-live-admin-token"
# One alert per receiver of alertmanager.yml, always firing (a test-only rule file).
ROUTING_RULES = {"groups": [{"name": "routing-check", "rules": [
    {"alert": "RoutingCheckCritical", "expr": "vector(1)", "labels": {"severity": "critical"}},
    {"alert": "RoutingCheckWarning", "expr": "vector(1)", "labels": {"severity": "warning"}},
]}]}


class Alertmanager:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "alertmanager.log"
        self._storage = workdir / "alertmanager-data"
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert ALERTMANAGER_BINARY is not None
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [ALERTMANAGER_BINARY,
                 f"--config.file={ROOT / 'deploy' / 'alertmanager' / 'alertmanager.yml'}",
                 f"--storage.path={self._storage}",
                 f"--web.listen-address=127.0.0.1:{self.port}",
                 "--cluster.listen-address="],  # no gossip port: one instance
                stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            self._process.wait(20)

    def receivers_by_alert(self) -> dict[str, set[str]]:
        try:
            alerts = httpx.get(f"{self.url}/api/v2/alerts", timeout=5).json()
        except httpx.TransportError:
            return {}
        return {alert["labels"]["alertname"]: {r["name"] for r in alert["receivers"]}
                for alert in alerts}


@pytest.fixture
def monitored_stack(
    kafka_bootstrap: str, unique_name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[dict[str, ServiceProcess], PrometheusServer, Alertmanager]]:
    for key, value in dev_env().items():  # webhook secrets shared by the services and the replay
        monkeypatch.setenv(key, value)
    with ExitStack() as stack:
        database_url = stack.enter_context(fresh_database("postgresql", tmp_path))
        ports = {name: free_port() for name in SERVICES}
        env = {
            "KAFKA_BOOTSTRAP_SERVERS": kafka_bootstrap,
            "DATABASE_URL": database_url,
            "RAPPORT_COACH_SCORER_URL": f"http://127.0.0.1:{ports['scorer']}",
            "RAPPORT_SCORER_COMPILE": "off",  # a TorchInductor compile costs 15-40 s a start
            "RAPPORT_SCORER_API_TOKEN": SCORER_TOKEN,  # the coach reads it too
            "RAPPORT_ADMIN_TOKEN": ADMIN_TOKEN,
        }
        for name in SERVICES:
            env[f"RAPPORT_{name.upper()}_ENVIRONMENT"] = "development"
            env[f"RAPPORT_{name.upper()}_KAFKA__TOPIC_PREFIX"] = f"prom{unique_name}."
        services = {name: ServiceProcess(name, port, env, tmp_path / f"{name}.log")
                    for name, port in ports.items()}

        alertmanager = Alertmanager(tmp_path)
        alertmanager.start()
        stack.callback(alertmanager.stop)
        targets = tmp_path / "targets.json"
        write_targets(targets, [pod_target(name, "127.0.0.1", port)
                                for name, port in ports.items()])
        routing_rules = tmp_path / "routing-check.yml"
        routing_rules.write_text(yaml.safe_dump(ROUTING_RULES), encoding="utf-8")
        config = k8s_config_with_file_discovery(targets)
        config["global"] |= {"scrape_interval": "1s", "scrape_timeout": "1s",
                             "evaluation_interval": "1s"}
        config["rule_files"].append(str(routing_rules))
        config["alerting"] = {"alertmanagers": [
            {"static_configs": [{"targets": [f"127.0.0.1:{alertmanager.port}"]}]}]}
        prometheus = PrometheusServer(tmp_path, config)
        # Started first: its discovery takes a few seconds, the scorer's model load longer.
        prometheus.start()
        stack.callback(prometheus.stop)
        for service in services.values():
            service.start()
            stack.callback(_stop, service)
        for service in services.values():
            service.wait_ready()
        yield services, prometheus, alertmanager


def _stop(service: ServiceProcess) -> None:
    if service.process is not None and service.process.poll() is None:
        service.kill()


def _send_traffic(services: dict[str, ServiceProcess]) -> None:
    summary = replay(load_deliveries(ROOT / "deploy" / "sample" / "traffic"),
                     services["ingest"].url, from_env_only=True)
    assert not any(counts["failed"] for counts in summary.values()), summary
    with httpx.Client(timeout=30) as client:
        for index in range(LIVE_SCORES):
            response = client.post(f"{services['scorer'].url}/v1/score", headers={
                "Authorization": f"Bearer {SCORER_TOKEN}"}, json={
                "channel": "chat", "customer": "My order never arrived and nobody answers.",
                "reply": f"I'm sorry about that. I have checked order {index} and it ships "
                         "today; you will get the tracking link within the hour."})
            assert response.status_code == 200, response.text
        # Any route but the probes: the coach's per-route panels need one.
        client.get(f"{services['coach'].url}/v1/admin/summary",
                   headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})


def _value(prometheus: PrometheusServer, expr: str) -> float:
    result = prometheus.query(expr)
    return float(result[0]["value"][1]) if result else 0.0


def _queries() -> dict[str, str]:
    """Where it is from -> PromQL, for every dashboard target and every alert's series."""
    queries: dict[str, str] = {}
    for where, expr in dashboard_exprs():
        for variable, value in GRAFANA_VARIABLES.items():
            expr = expr.replace(variable, value)
        queries[f"{where} | {' '.join(expr.split())}"] = expr
    for rule in alert_rules():
        for expr in underlying_queries(rule["expr"]):
            queries[f"alert {rule['alert']} | {' '.join(expr.split())}"] = expr
    return queries


def _empty(prometheus: PrometheusServer, queries: dict[str, str]) -> list[str]:
    return [label for label, expr in queries.items() if not prometheus.query(expr)]


def test_every_alert_and_dashboard_query_returns_series_from_the_running_services(
    monitored_stack: tuple[dict[str, ServiceProcess], PrometheusServer, Alertmanager],
) -> None:
    services, prometheus, alertmanager = monitored_stack
    _send_traffic(services)

    # The relabelling of prometheus-k8s.yml gives the jobs the alerts select on.
    def targets_up() -> bool:
        active = prometheus.api("targets", state="active")["activeTargets"]
        return sorted((t["labels"]["job"], t["health"]) for t in active) == [
            ("rapport-coach", "up"), ("rapport-ingest", "up"), ("rapport-scorer", "up")]

    prometheus.wait_until(targets_up, timeout_s=30, what="the three targets to be scraped")
    # The traffic as Prometheus saw it: webhooks accepted, live scores, the stream scored.
    prometheus.wait_until(
        lambda: _value(prometheus, 'sum(rapport_ingest_deliveries_total{outcome="accepted"})') > 0
        and _value(prometheus, 'sum(rapport_scorer_http_request_duration_seconds_count'
                               '{route="/v1/score"})') >= LIVE_SCORES
        and _value(prometheus, 'sum(rapport_scorer_score_count{dimension="overall"})') > 0,
        timeout_s=60, what="the sample traffic in Prometheus' samples")

    queries = _queries()
    assert len(queries) > 60
    # A rate needs two scrapes of its series: poll until every query answers, to a deadline.
    empty = list(queries)

    def all_answer() -> bool:
        empty[:] = _empty(prometheus, queries)
        return not empty

    prometheus.poll(all_answer, timeout_s=20)
    assert not empty, "queries that return no series:\n  " + "\n  ".join(empty)

    def rules_evaluated() -> list[dict[str, Any]] | None:
        rules = [rule for group in prometheus.api("rules")["groups"] for rule in group["rules"]]
        return None if any(rule["health"] == "unknown" for rule in rules) else rules

    prometheus.wait_until(lambda: rules_evaluated() is not None, timeout_s=20,
                          what="every rule to be evaluated once")
    rules = rules_evaluated() or []
    assert {rule["name"] for rule in rules} >= {rule["alert"] for rule in alert_rules()}
    broken = {rule["name"]: rule.get("lastError") for rule in rules if rule["health"] != "ok"}
    assert not broken, f"rules that fail to evaluate: {json.dumps(broken, indent=2)}"

    # Alertmanager: each severity reaches the receiver alertmanager.yml routes it to.
    prometheus.wait_until(
        lambda: alertmanager.receivers_by_alert() == {"RoutingCheckCritical": {"pager"},
                                                      "RoutingCheckWarning": {"tickets"}},
        timeout_s=20, what="Alertmanager to receive and route the routing-check alerts")

