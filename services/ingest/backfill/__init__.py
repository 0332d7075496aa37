"""History import: ``python -m services.ingest backfill zendesk|intercom ...``."""
