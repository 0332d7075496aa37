"""A real Prometheus for the tests: Debian's ``prometheus`` binary with a generated config.

The config is ``deploy/prometheus/prometheus-k8s.yml`` itself with its Kubernetes discovery
swapped for file discovery: each target carries the labels Kubernetes would give a Rapport pod
(scrape annotations, ``app.kubernetes.io/name``, phase), so the real relabelling builds the job
labels the alerts and dashboards select on (Debian builds Prometheus without Kubernetes
discovery, so ``promtool check config`` cannot read the file as it is).

Also here: ``underlying_queries``, what each alert expression is checked on against live data.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import yaml

from deploy.kafka.launcher import free_port

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "deploy" / "prometheus"
K8S_CONFIG = PROMETHEUS_DIR / "prometheus-k8s.yml"
ALERTS = PROMETHEUS_DIR / "alerts.yml"
PROMETHEUS_BINARY = shutil.which("prometheus")
ALERTMANAGER_BINARY = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")


def pod_target(service: str, address: str, port: int) -> dict[str, Any]:
    """A file-discovery target group labelled as Kubernetes labels a Rapport pod (deploy/k8s)."""
    return {
        "targets": [address],
        "labels": {
            "__meta_kubernetes_namespace": "rapport",
            "__meta_kubernetes_pod_name": f"rapport-{service}-0",
            "__meta_kubernetes_pod_phase": "Running",
            "__meta_kubernetes_pod_label_app_kubernetes_io_name": service,
            "__meta_kubernetes_pod_annotation_prometheus_io_scrape": "true",
            "__meta_kubernetes_pod_annotation_prometheus_io_port": str(port),
            "__meta_kubernetes_pod_annotation_prometheus_io_path": "/metrics",
        },
    }


def k8s_config_with_file_discovery(targets_file: Path) -> dict[str, Any]:
    """prometheus-k8s.yml with each ``kubernetes_sd_configs`` replaced by ``targets_file``."""
    config: dict[str, Any] = yaml.safe_load(K8S_CONFIG.read_text(encoding="utf-8"))
    for job in config["scrape_configs"]:
        if job.pop("kubernetes_sd_configs", None) is not None:
            job["file_sd_configs"] = [{"files": [str(targets_file)]}]
    config["rule_files"] = [str(ALERTS)]
    return config


class PrometheusServer:
    """``prometheus`` on a free port with its own storage under ``workdir``."""

    def __init__(self, workdir: Path, config: dict[str, Any]) -> None:
        self.workdir = workdir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.config_path = workdir / "prometheus.yml"
        self.log_path = workdir / "prometheus.log"
        self.config_path.write_text(yaml.safe_dump(config), encoding="utf-8")
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        assert PROMETHEUS_BINARY is not None
        with self.log_path.open("wb") as log:
            self._process = subprocess.Popen(
                [PROMETHEUS_BINARY, f"--config.file={self.config_path}",
                 f"--storage.tsdb.path={self.workdir / 'data'}",
                 f"--web.listen-address=127.0.0.1:{self.port}",
                 # Alerts that fire before the Alertmanager is discovered are dropped and only
                 # sent again after this delay (default 1m).
                 "--rules.alert.resend-delay=1s"],
                stdout=log, stderr=subprocess.STDOUT)

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(20)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()

    def api(self, path: str, **params: str) -> Any:
        """The ``data`` of a successful API answer; an error answer raises with its message."""
        response = httpx.get(f"{self.url}/api/v1/{path}", params=params, timeout=10)
        body = response.json()
        if body.get("status") != "success":
            raise AssertionError(f"{path} {params}: {body.get('errorType')}: {body.get('error')}")
        return body["data"]

    def query(self, expr: str) -> list[dict[str, Any]]:
        data = self.api("query", query=expr)
        assert data["resultType"] == "vector", f"{expr}: {data['resultType']}"
        result: list[dict[str, Any]] = data["result"]
        return result

    def wait_until(self, predicate: Callable[[], bool], *, timeout_s: float, what: str) -> None:
        if not self.poll(predicate, timeout_s=timeout_s):
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")

    def poll(self, predicate: Callable[[], bool], *, timeout_s: float) -> bool:
        """Whether ``predicate`` came true before the deadline (polled every half second)."""
        deadline = time.monotonic() + timeout_s
        while not predicate():
            if self._process is not None and self._process.poll() is not None:
                raise AssertionError(f"prometheus exited:\n{self.log_tail()}")
            if time.monotonic() > deadline:
                return False
            time.sleep(0.5)  # polling the Prometheus HTTP API
        return True

    def ready(self) -> bool:
        try:
            return httpx.get(f"{self.url}/-/ready", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def log_tail(self, lines: int = 30) -> str:
        text = self.log_path.read_text(errors="replace") if self.log_path.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


def write_targets(path: Path, groups: list[dict[str, Any]]) -> None:
    path.write_text(json.dumps(groups), encoding="utf-8")


# --- what an alert expression is checked on ----------------------------------------------------

# Set operators and comparisons: where an alert's condition (a threshold, "this but not that")
# joins the series it is about. Arithmetic is part of a series and is kept.
_OPERATOR = re.compile(r"\b(?:and|or|unless)\b|==|!=|>=|<=|>|<")
_MODIFIERS = re.compile(
    r"^\s*(?:bool\s*)?(?:(?:on|ignoring)\s*\([^)]*\)\s*)?"
    r"(?:(?:group_left|group_right)\s*(?:\([^)]*\))?\s*)?"
)
_NUMBER = re.compile(r"^\s*[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?\s*$", re.IGNORECASE)
_OPENING, _CLOSING = "([{", ")]}"


def _top_level_parts(expr: str) -> list[str]:
    parts, depth, start, index = [], 0, 0, 0
    while index < len(expr):
        char = expr[index]
        if char in "\"'`":
            index = expr.index(char, index + 1) + 1 if char == "`" else _string_end(expr, index)
            continue
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
        elif depth == 0 and (match := _OPERATOR.match(expr, index)):
            parts.append(expr[start:index])
            index = start = match.end()
            continue
        index += 1
    parts.append(expr[start:])
    return parts


def _string_end(expr: str, start: int) -> int:
    index = start + 1
    while expr[index] != expr[start]:
        index += 2 if expr[index] == "\\" else 1
    return index + 1


def _wrapped(expr: str, opening: str) -> str | None:
    """The inside of ``expr`` when it is entirely ``opening ... )``, else None."""
    expr = expr.strip()
    if not (expr.startswith(opening) and expr.endswith(")")):
        return None
    inside = expr[len(opening):-1]
    depth = 0
    for char in inside:  # "(a) / (b)" starts and ends with brackets but is not one group
        depth += (char in _OPENING) - (char in _CLOSING)
        if depth < 0:
            return None
    return inside


def underlying_queries(expr: str) -> list[str]:
    """The series an alert is about, with its conditions stripped.

    ``A > 0.5 and B unless on (job) C`` is checked as A, B and C; ``absent(X)`` as X. Each must
    return series from a healthy system with a little traffic: an empty one means a typo or a
    metric that is not initialised, not an alert that happens not to fire.
    """
    parts = [_MODIFIERS.sub("", part, count=1).strip() for part in _top_level_parts(expr)]
    found: list[str] = []
    for part in parts:
        if not part or _NUMBER.match(part):
            continue
        inside = _wrapped(part, "(") or _wrapped(part, "absent(")
        if inside is not None:
            found.extend(underlying_queries(inside))
        elif len(parts) == 1:
            found.append(part)
        else:
            found.extend(underlying_queries(part))
    return found
