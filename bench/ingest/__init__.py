"""Ingest benchmark: ``python -m bench.ingest`` (see ``bench/ingest/run.py``)."""
