"""Writes the Grafana dashboards in ``deploy/grafana/dashboards/`` from the panel lists below.

    python -m deploy.grafana.build_dashboards           # rewrite the JSON files
    python -m deploy.grafana.build_dashboards --check   # exit 1 when a file is out of date

The JSON is committed (Grafana provisioning reads it as is); tests/deploy checks that it matches
this generator and that every metric it queries is one the services declare. Edit here, not in
the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DASHBOARD_DIR = Path(__file__).resolve().parent / "dashboards"
DATASOURCE_UID = "rapport-prometheus"  # provisioning/datasources/prometheus.yml
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RATE = "$__rate_interval"
# Probe and scrape traffic would drown the real routes in the per-route panels.
OPS_ROUTES = 'route!~"/metrics|/healthz|/readyz"'
SERVICES = ("ingest", "scorer", "coach")

Json = dict[str, Any]


@dataclass(frozen=True)
class Target:
    expr: str
    legend: str


@dataclass(frozen=True)
class Panel:
    title: str
    targets: tuple[Target, ...]
    unit: str = "short"
    kind: str = "timeseries"  # timeseries | stat
    width: int = 12
    height: int = 8
    description: str = ""
    stack: bool = False


@dataclass
class Row:
    title: str
    panels: list[Panel] = field(default_factory=list)


def quantile(q: float, metric: str, by: str, selector: str = "") -> str:
    inner = f"{metric}_bucket{{{selector}}}" if selector else f"{metric}_bucket"
    return f"histogram_quantile({q}, sum by (le, {by}) (rate({inner}[{RATE}])))"


def http_row(service: str) -> Row:
    requests = f"rapport_{service}_http_requests_total"
    duration = f"rapport_{service}_http_request_duration_seconds"
    return Row(f"{service}: HTTP", [
        Panel(f"{service}: requests/s by route and status", (
            Target(f"sum by (route, status) (rate({requests}{{{OPS_ROUTES}}}[{RATE}]))",
                   "{{route}} {{status}}"),
        ), unit="reqps", width=8),
        Panel(f"{service}: error ratio by route", (
            Target(f'sum by (route) (rate({requests}{{{OPS_ROUTES}, status=~"5.."}}[{RATE}]))'
                   f" / sum by (route) (rate({requests}{{{OPS_ROUTES}}}[{RATE}]))",
                   "5xx {{route}}"),
            Target(f'sum by (route) (rate({requests}{{{OPS_ROUTES}, status=~"4.."}}[{RATE}]))'
                   f" / sum by (route) (rate({requests}{{{OPS_ROUTES}}}[{RATE}]))",
                   "4xx {{route}}"),
        ), unit="percentunit", width=8),
        Panel(f"{service}: latency by route (p50, p99)", (
            Target(quantile(0.5, duration, "route", OPS_ROUTES), "p50 {{route}}"),
            Target(quantile(0.99, duration, "route", OPS_ROUTES), "p99 {{route}}"),
        ), unit="s", width=8),
    ])


def rows() -> list[Row]:
    health = Row("Health", [
        Panel("Targets up", (
            Target('sum by (job) (up{job=~"rapport-(ingest|scorer|coach)"})', "{{job}}"),
        ), kind="stat", width=8, height=5,
            description="Replicas Prometheus scrapes successfully, per service."),
        Panel("Readiness probes failing (/readyz non-200 per second)", tuple(
            Target(f'sum by (instance) (rate(rapport_{svc}_http_requests_total'
                   f'{{route="/readyz", status!="200"}}[{RATE}]))', f"{svc} {{{{instance}}}}")
            for svc in SERVICES
        ), unit="reqps", width=16, height=5),
    ])
    ingest = Row("Ingest: webhooks", [
        Panel("Deliveries by provider and outcome", (
            Target(f"sum by (provider, outcome) (rate(rapport_ingest_deliveries_total[{RATE}]))",
                   "{{provider}} {{outcome}}"),
        ), unit="reqps", stack=True,
            description="accepted, duplicate, ignored, unauthorized, invalid, too_large, "
                        "unavailable (503: the broker did not acknowledge)."),
        Panel("Webhooks answered 503 / 401 (ratio of deliveries)", (
            Target('sum(rate(rapport_ingest_deliveries_total{outcome="unavailable"}'
                   f"[{RATE}])) / sum(rate(rapport_ingest_deliveries_total[{RATE}]))",
                   "503 unavailable"),
            Target('sum by (provider) (rate(rapport_ingest_deliveries_total'
                   f'{{outcome="unauthorized"}}[{RATE}])) / sum by (provider) '
                   f"(rate(rapport_ingest_deliveries_total[{RATE}]))",
                   "401 {{provider}}"),
        ), unit="percentunit"),
        Panel("PII redactions by type", (
            Target(f"sum by (type) (rate(rapport_ingest_redactions_total[{RATE}]))", "{{type}}"),
        ), unit="ops", stack=True, width=8,
            description="Should never sit at zero while deliveries are accepted "
                        "(alert RapportIngestRedactionStopped)."),
        Panel("Produce latency to acks=all (p50, p99)", (
            Target(quantile(0.5, "rapport_ingest_produce_latency_seconds", "job"), "p50"),
            Target(quantile(0.99, "rapport_ingest_produce_latency_seconds", "job"), "p99"),
        ), unit="s", width=8),
        Panel("Events published and duplicates by provider", (
            Target(f"sum by (provider) (rate(rapport_ingest_events_published_total[{RATE}]))",
                   "published {{provider}}"),
            Target(f"sum by (provider) (rate(rapport_ingest_duplicates_total[{RATE}]))",
                   "duplicate {{provider}}"),
        ), unit="ops", width=8),
        Panel("Helpdesk API fetches by result (HubSpot bodies)", (
            Target(f"sum by (provider, result) (rate(rapport_ingest_api_fetches_total[{RATE}]))",
                   "{{provider}} {{result}}"),
        ), unit="ops"),
        Panel("Backfill: records imported (per minute)", (
            Target("sum by (provider) (increase(rapport_ingest_backfill_records_total[1m]))",
                   "{{provider}}"),
        ), stack=True,
            description="Counted by the process that runs the backfill: a CLI run outside "
                        "the ingest service is not scraped."),
    ])
    scorer = Row("Scorer", [
        Panel("Agent messages by outcome", (
            Target(f"sum by (outcome) (rate(rapport_scorer_messages_total[{RATE}]))",
                   "{{outcome}}"),
        ), unit="ops", stack=True, width=8),
        Panel("Consumer lag (records behind support.interactions.v1)", (
            Target("sum(rapport_scorer_consumer_lag)", "total"),
            Target("sum by (instance) (rapport_scorer_consumer_lag)", "{{instance}}"),
        ), width=8),
        Panel("Replicas by model version, dtype, device and compiling", (
            Target("count by (version, dtype, device, compiled) (rapport_scorer_model_info)",
                   "{{version}} {{dtype}} {{device}} compiled={{compiled}}"),
        ), kind="stat", width=8,
            description="From rapport_scorer_model_info; a replica missing here has no model "
                        "loaded (alert RapportScorerModelNotLoaded)."),
        Panel("Stage duration per batch (p95)", (
            Target(quantile(0.95, "rapport_scorer_stage_duration_seconds", "stage"), "{{stage}}"),
        ), unit="s", width=8),
        Panel("Batch size (p50, p95)", (
            Target(quantile(0.5, "rapport_scorer_batch_size", "queue"), "p50 {{queue}}"),
            Target(quantile(0.95, "rapport_scorer_batch_size", "queue"), "p95 {{queue}}"),
        ), width=8),
        Panel("Tokens per batch (p50, p95)", (
            Target(quantile(0.5, "rapport_scorer_batch_tokens", "queue"), "p50 {{queue}}"),
            Target(quantile(0.95, "rapport_scorer_batch_tokens", "queue"), "p95 {{queue}}"),
        ), width=8),
        Panel("Throughput: model calls per second", (
            Target(f"sum by (queue) (rate(rapport_scorer_batch_size_count[{RATE}]))",
                   "{{queue}}"),
        ), unit="ops", width=8),
        Panel("Queue wait before the model call (p50, p99)", (
            Target(quantile(0.5, "rapport_scorer_queue_wait_seconds", "queue"), "p50 {{queue}}"),
            Target(quantile(0.99, "rapport_scorer_queue_wait_seconds", "queue"),
                   "p99 {{queue}}"),
        ), unit="s", width=8,
            description="Live practice replies should start within a few ms (target: answer "
                        "within 50 ms)."),
        Panel("Mean time per stage and batch", (
            Target(f"sum by (stage) (rate(rapport_scorer_stage_duration_seconds_sum[{RATE}]))"
                   f" / sum by (stage) (rate(rapport_scorer_stage_duration_seconds_count"
                   f"[{RATE}]))", "{{stage}}"),
        ), unit="s", width=8, stack=True),
    ])
    coach = Row("Coach", [
        Panel("Score events consumed by outcome", (
            Target(f"sum by (outcome) (rate(rapport_coach_score_events_total[{RATE}]))",
                   "{{outcome}}"),
        ), unit="ops", stack=True, width=8),
        Panel("Profile updates", (
            Target(f"sum(rate(rapport_coach_profile_updates_total[{RATE}]))", "rows/s"),
        ), unit="ops", width=8),
        Panel("Consumer lag (records behind support.scores.v1)", (
            Target("sum(rapport_coach_consumer_lag)", "total"),
            Target("sum by (instance) (rapport_coach_consumer_lag)", "{{instance}}"),
        ), width=8),
        Panel("Assignments by dimension (per hour)", (
            Target("sum by (dimension) (increase(rapport_coach_assignments_total[1h]))",
                   "{{dimension}}"),
        ), stack=True, width=8),
        Panel("Drills completed by dimension (per hour)", (
            Target("sum by (dimension) (increase(rapport_coach_drills_completed_total[1h]))",
                   "{{dimension}}"),
        ), stack=True, width=8),
        Panel("Practice replies by outcome", (
            Target(f"sum by (outcome) (rate(rapport_coach_practice_attempts_total[{RATE}]))",
                   "{{outcome}}"),
        ), unit="ops", stack=True, width=8),
        Panel("Assignment decision latency (p50, p99)", (
            Target(quantile(0.5, "rapport_coach_decision_duration_seconds", "job"), "p50"),
            Target(quantile(0.99, "rapport_coach_decision_duration_seconds", "job"), "p99"),
        ), unit="s", width=8),
        Panel("Assignments published vs announce failures", (
            Target(f"sum(rate(rapport_coach_assignments_published_total[{RATE}]))",
                   "published"),
            Target(f"sum(rate(rapport_coach_announce_failures_total[{RATE}]))",
                   "announce failures"),
        ), unit="ops", width=8),
    ])
    return [health, http_row("ingest"), http_row("scorer"), http_row("coach"), ingest, scorer,
            coach]


def _panel_json(panel: Panel, panel_id: int, x: int, y: int) -> Json:
    targets = [
        {"datasource": DATASOURCE, "editorMode": "code", "expr": target.expr,
         "legendFormat": target.legend, "range": True, "refId": chr(ord("A") + index)}
        for index, target in enumerate(panel.targets)
    ]
    body: Json = {
        "datasource": DATASOURCE,
        "description": panel.description,
        "gridPos": {"h": panel.height, "w": panel.width, "x": x, "y": y},
        "id": panel_id,
        "targets": targets,
        "title": panel.title,
        "type": panel.kind,
    }
    if panel.kind == "stat":
        body["fieldConfig"] = {"defaults": {"unit": panel.unit, "color": {"mode": "thresholds"},
                                            "thresholds": {"mode": "absolute", "steps": [
                                                {"color": "red", "value": None},
                                                {"color": "green", "value": 1}]}},
                               "overrides": []}
        body["options"] = {"colorMode": "background", "graphMode": "none", "justifyMode": "auto",
                           "orientation": "auto", "textMode": "value_and_name",
                           "reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                             "values": False}}
        return body
    body["fieldConfig"] = {
        "defaults": {
            "unit": panel.unit,
            "min": 0,
            "custom": {"drawStyle": "line", "lineWidth": 1, "fillOpacity": 10,
                       "showPoints": "never", "spanNulls": False,
                       "stacking": {"mode": "normal" if panel.stack else "none", "group": "A"}},
        },
        "overrides": [],
    }
    body["options"] = {"legend": {"displayMode": "list", "placement": "bottom",
                                  "showLegend": True, "calcs": []},
                       "tooltip": {"mode": "multi", "sort": "desc"}}
    return body


def _layout(all_rows: list[Row]) -> Iterator[Json]:
    panel_id = 1
    y = 0
    for row in all_rows:
        yield {"type": "row", "title": row.title, "collapsed": False, "id": panel_id,
               "gridPos": {"h": 1, "w": 24, "x": 0, "y": y}, "panels": []}
        panel_id += 1
        y += 1
        x = 0
        line_height = 0
        for panel in row.panels:
            if x + panel.width > 24:
                x, y, line_height = 0, y + line_height, 0
            yield _panel_json(panel, panel_id, x, y)
            panel_id += 1
            x += panel.width
            line_height = max(line_height, panel.height)
        y += line_height


def overview() -> Json:
    return {
        "annotations": {"list": [{
            "builtIn": 1, "datasource": {"type": "grafana", "uid": "-- Grafana --"},
            "enable": True, "hide": True, "iconColor": "rgba(0, 211, 255, 1)",
            "name": "Annotations & Alerts", "type": "dashboard",
        }]},
        "description": "Rapport: webhooks in, scores, coaching; HTTP, Kafka lag, model, PII "
                       "redaction. Generated by deploy/grafana/build_dashboards.py.",
        "editable": False,
        "fiscalYearStartMonth": 0,
        "graphTooltip": 1,
        "id": None,
        "links": [],
        "panels": list(_layout(rows())),
        "refresh": "30s",
        "schemaVersion": 39,
        "tags": ["rapport"],
        "templating": {"list": [{
            "name": "datasource", "label": "Datasource", "type": "datasource",
            "query": "prometheus", "current": {"text": "Prometheus", "value": DATASOURCE_UID},
            "hide": 0, "refresh": 1, "regex": "", "options": [], "includeAll": False,
            "multi": False,
        }]},
        "time": {"from": "now-6h", "to": "now"},
        "timepicker": {},
        "timezone": "",
        "title": "Rapport overview",
        "uid": "rapport-overview",
        "version": 1,
        "weekStart": "",
    }


def dashboards() -> dict[str, str]:
    """File name -> the exact text to commit."""
    return {"rapport-overview.json": json.dumps(overview(), indent=2) + "\n"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="fail when a file is out of date")
    args = parser.parse_args(argv)
    stale = []
    for name, text in dashboards().items():
        path = DASHBOARD_DIR / name
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        if args.check:
            stale.append(name)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if stale:
        print(f"out of date: {', '.join(stale)}; run python -m deploy.grafana.build_dashboards",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
