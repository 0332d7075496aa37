"""Fuzzing through HTTP: signed, mutated deliveries never get a 5xx nor a partial publish."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from services.ingest.app import MIGRATIONS
from services.ingest.deliveries import DeliveryLedger
from services.ingest.ledger_writer import LedgerWriter
from services.ingest.pipeline import IngestPipeline
from services.ingest.providers import PROVIDER_NAMES, build_providers
from services.ingest.redaction import RedactionPolicy
from services.ingest.webhooks import install_webhook_routes
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events import InteractionEvent
from shared.http.problems import install_problem_handlers
from shared.settings import KafkaSettings
from tests.ingest.mutations import json_paths, json_values, replaced
from tests.ingest.support import (
    SALESFORCE_ORG,
    NoLateSettlements,
    ingest_settings,
    provider_fixtures,
    signed_post_args,
)

JSON_PROVIDERS = sorted(set(PROVIDER_NAMES) - {"salesforce", "hubspot"})


class RecordingPublisher(NoLateSettlements):
    def __init__(self) -> None:
        self.published: list[str] = []

    async def publish(self, events: Sequence[InteractionEvent]) -> list[bool]:
        await asyncio.sleep(0)
        self.published.extend(event.event_id for event in events)
        return [True] * len(events)


@pytest.fixture(scope="module")
def harness() -> Iterator[tuple[TestClient, RecordingPublisher]]:
    folder = Path(tempfile.mkdtemp(prefix="ingest-fuzz-"))
    engine = create_db_engine(f"sqlite:///{folder / 'ledger.db'}")
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_ingest")
    publisher = RecordingPublisher()
    writer = LedgerWriter(DeliveryLedger(engine, claim_ttl_s=30))
    pipeline = IngestPipeline(ledger=writer, publisher=publisher,
                              policy=RedactionPolicy.everything(), resolvers={})
    app = FastAPI()
    install_problem_handlers(app)
    install_webhook_routes(
        app, settings=ingest_settings(KafkaSettings(), f"sqlite:///{folder / 'unused.db'}"),
        providers=build_providers(salesforce_org_ids=(SALESFORCE_ORG,)),
        pipeline=lambda: pipeline)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client, publisher
    writer.close()
    engine.dispose()


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                 HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_signed_mutations_get_200_400_or_422_and_publish_all_or_nothing(
        harness: tuple[TestClient, RecordingPublisher], data: st.DataObject) -> None:
    client, publisher = harness
    provider = data.draw(st.sampled_from(JSON_PROVIDERS))
    recorded = data.draw(st.sampled_from(provider_fixtures(provider)))
    document = json.loads(recorded.body)
    path = data.draw(st.sampled_from(json_paths(document)))
    body = json.dumps(replaced(document, path, data.draw(json_values))).encode()
    args = signed_post_args(recorded, "http://testserver", body=body)
    published_before = len(publisher.published)

    response = client.post(args["url"], content=args["content"], headers=args["headers"])

    assert response.status_code in {200, 400, 422}, response.text
    published = publisher.published[published_before:]
    if response.status_code == 200 and response.headers["content-type"] == "application/json":
        assert published == response.json()["accepted"]
    else:
        assert published == []
