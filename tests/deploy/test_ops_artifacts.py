"""Static checks of the ops artifacts: compose, Dockerfile, Prometheus, Grafana, Kubernetes.

Nothing here starts a container or a cluster; the files are parsed and cross-checked against the
code (metric declarations, settings fields, topic names). ``promtool`` and ``amtool`` checks run
when they are on PATH (Debian: ``apt-get install prometheus prometheus-alertmanager``) and skip
with a reason otherwise. test_prometheus_live.py runs the rules and dashboards against a real
Prometheus scraping the services.
"""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel
from pydantic_settings import BaseSettings

from deploy.grafana import build_dashboards
from shared.events.topics import INTERACTIONS, TOPICS, all_topics, dlq_topic
from shared.settings import PLACEHOLDER_SECRETS
from tests.deploy.prometheus_server import k8s_config_with_file_discovery, underlying_queries

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
PROMETHEUS = DEPLOY / "prometheus"
GRAFANA = DEPLOY / "grafana"
K8S = DEPLOY / "k8s"
COMPOSE = ROOT / "docker-compose.yml"
OPERATIONS_DOC = ROOT / "docs" / "operations.md"
SERVICES = ("ingest", "scorer", "coach")
PORTS = {"ingest": 8001, "scorer": 8002, "coach": 8003}
ALERTMANAGER = DEPLOY / "alertmanager"
PROMTOOL = shutil.which("promtool")
needs_promtool = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool not installed (Debian: apt-get install prometheus)"
)
AMTOOL = shutil.which("amtool")

YAML_FILES = sorted(
    [COMPOSE, *(p for d in (PROMETHEUS, GRAFANA, K8S, ALERTMANAGER) for p in d.rglob("*.y*ml"))]
)


def load_yaml_documents(path: Path) -> list[Any]:
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def load_yaml(path: Path) -> Any:
    (document,) = load_yaml_documents(path)
    return document


# --- metric names the services declare ------------------------------------------------------

_METRIC_CLASSES = {"Counter", "Gauge", "Histogram", "Summary", "Info", "Enum"}
_SERVICE_PREFIX = "\x00SERVICE\x00"  # stands for rapport_<service> in shared helpers


def _string_constants(tree: ast.Module) -> dict[str, str]:
    constants: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = node.value
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                for target in targets:
                    if isinstance(target, ast.Name):
                        constants[target.id] = value.value
    return constants


