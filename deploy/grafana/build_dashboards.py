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
# Live practice replies (POST /v1/score) answered within 50 ms at p95 (README, performance).
LIVE_ROUTE = 'route="/v1/score"'
LIVE_OBJECTIVE_S = 0.05

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


def summed_rate(metric: str, by: str, selector: str) -> str:
    return f"sum by ({by}) (rate({metric}{{{selector}}}[{RATE}]))"


def zero_filled(metric: str, by: str, part: str, whole: str) -> str:
    """The rate of the ``part`` requests, 0 rather than "no data" while none happened (there
    is a series for each group with any ``whole`` request)."""
    return (f"({summed_rate(metric, by, part)} or {summed_rate(metric, by, whole)} * 0)")


def zero_filled_ratio(metric: str, by: str, part: str, whole: str) -> str:
    """Share of the ``whole`` requests that are ``part`` (5xx, failing probes): 0, not "no
    data", while none fail."""
    return f"{zero_filled(metric, by, part, whole)} / {summed_rate(metric, by, whole)}"


def http_row(service: str) -> Row:
    requests = f"rapport_{service}_http_requests_total"
    duration = f"rapport_{service}_http_request_duration_seconds"
    return Row(f"{service}: HTTP", [
        Panel(f"{service}: requests/s by route and status", (
            Target(f"sum by (route, status) (rate({requests}{{{OPS_ROUTES}}}[{RATE}]))",
                   "{{route}} {{status}}"),
        ), unit="reqps", width=8),
        Panel(f"{service}: error ratio by route", (
            Target(zero_filled_ratio(requests, "route", f'{OPS_ROUTES}, status=~"5.."',
                                     OPS_ROUTES), "5xx {{route}}"),
            Target(zero_filled_ratio(requests, "route", f'{OPS_ROUTES}, status=~"4.."',
                                     OPS_ROUTES), "4xx {{route}}"),
        ), unit="percentunit", width=8),
        Panel(f"{service}: latency by route (p50, p99)", (
            Target(quantile(0.5, duration, "route", OPS_ROUTES), "p50 {{route}}"),
            Target(quantile(0.99, duration, "route", OPS_ROUTES), "p99 {{route}}"),
        ), unit="s", width=8),
    ])


