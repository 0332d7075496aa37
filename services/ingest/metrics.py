"""Every metric of the ingest service, declared once (HTTP metrics come from shared.http).

- ``rapport_ingest_deliveries_total{provider, outcome}``: webhook deliveries by what we answered:
  accepted, duplicate, ignored, unauthorized, invalid, too_large, unavailable. An unknown
  provider name in the URL counts as ``provider="unknown"``, never as the raw path segment.
- ``rapport_ingest_produce_latency_seconds``: send to ``acks=all`` acknowledgement, per event.
- ``rapport_ingest_events_published_total{provider}``: events the broker acknowledged.
- ``rapport_ingest_duplicates_total{provider}``: events already published before (not re-sent).
- ``rapport_ingest_redactions_total{type}``: personal data replaced, by kind.
- ``rapport_ingest_api_fetches_total{provider, result}``: calls to a helpdesk API for content a
  webhook did not carry (HubSpot): ok, retried, gave_up.
- ``rapport_ingest_backfill_records_total{provider}``: records imported by the backfill CLI.
- ``rapport_ingest_retention_removed_total{store}``: ledger rows the retention job removed
  (store: deliveries).
- ``rapport_ingest_retention_last_success_timestamp_seconds``: when a retention run last finished.

Labels are bounded: provider names come from the fixed list, never from ids or paths.
"""

from __future__ import annotations

from functools import cache

from prometheus_client import Counter, Gauge, Histogram

from services.ingest.providers import PROVIDER_NAMES
from services.ingest.redaction import KINDS

UNKNOWN_PROVIDER = "unknown"
OUTCOMES: tuple[str, ...] = (
    "accepted", "duplicate", "ignored", "unauthorized", "invalid", "too_large", "unavailable",
)
# acks=all on a healthy broker takes 2-20 ms (linger 2 ms + a replication round trip); the
# upper buckets show a struggling broker up to the publish timeout (3 s) at which we give up.
PRODUCE_LATENCY_BUCKETS_S = (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0)

DELIVERIES = Counter("rapport_ingest_deliveries_total",
                     "Webhook deliveries by provider and outcome.", ["provider", "outcome"])
PRODUCE_LATENCY = Histogram("rapport_ingest_produce_latency_seconds",
                            "Time from send to the broker's acks=all acknowledgement.",
                            buckets=PRODUCE_LATENCY_BUCKETS_S)
EVENTS_PUBLISHED = Counter("rapport_ingest_events_published_total",
                           "Interaction events acknowledged by the broker.", ["provider"])
DUPLICATES = Counter("rapport_ingest_duplicates_total",
                     "Events received again after they were published.", ["provider"])
REDACTIONS = Counter("rapport_ingest_redactions_total",
                     "Personal data replaced by a placeholder, by kind.", ["type"])
API_FETCHES = Counter("rapport_ingest_api_fetches_total",
                      "Helpdesk API calls for content a webhook did not carry.",
                      ["provider", "result"])
RETENTION_REMOVED = Counter("rapport_ingest_retention_removed_total",
                            "Rows removed by the retention job.", ["store"])
RETENTION_LAST_SUCCESS = Gauge("rapport_ingest_retention_last_success_timestamp_seconds",
                               "Unix time the retention job last finished a run.")
BACKFILL_RECORDS = Counter("rapport_ingest_backfill_records_total",
                           "Records imported by the backfill CLI.", ["provider"])

for _provider in (*PROVIDER_NAMES, UNKNOWN_PROVIDER):
    for _outcome in OUTCOMES:
        DELIVERIES.labels(_provider, _outcome)
for _provider in PROVIDER_NAMES:
    EVENTS_PUBLISHED.labels(_provider)
    DUPLICATES.labels(_provider)
for _kind in KINDS:
    REDACTIONS.labels(_kind)
for _result in ("ok", "retried", "gave_up"):
    API_FETCHES.labels("hubspot", _result)
for _provider in ("zendesk", "intercom"):
    BACKFILL_RECORDS.labels(_provider)
RETENTION_REMOVED.labels("deliveries")


# ``labels()`` takes a lock and builds a key on every call; the hot path keeps the children.
# The label values are bounded (see above), so are these caches.


@cache
def deliveries(provider: str, outcome: str) -> Counter:
    return DELIVERIES.labels(provider, outcome)


@cache
def events_published(provider: str) -> Counter:
    return EVENTS_PUBLISHED.labels(provider)


@cache
def redactions(kind: str) -> Counter:
    return REDACTIONS.labels(kind)