def _evaluate(node: ast.expr | None, constants: dict[str, str]) -> str | None:
    """A metric name expression: a literal, a module constant, an f-string or a + of them.

    An f-string part that cannot be resolved (``{prefix}`` in a shared helper) becomes the
    per-service placeholder.
    """
    if node is None:
        return None
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.Name):
        return constants.get(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _evaluate(node.left, constants), _evaluate(node.right, constants)
        return None if left is None or right is None else left + right
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                resolved = _evaluate(value.value, constants)
                parts.append(_SERVICE_PREFIX if resolved is None else resolved)
            else:
                parts.append(_evaluate(value, constants) or "")
        return "".join(parts)
    return None


def _exposed_names(kind: str, name: str) -> set[str]:
    """The sample names prometheus-client exposes for one declared metric."""
    if kind == "Counter":
        base = name.removesuffix("_total")
        return {f"{base}_total", f"{base}_created"}
    if kind == "Histogram":
        return {f"{name}_bucket", f"{name}_sum", f"{name}_count", f"{name}_created"}
    if kind == "Summary":
        return {name, f"{name}_sum", f"{name}_count", f"{name}_created"}
    if kind == "Info":
        return {f"{name}_info"}
    return {name}


def declared_metrics(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    constants = _string_constants(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        kind = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        if kind not in _METRIC_CLASSES:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        name = _evaluate(node.args[0] if node.args else keywords.get("name"), constants)
        if name is None:
            continue
        parts = [_evaluate(keywords.get(k), constants) for k in ("namespace", "subsystem")]
        name = "_".join([p for p in parts if p] + [name])
        unit = _evaluate(keywords.get("unit"), constants)
        if unit and not name.endswith(f"_{unit}"):
            name = f"{name}_{unit}"
        names |= _exposed_names(kind, name)
    return names


def service_metrics_files() -> dict[str, Path]:
    return {service: ROOT / "services" / service / "metrics.py" for service in SERVICES}


def known_metric_names() -> set[str]:
    missing = [str(p.relative_to(ROOT)) for p in service_metrics_files().values() if not p.exists()]
    assert not missing, (
        f"{', '.join(missing)} does not exist yet: the alerts and dashboards query metrics it "
        "should declare (run this test again when the service lands)"
    )
    names = {"up"}
    for path in service_metrics_files().values():
        names |= declared_metrics(path)
    for path in sorted((ROOT / "shared").rglob("metrics*.py")):
        for name in declared_metrics(path):
            if name.startswith(_SERVICE_PREFIX):
                names |= {name.replace(_SERVICE_PREFIX, f"rapport_{s}") for s in SERVICES}
            else:
                names.add(name)
    return names


_STRING_LITERAL = re.compile(r'"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|`[^`]*`')
_RAPPORT_METRIC = re.compile(r"\brapport_[a-z0-9_]+\b")


def metric_names_in(expr: str) -> set[str]:
    """Every ``rapport_*`` metric name (and ``up``) a PromQL expression reads."""
    without_strings = _STRING_LITERAL.sub('""', expr)
    names = set(_RAPPORT_METRIC.findall(without_strings))
    if re.search(r"\bup\s*[{\[]|\bup\s*(==|!=|>|<)", without_strings):
        names.add("up")
    return names


def alert_rules() -> list[dict[str, Any]]:
    groups = load_yaml(PROMETHEUS / "alerts.yml")["groups"]
    return [rule for group in groups for rule in group["rules"]]


def dashboard_files() -> list[Path]:
    return sorted((GRAFANA / "dashboards").glob("*.json"))


def dashboard_panels(dashboard: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for panel in dashboard["panels"]:
        yield panel
        yield from panel.get("panels", [])


def dashboard_exprs() -> list[tuple[str, str]]:
    found = []
    for path in dashboard_files():
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        for panel in dashboard_panels(dashboard):
            for target in panel.get("targets", []):
                found.append((f"{path.name}: {panel['title']}", target["expr"]))
    return found


# --- YAML, JSON, generator ------------------------------------------------------------------


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_yaml_file_parses(path: Path) -> None:
    assert load_yaml_documents(path), f"{path} is empty"


def test_dashboards_are_valid_grafana_json() -> None:
    files = dashboard_files()
    assert [p.name for p in files] == ["rapport-overview.json"]
    for path in files:
        dashboard = json.loads(path.read_text(encoding="utf-8"))
        assert dashboard["title"] == "Rapport overview"
        assert 36 <= dashboard["schemaVersion"] <= 41
        assert dashboard["uid"]
        panels = list(dashboard_panels(dashboard))
        ids = [panel["id"] for panel in panels]
        assert len(ids) == len(set(ids)), "panel ids must be unique"
        for panel in panels:
            grid = panel["gridPos"]
            assert grid["x"] + grid["w"] <= 24, panel["title"]
            if panel["type"] == "row":
                continue
            assert panel["targets"], f"panel {panel['title']!r} has no query"
            for target in panel["targets"]:
                assert target["expr"].strip()
                assert target["datasource"]["uid"] == "${datasource}"
        variables = {v["name"]: v for v in dashboard["templating"]["list"]}
        assert variables["datasource"]["current"]["value"] == build_dashboards.DATASOURCE_UID


def test_dashboard_json_matches_its_generator() -> None:
    for name, text in build_dashboards.dashboards().items():
        path = GRAFANA / "dashboards" / name
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(ROOT)} is out of date: python -m deploy.grafana.build_dashboards"
        )


def test_grafana_provisioning_points_at_the_dashboards_and_prometheus() -> None:
    datasources = load_yaml(GRAFANA / "provisioning" / "datasources" / "prometheus.yml")
    (source,) = datasources["datasources"]
    assert source["type"] == "prometheus"
    assert source["uid"] == build_dashboards.DATASOURCE_UID
    assert source["url"] == "http://prometheus:9090"
    providers = load_yaml(GRAFANA / "provisioning" / "dashboards" / "rapport.yml")["providers"]
    assert providers[0]["options"]["path"] == "/var/lib/grafana/dashboards"


# --- metric names -----------------------------------------------------------------------------


def test_metric_extraction_understands_prometheus_client_conventions(tmp_path: Path) -> None:
    source = tmp_path / "metrics.py"
    source.write_text(
        "from prometheus_client import Counter, Gauge, Histogram, Info\n"
        'PREFIX = "rapport_x"\n'
        'A = Counter(f"{PREFIX}_things", "doc", ["kind"])\n'
        'B = Counter("rapport_x_other_total", "doc")\n'
        'C = Histogram(f"{PREFIX}_wait_seconds", "doc")\n'
        'D = Info(f"{PREFIX}_model", "doc")\n'
        'E = Gauge(name="lag", namespace="rapport", subsystem="x", documentation="doc")\n'
        "def helper(prefix: str) -> Counter:\n"
        '    return Counter(f"{prefix}_http_requests_total", "doc")\n'
    )
    names = declared_metrics(source)
    assert {"rapport_x_things_total", "rapport_x_other_total", "rapport_x_wait_seconds_bucket",
            "rapport_x_wait_seconds_count", "rapport_x_model_info", "rapport_x_lag",
            f"{_SERVICE_PREFIX}_http_requests_total"} <= names
    assert "rapport_x_wait_seconds" not in names
    assert metric_names_in(
        'sum(rate(rapport_a_total{route="rapport_not_a_metric"}[5m])) / on() up{job="x"} == 0'
    ) == {"rapport_a_total", "up"}


def test_shared_http_metrics_are_used_by_every_service() -> None:
    for service in SERVICES:
        app = ROOT / "services" / service / "app.py"
        assert app.exists(), f"services/{service}/app.py does not exist yet"
        assert f'prefix="rapport_{service}"' in app.read_text(encoding="utf-8"), (
            f"services/{service}/app.py should install HttpMetricsMiddleware with "
            f'prefix="rapport_{service}": the alerts and dashboards query those names'
        )


def test_ingest_serves_webhooks_under_the_route_the_alerts_select() -> None:
    """The webhook alerts and panels select ``route=~"/webhooks/.*"`` (the route template)."""
    sources = "\n".join(p.read_text(encoding="utf-8")
                        for p in (ROOT / "services" / "ingest").rglob("*.py"))
    assert re.search(r"""["']/webhooks/\{""", sources), (
        "services/ingest declares no /webhooks/{...} route yet: RapportIngestWebhooksFailing and "
        "RapportIngestWebhookLatencyHigh select route=~\"/webhooks/.*\"; update them if the "
        "route template differs"
    )


@pytest.mark.parametrize("service", SERVICES)
def test_service_declares_its_metrics(service: str) -> None:
    path = service_metrics_files()[service]
    assert path.exists(), (
        f"services/{service}/metrics.py does not exist yet: the alerts and dashboards query "
        "metrics it should declare (run this test again when the service lands)"
    )
    assert any(name.startswith(f"rapport_{service}_") for name in declared_metrics(path))


def test_alerts_query_only_declared_metrics() -> None:
    known = known_metric_names()
    unknown = {
        f"{rule['alert']}: {name}"
        for rule in alert_rules()
        for name in metric_names_in(rule["expr"])
        if name not in known
    }
    assert not unknown, f"alerts query metrics no service declares: {sorted(unknown)}"


def test_alert_unit_tests_feed_declared_metrics() -> None:
    known = known_metric_names()
    tests = load_yaml(PROMETHEUS / "alerts_test.yml")["tests"]
    series = [s["series"] for case in tests for s in case["input_series"]]
    unknown = {re.split(r"[{\s]", s, maxsplit=1)[0] for s in series} - known
    assert not unknown, f"alerts_test.yml feeds series no service declares: {sorted(unknown)}"


def test_dashboards_query_only_declared_metrics() -> None:
    known = known_metric_names()
    exprs = dashboard_exprs()
    assert exprs
    unknown = {f"{where}: {name}" for where, expr in exprs for name in metric_names_in(expr)
               if name not in known}
    assert not unknown, f"dashboards query metrics no service declares: {sorted(unknown)}"


# --- alert rules ----------------------------------------------------------------------------


def _doc_anchors() -> set[str]:
    """GitHub-style anchors of the headings in docs/operations.md."""
    anchors = set()
    for line in OPERATIONS_DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip().lower()
            anchors.add(re.sub(r"\s+", "-", re.sub(r"[^\w\s-]", "", title)))
    return anchors


def test_every_alert_has_for_severity_summary_and_a_runbook() -> None:
    rules = alert_rules()
    assert len(rules) >= 12
    names = [rule["alert"] for rule in rules]
    assert len(names) == len(set(names)), "alert names must be unique"
    anchors = _doc_anchors()
    for rule in rules:
        name = rule["alert"]
        assert re.fullmatch(r"\d+[smh]", str(rule.get("for", ""))), f"{name}: no `for:`"
        assert rule["labels"]["severity"] in {"critical", "warning"}, name
        annotations = rule["annotations"]
        assert annotations["summary"].strip(), name
        assert annotations["description"].strip(), name
        runbook = annotations["runbook_url"]
        assert runbook == f"docs/operations.md#{name.lower()}", name
        assert name.lower() in anchors, f"docs/operations.md has no runbook section {name!r}"


def test_the_alerts_the_ops_team_asked_for_exist() -> None:
    exprs = {rule["alert"]: rule["expr"] for rule in alert_rules()}
    wanted = {
        "RapportServiceDown": "up{",
        "RapportServiceNotReady": '/readyz"',
        "RapportIngestWebhooksFailing": '5.."',
        "RapportIngestSignatureFailures": '"unauthorized"',
        "RapportIngestWebhookLatencyHigh": "histogram_quantile(0.99",
        "RapportDeadLettersGrowing": "rapport_dead_letters_total",
        "RapportScorerLagHigh": "rapport_scorer_consumer_lag",
        "RapportScorerStageSlow": "rapport_scorer_stage_duration_seconds_bucket",
        "RapportScorerModelNotLoaded": "rapport_scorer_model_info",
        "RapportCoachLagHigh": "rapport_coach_consumer_lag",
        "RapportCoachAnnounceFailing": "rapport_coach_announce_failures_total",
        "RapportIngestRedactionStopped": "rapport_ingest_redactions_total",
        "RapportHttpErrorsHigh": 'status=~"5.."',
        "RapportDatabaseUnavailable": 'rapport_readiness_check_up{check="database"}',
        "RapportScorerLiveLatencyHigh": 'route="/v1/score", le="0.05"',
        "RapportCoachNoDrillsThisWeek": "increase(rapport_coach_assignments_total[7d])",
    }
    for name, fragment in wanted.items():
        assert name in exprs, f"missing alert {name}"
        assert fragment in exprs[name], f"{name} should use {fragment}"


def test_lag_alerts_are_per_consumer_group() -> None:
    exprs = {rule["alert"]: rule["expr"] for rule in alert_rules()}
    for name in ("RapportScorerLagHigh", "RapportCoachLagHigh"):
        assert "sum by (group, topic)" in exprs[name], name


def test_underlying_queries_strip_conditions_but_keep_arithmetic() -> None:
    """What test_prometheus_live checks each alert on: its series, not its threshold."""
    assert underlying_queries('(sum(rate(a[5m])) / sum(rate(b[5m]))) > 0.5 or c{x="or"} == 0') \
        == ["sum(rate(a[5m])) / sum(rate(b[5m]))", 'c{x="or"}']
    assert underlying_queries("up == 1 unless on (job, instance) info") == ["up", "info"]
    assert underlying_queries('absent(up{job="a"}) or absent(up{job="b"})') == [
        'up{job="a"}', 'up{job="b"}']
    assert underlying_queries("sum(a) * 0.5 < sum(b) and deriv(c[15m]) > bool 0") == [
        "sum(a) * 0.5", "sum(b)", "deriv(c[15m])"]
    assert underlying_queries("(x or y * 0) / z") == ["(x or y * 0) / z"]
    assert underlying_queries("(a) / (b) > 1") == ["(a) / (b)"]


def test_prometheus_scrapes_the_three_services_under_the_alerts_job_names() -> None:
    config = load_yaml(PROMETHEUS / "prometheus.yml")
    assert config["rule_files"] == ["alerts.yml"]
    (alertmanagers,) = config["alerting"]["alertmanagers"]
    assert alertmanagers["static_configs"][0]["targets"] == ["alertmanager:9093"]
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for service in SERVICES:
        targets = jobs[f"rapport-{service}"]["static_configs"][0]["targets"]
        assert targets == [f"{service}:{PORTS[service]}"]
    k8s = load_yaml(PROMETHEUS / "prometheus-k8s.yml")
    (pods,) = k8s["scrape_configs"]
    assert pods["kubernetes_sd_configs"][0]["role"] == "pod"
    relabels = pods["relabel_configs"]
    assert any(r.get("target_label") == "job" and r.get("replacement") == "rapport-$1"
               for r in relabels)
    assert any("__meta_kubernetes_pod_annotation_prometheus_io_scrape" in r["source_labels"]
               and r["action"] == "keep" for r in relabels)


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run([PROMTOOL, *args], cwd=PROMETHEUS, capture_output=True, text=True,
                          timeout=120, check=False)


@needs_promtool
def test_promtool_check_rules() -> None:
    result = _promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_alert_unit_tests() -> None:
    result = _promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_check_config() -> None:
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr


@needs_promtool
def test_promtool_check_k8s_config(tmp_path: Path) -> None:
    """Debian builds Prometheus without Kubernetes discovery, so promtool cannot read the file
    as it is: it checks everything else (relabelling regexes, rules) with file discovery in
    its place. test_prometheus_live scrapes the services through the same relabelling."""
    targets = tmp_path / "targets.json"
    targets.write_text("[]")
    config = tmp_path / "prometheus-k8s.yml"
    config.write_text(yaml.safe_dump(k8s_config_with_file_discovery(targets)))
    result = _promtool("check", "config", str(config))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS: 1 rule files found" in result.stdout


@pytest.mark.skipif(AMTOOL is None, reason="amtool not installed (Debian: apt-get install "
                    "prometheus-alertmanager)")
def test_amtool_checks_the_alertmanager_config() -> None:
    assert AMTOOL is not None
    result = subprocess.run([AMTOOL, "check-config", str(ALERTMANAGER / "alertmanager.yml")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_alertmanager_routes_every_severity_the_alerts_use() -> None:
    config = load_yaml(ALERTMANAGER / "alertmanager.yml")
    receivers = {receiver["name"] for receiver in config["receivers"]}
    route = config["route"]
    assert route["receiver"] in receivers
    assert {sub["receiver"] for sub in route["routes"]} <= receivers
    assert ['severity="critical"'] in [sub["matchers"] for sub in route["routes"]]
    alert_names = {rule["alert"] for rule in alert_rules()}
    for rule in config.get("inhibit_rules", []):
        for matcher in rule["source_matchers"] + rule["target_matchers"]:
            named = re.fullmatch(r'alertname=~?"([^"]+)"', matcher)
            assert named, matcher
            assert set(named.group(1).split("|")) <= alert_names, matcher


@needs_promtool
def test_promtool_parses_every_dashboard_query(tmp_path: Path) -> None:
    """Each dashboard query, as a recording rule, so promtool parses its PromQL."""
    rules = [
        {"record": f"rapport:dashboard_query_{index}",
         "expr": expr.replace("$__rate_interval", "5m").replace("$__interval", "1m")}
        for index, (_where, expr) in enumerate(dashboard_exprs())
    ]
    path = tmp_path / "dashboard-queries.yml"
    path.write_text(yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}))
    result = _promtool("check", "rules", str(path))
    assert result.returncode == 0, result.stdout + result.stderr


# --- docker-compose and the Dockerfile ------------------------------------------------------


# Published ports listen on localhost unless the operator's .env says otherwise.
BIND_ADDRESS = "${RAPPORT_BIND_ADDRESS:-127.0.0.1}"


def compose() -> dict[str, Any]:
    document: dict[str, Any] = load_yaml(COMPOSE)
    return document


def test_compose_references_files_that_exist() -> None:
    for name, service in compose()["services"].items():
        build = service.get("build")
        if build:
            assert (ROOT / build["context"]).is_dir(), name
            assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name
        for env_file in service.get("env_file", []):
            assert (ROOT / env_file).is_file(), f"{name}: env_file {env_file}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name}: bind mount {source}"


def test_compose_runs_the_three_services_from_the_image() -> None:
    services = compose()["services"]
    for name in SERVICES:
        service = services[name]
        assert service["command"] == ["python", "-m", f"services.{name}"]
        assert (ROOT / "services" / name / "__main__.py").is_file(), (
            f"services/{name}/__main__.py does not exist yet (compose runs python -m "
            f"services.{name})"
        )
        env = service["environment"]
        assert env["KAFKA_BOOTSTRAP_SERVERS"] == "kafka:9092"
        assert env["DATABASE_URL"].startswith("postgresql://")
        prefix = f"RAPPORT_{name.upper()}_"
        assert env[f"{prefix}HOST"] == "0.0.0.0"
        assert env[f"{prefix}ENVIRONMENT"] == "production"
        assert service["ports"] == [f"{BIND_ADDRESS}:{PORTS[name]}:{PORTS[name]}"]
        assert f"127.0.0.1:{PORTS[name]}/readyz" in " ".join(service["healthcheck"]["test"])
        depends = service["depends_on"]
        assert depends["kafka-init"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["kafka"]["condition"] == "service_healthy"


def test_compose_kafka_is_a_complete_single_node_kraft_config() -> None:
    kafka = compose()["services"]["kafka"]
    assert kafka["image"] == "apache/kafka:4.1.2"
    env = {key: str(value) for key, value in kafka["environment"].items()}
    expected = {
        "KAFKA_NODE_ID": "1",
        "KAFKA_PROCESS_ROLES": "broker,controller",
        "KAFKA_CONTROLLER_QUORUM_VOTERS": "1@kafka:9093",
        "KAFKA_INTER_BROKER_LISTENER_NAME": "PLAINTEXT",
        "KAFKA_CONTROLLER_LISTENER_NAMES": "CONTROLLER",
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR": "1",
        "KAFKA_TRANSACTION_STATE_LOG_MIN_ISR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR": "1",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_MIN_ISR": "1",
        "KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS": "0",
        "KAFKA_AUTO_CREATE_TOPICS_ENABLE": "false",
    }
    for key, value in expected.items():
        assert env.get(key) == value, key
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"])
    listeners = set(env["KAFKA_LISTENERS"].split(","))
    assert listeners == {"PLAINTEXT://:9092", "CONTROLLER://:9093", "EXTERNAL://:29092"}
    assert set(env["KAFKA_ADVERTISED_LISTENERS"].split(",")) == {
        "PLAINTEXT://kafka:9092", "EXTERNAL://localhost:29092"}
    protocols = dict(item.split(":") for item in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"]
                     .split(","))
    assert protocols == {"PLAINTEXT": "PLAINTEXT", "CONTROLLER": "PLAINTEXT",
                         "EXTERNAL": "PLAINTEXT"}
    assert f"{BIND_ADDRESS}:29092:29092" in kafka["ports"]


def test_compose_topic_init_creates_every_topic() -> None:
    init = compose()["services"]["kafka-init"]
    assert init["image"] == "apache/kafka:4.1.2"
    script = "\n".join(init["command"])
    assert "--if-not-exists" in script
    loops = re.findall(r"for topic in ([^;]+); do(.*?)done", script, flags=re.S)
    created: dict[str, int] = {}
    for topics, body in loops:
        match = re.search(r"--partitions (\d+)", body)
        assert match, body
        created |= dict.fromkeys(topics.split(), int(match.group(1)))
    assert set(created) == set(all_topics())
    for topic in TOPICS:
        assert created[topic] == 6
        assert created[dlq_topic(topic)] == 3


def test_compose_monitoring_mounts_the_repo_configs() -> None:
    services = compose()["services"]
    assert "./deploy/prometheus:/etc/prometheus:ro" in services["prometheus"]["volumes"]
    assert "--config.file=/etc/prometheus/prometheus.yml" in services["prometheus"]["command"]
    alertmanager = services["alertmanager"]
    assert "./deploy/alertmanager:/etc/alertmanager:ro" in alertmanager["volumes"]
    assert "--config.file=/etc/alertmanager/alertmanager.yml" in alertmanager["command"]
    assert "alertmanager" in services["prometheus"]["depends_on"]
    volumes = services["grafana"]["volumes"]
    assert "./deploy/grafana/provisioning:/etc/grafana/provisioning:ro" in volumes
    assert "./deploy/grafana/dashboards:/var/lib/grafana/dashboards:ro" in volumes


def test_dockerfile_is_one_non_root_offline_image() -> None:
    dockerfile = (DEPLOY / "docker" / "Dockerfile").read_text(encoding="utf-8")
    assert "ARG PYTHON_IMAGE=python:3.11-slim" in dockerfile
    assert "HF_HUB_OFFLINE=1" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, flags=re.M)
    assert users
    assert users[-1] not in {"root", "0", "0:0"}
    assert 'CMD ["python", "-m", "services.ingest"]' in dockerfile
    for copied in re.findall(r"^COPY (?:--\S+ )*(\S+) ", dockerfile, flags=re.M):
        assert (ROOT / copied).exists() or copied == "/opt/venv", copied


def test_dockerignore_copies_agree_and_keep_the_heavy_folders_out() -> None:
    beside = (DEPLOY / "docker" / "Dockerfile.dockerignore").read_text(encoding="utf-8")
    assert (ROOT / ".dockerignore").read_text(encoding="utf-8") == beside
    lines = set(beside.splitlines())
    assert {".git", ".venv", ".run", ".data", "deploy/kafka/target"} <= lines
    assert not {"services", "shared", "pyproject.toml"} & lines


# --- Kubernetes -----------------------------------------------------------------------------


def k8s_objects() -> list[dict[str, Any]]:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    objects = []
    for resource in kustomization["resources"]:
        assert (K8S / resource).is_file(), f"kustomization lists missing {resource}"
        objects.extend(load_yaml_documents(K8S / resource))
    return objects


def _of_kind(kind: str) -> dict[str, dict[str, Any]]:
    return {o["metadata"]["name"]: o for o in k8s_objects() if o["kind"] == kind}


def test_k8s_deployments_have_probes_resources_and_scrape_annotations() -> None:
    deployments = _of_kind("Deployment")
    assert set(deployments) == {f"rapport-{s}" for s in SERVICES}
    replicas = {"ingest": 3, "scorer": 2, "coach": 2}
    for service in SERVICES:
        deployment = deployments[f"rapport-{service}"]
        spec = deployment["spec"]
        assert spec["replicas"] == replicas[service]
        pod = spec["template"]
        annotations = pod["metadata"]["annotations"]
        assert annotations["prometheus.io/scrape"] == "true"
        assert annotations["prometheus.io/port"] == str(PORTS[service])
        assert annotations["prometheus.io/path"] == "/metrics"
        assert pod["metadata"]["labels"]["app.kubernetes.io/name"] == service
        assert 30 <= pod["spec"]["terminationGracePeriodSeconds"] <= 60
        assert pod["spec"]["securityContext"]["runAsNonRoot"] is True
        (container,) = pod["spec"]["containers"]
        assert container["command"] == ["python", "-m", f"services.{service}"]
        assert container["ports"][0]["containerPort"] == PORTS[service]
        assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
        assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
        assert container["startupProbe"]["httpGet"]["path"] == "/healthz"
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"])
        assert "memory" in resources["limits"]
        refs = {(next(iter(ref)), next(iter(ref.values()))["name"]) for ref in container["envFrom"]}
        assert refs == {("configMapRef", "rapport-config"), ("secretRef", "rapport-secrets")}
    scorer = deployments["rapport-scorer"]["spec"]["template"]["spec"]["containers"][0]
    assert scorer["resources"]["requests"]["memory"] == "1536Mi"


def test_k8s_every_deployment_has_a_service_and_a_disruption_budget() -> None:
    services, budgets = _of_kind("Service"), _of_kind("PodDisruptionBudget")
    for name, deployment in _of_kind("Deployment").items():
        labels = deployment["spec"]["template"]["metadata"]["labels"]
        assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()
        assert services[name]["spec"]["selector"].items() <= labels.items()
        assert budgets[name]["spec"]["selector"]["matchLabels"].items() <= labels.items()
    hpa = _of_kind("HorizontalPodAutoscaler")["rapport-ingest"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "rapport-ingest"
    assert hpa["minReplicas"] == 3
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"


def test_k8s_kustomization_and_namespace() -> None:
    kustomization = load_yaml(K8S / "kustomization.yaml")
    assert kustomization["namespace"] == "rapport"
    assert "secret.template.yaml" not in kustomization["resources"]
    assert _of_kind("Namespace")["rapport"]


def test_k8s_secret_template_holds_only_placeholders() -> None:
    (secret,) = load_yaml_documents(K8S / "secret.template.yaml")
    assert secret["kind"] == "Secret"
    assert secret["metadata"]["name"] == "rapport-secrets"
    values = secret["stringData"]
    for key, value in values.items():
        if key == "DATABASE_URL":
            assert ":changeme@" in value
        else:
            assert value.lower() in PLACEHOLDER_SECRETS, f"{key} must be a placeholder"
    assert {"RAPPORT_ADMIN_TOKEN", "RAPPORT_COACH_LINK_SECRET",
            "RAPPORT_WEBHOOK_SECRET_ZENDESK"} <= set(values)


def _settings_classes() -> dict[str, type[BaseSettings]]:
    from services.coach.settings import CoachSettings
    from services.ingest.settings import IngestSettings
    from services.scorer.settings import ScorerSettings

    return {"INGEST": IngestSettings, "SCORER": ScorerSettings, "COACH": CoachSettings}


def _is_known_setting(cls: type[BaseModel], path: list[str]) -> bool:
    fields = cls.model_fields
    if path[0] not in fields:
        return False
    if len(path) == 1:
        return True
    annotation = fields[path[0]].annotation
    return (isinstance(annotation, type) and issubclass(annotation, BaseModel)
            and _is_known_setting(annotation, path[1:]))


def _unknown_settings(env: dict[str, Any]) -> list[str]:
    classes = _settings_classes()
    unknown = []
    for key in env:
        match = re.fullmatch(r"RAPPORT_(INGEST|SCORER|COACH)_(.+)", key)
        if match is None:
            continue
        path = match.group(2).lower().split("__")
        if not _is_known_setting(classes[match.group(1)], path):
            unknown.append(key)
    return unknown


def test_every_rapport_variable_set_by_the_deploy_files_is_a_real_setting() -> None:
    env: dict[str, Any] = {}
    env |= _of_kind("ConfigMap")["rapport-config"]["data"]
    env |= load_yaml(K8S / "secret.template.yaml")["stringData"]
    for deployment in _of_kind("Deployment").values():
        for container in deployment["spec"]["template"]["spec"]["containers"]:
            env |= {item["name"]: item.get("value") for item in container.get("env", [])}
    for service in compose()["services"].values():
        if isinstance(service.get("environment"), dict):
            env |= service["environment"]
    unknown = _unknown_settings(env)
    assert not unknown, f"variables no settings class reads (typo?): {unknown}"


def test_k8s_scorer_replicas_fit_the_partitions() -> None:
    scorer = _of_kind("Deployment")["rapport-scorer"]
    assert scorer["spec"]["replicas"] <= 6, f"more scorers than {INTERACTIONS} partitions"