def rows() -> list[Row]:
    live_duration = "rapport_scorer_http_request_duration_seconds"
    health = Row("Health", [
        Panel("Targets up", (
            Target('sum by (job) (up{job=~"rapport-(ingest|scorer|coach)"})', "{{job}}"),
        ), kind="stat", width=8, height=5,
            description="Replicas Prometheus scrapes successfully, per service."),
        Panel("Readiness probes failing (/readyz non-200 per second)", tuple(
            Target(zero_filled(f"rapport_{svc}_http_requests_total", "instance",
                               'route="/readyz", status!="200"', 'route="/readyz"'),
                   f"{svc} {{{{instance}}}}")
            for svc in SERVICES
        ), unit="reqps", width=16, height=5),
        Panel("5xx per service (share of requests)", tuple(
            Target(zero_filled_ratio(f"rapport_{svc}_http_requests_total", "job",
                                     f'{OPS_ROUTES}, status=~"5.."', OPS_ROUTES), "{{job}}")
            for svc in SERVICES
        ), unit="percentunit", width=8,
            description="Every route but the probes and /metrics (alert RapportHttpErrorsHigh)."),
        Panel("PostgreSQL availability (database check per replica)", (
            Target('min by (job, instance) (rapport_readiness_check_up{check="database"})',
                   "{{job}} {{instance}}"),
        ), kind="stat", width=8,
            description="1 when the replica's last /readyz probe reached the database "
                        "(alert RapportDatabaseUnavailable)."),
        Panel("Readiness checks failing by check", (
            Target("count by (job, check) (rapport_readiness_check_up == 0) "
                   "or count by (job, check) (rapport_readiness_check_up) * 0",
                   "{{job}} {{check}}"),
        ), width=8, stack=True,
            description="Replicas whose last /readyz probe failed the check: database, kafka, "
                        "consumer, model."),
    ])
    pipeline = Row("Pipeline: Kafka consumers", [
        Panel("Consumer lag per group (records behind)", (
            Target("sum by (group, topic) (rapport_scorer_consumer_lag)", "{{group}} {{topic}}"),
            Target("sum by (group, topic) (rapport_coach_consumer_lag)", "{{group}} {{topic}}"),
        ), width=12,
            description="Alerts RapportScorerLagHigh / RapportCoachLagHigh: above 5000 and "
                        "growing for 15 minutes."),
        Panel("Dead letters by consumer and topic (per minute)", (
            Target("sum by (job, topic) (increase(rapport_dead_letters_total[1m]))",
                   "{{job}} {{topic}}"),
        ), width=12, stack=True,
            description="Records sent to <topic>.dlq (alert RapportDeadLettersGrowing); replay "
                        "them after the fix (docs/operations.md, Dead-letter topics)."),
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
            Target("sum by (group) (rapport_scorer_consumer_lag)", "{{group}}"),
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
        Panel("Live scoring latency against the 50 ms objective (POST /v1/score)", (
            Target(quantile(0.5, live_duration, "job", LIVE_ROUTE), "p50"),
            Target(quantile(0.95, live_duration, "job", LIVE_ROUTE), "p95"),
            Target(quantile(0.99, live_duration, "job", LIVE_ROUTE), "p99"),
            Target(f"vector({LIVE_OBJECTIVE_S})", "objective (p95)"),
        ), unit="s", width=12,
            description="Practice replies scored live; the p95 should stay under the line "
                        "(alert RapportScorerLiveLatencyHigh)."),
        Panel("Live requests within 50 ms (share)", (
            Target(f'sum(rate({live_duration}_bucket{{{LIVE_ROUTE}, le="{LIVE_OBJECTIVE_S}"}}'
                   f"[{RATE}])) / sum(rate({live_duration}_count{{{LIVE_ROUTE}}}[{RATE}]))",
                   "within 50 ms"),
            Target("vector(0.95)", "objective"),
        ), unit="percentunit", width=12),
        Panel("Mean score by model version and dimension (last hour)", (
            Target("sum by (version, dimension) (rate(rapport_scorer_score_sum[1h])) "
                   "/ sum by (version, dimension) (rate(rapport_scorer_score_count[1h]))",
                   "{{version}} {{dimension}}"),
        ), unit="percentunit", width=12,
            description="Drift: a dimension's mean moving with no change of model or traffic "
                        "mix, or two model versions disagreeing, is worth a look."),
        Panel("Overall score distribution by model version (p10, p50, p90, last hour)", tuple(
            Target(f"histogram_quantile({q}, sum by (le, version) "
                   f'(rate(rapport_scorer_score_bucket{{dimension="overall"}}[1h])))',
                   f"p{int(q * 100)} {{{{version}}}}")
            for q in (0.1, 0.5, 0.9)
        ), unit="percentunit", width=12),
    ])
    coach = Row("Coach", [
        Panel("Drills assigned in the last 7 days", (
            Target("sum(increase(rapport_coach_assignments_total[7d]))", "drills"),
        ), kind="stat", width=8,
            description="0 while scores flow means no agent gets a drill this week (alert "
                        "RapportCoachNoDrillsThisWeek)."),
        Panel("Score events consumed by outcome", (
            Target(f"sum by (outcome) (rate(rapport_coach_score_events_total[{RATE}]))",
                   "{{outcome}}"),
        ), unit="ops", stack=True, width=8),
        Panel("Profile updates", (
            Target(f"sum(rate(rapport_coach_profile_updates_total[{RATE}]))", "rows/s"),
        ), unit="ops", width=8),
        Panel("Consumer lag (records behind support.scores.v1)", (
            Target("sum by (group) (rapport_coach_consumer_lag)", "{{group}}"),
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
    return [health, pipeline, http_row("ingest"), http_row("scorer"), http_row("coach"), ingest,
            scorer, coach]


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
