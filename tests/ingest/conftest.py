"""Fixtures for the ingest tests: settings on the test's own topics, a running app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from services.ingest.app import create_app
from services.ingest.settings import IngestSettings
from shared.settings import KafkaSettings
from tests.ingest.support import ingest_settings


@pytest.fixture
def settings(kafka_settings: KafkaSettings, tmp_path: Path) -> IngestSettings:
    """Ingest settings on the test's own topics and a fresh SQLite ledger."""
    return ingest_settings(kafka_settings, f"sqlite:///{tmp_path / 'ingest.db'}")


@pytest.fixture
def client(settings: IngestSettings) -> Iterator[TestClient]:
    with TestClient(create_app(settings)) as test_client:
        yield test_client
