"""The ingest service's retention: delivery ledger rows older than ``deliveries_days`` go."""

from __future__ import annotations

from services.ingest.deliveries import deliveries
from services.ingest.metrics import RETENTION_LAST_SUCCESS, RETENTION_REMOVED
from services.ingest.settings import IngestRetention
from shared.retention import RetentionMetrics, Sweep, delete_older_than

RETENTION_METRICS = RetentionMetrics(RETENTION_REMOVED, RETENTION_LAST_SUCCESS)


def ingest_sweeps(retention: IngestRetention) -> list[Sweep]:
    return [Sweep("deliveries", retention.deliveries_days,
                  delete_older_than(deliveries, deliveries.c.received_at))]
