"""Session-wide fixtures: a real Kafka broker and real databases (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from shared.kafka.admin import ensure_topics
from shared.settings import KafkaSettings
from tests.support.databases import BACKENDS, fresh_database
from tests.support.kafka_broker import kafka_broker

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# The services default to production; the tests run them in development (placeholder secrets,
# open scorer API) as `make up` does, unless a test asks for another environment itself.
for _service in ("INGEST", "SCORER", "COACH"):
    os.environ[f"RAPPORT_{_service}_ENVIRONMENT"] = "development"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    with kafka_broker() as bootstrap:
        yield bootstrap


@pytest.fixture
def unique_name() -> str:
    """Random suffix for topic and group names, so tests never see each other's records."""
    return uuid.uuid4().hex[:10]


@pytest.fixture
def kafka_settings(kafka_bootstrap: str, unique_name: str) -> KafkaSettings:
    """Kafka settings with a fresh topic prefix: the test gets its own topics and DLQs."""
    settings = KafkaSettings(
        bootstrap_servers=kafka_bootstrap, topic_prefix=f"t{unique_name}.", topic_partitions=3
    )
    ensure_topics(kafka_bootstrap, partitions=3, topic_prefix=settings.topic_prefix)
    return settings


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with fresh_database(request.param, tmp_path) as url:
        yield url
