"""Idempotency: the same delivery twice is one event, across restarts and concurrent retries."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.ingest.app import MIGRATIONS, create_app
from services.ingest.deliveries import ClaimStatus, DeliveryKey, DeliveryLedger
from services.ingest.ledger_writer import LedgerWriter
from services.ingest.pipeline import BrokerUnavailable, DeliveryInFlight, IngestPipeline
from services.ingest.providers.base import Challenge, Normalised
from services.ingest.providers.generic import GenericProvider
from services.ingest.redaction import RedactionPolicy
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events import InteractionEvent
from shared.settings import KafkaSettings
from tests.ingest.support import (
    NoLateSettlements,
    delivery_of,
    fixture,
    ingest_settings,
    read_events,
    signed_post_args,
)

GENERIC_ID = "generic:inhouse-crm:call-20261125-0042"


def generic_delivery(event_id: str) -> dict[str, Any]:
    """The generic fixture under another event id, same conversation (same partition)."""
    document = json.loads(fixture("generic", "delivery").body)
    document["event_id"] = event_id
    return signed_post_args(fixture("generic", "delivery"), "http://testserver",
                            body=json.dumps(document).encode())


def send(client: TestClient, args: dict[str, Any]) -> dict[str, object]:
    response = client.post(args["url"], content=args["content"], headers=args["headers"])
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_the_same_delivery_twice_is_one_event_even_after_a_restart(
        kafka_settings: KafkaSettings, database_url: str) -> None:
    settings = ingest_settings(kafka_settings, database_url)
    first = generic_delivery("call-20261125-0042")
    with TestClient(create_app(settings)) as client:
        assert send(client, first)["accepted"] == [GENERIC_ID]
        assert send(client, first) == {"status": "duplicate", "accepted": [],
                                       "duplicates": [GENERIC_ID], "ignored": []}
    with TestClient(create_app(settings)) as restarted:  # same database, new process state
        assert send(restarted, first)["duplicates"] == [GENERIC_ID]
        send(restarted, generic_delivery("sentinel"))
    # Same conversation key, same partition: the sentinel comes after any duplicate.
    events = read_events(kafka_settings, until={"generic:inhouse-crm:sentinel"})
    assert [event.event_id for event in events] == [GENERIC_ID, "generic:inhouse-crm:sentinel"]


def test_platforms_without_a_delivery_id_dedupe_on_content(client: TestClient) -> None:
    args = signed_post_args(fixture("freshdesk", "customer_reply"), "http://testserver")
    first, second = send(client, args), send(client, args)
    assert first["status"] == "accepted"
    assert second["status"] == "duplicate"
    assert second["duplicates"] == first["accepted"]


# --- the pipeline against a real database, with a publisher the test controls ---------------


class ScriptedPublisher(NoLateSettlements):
    """Acks (or not) as told; can hold a publish open to stage a concurrent duplicate."""

    def __init__(self, acks: list[bool] | None = None) -> None:
        self.acks = acks or []
        self.published: list[str] = []
        self.hold = asyncio.Event()
        self.hold.set()
        self.entered = asyncio.Event()

    async def publish(self, events: Sequence[InteractionEvent]) -> list[bool]:
        self.entered.set()
        await self.hold.wait()
        results = [self.acks.pop(0) if self.acks else True for _ in events]
        self.published.extend(e.event_id for e, ok in zip(events, results, strict=True) if ok)
        return results


@pytest.fixture
def ledger(database_url: str) -> DeliveryLedger:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_ingest")
    return DeliveryLedger(engine, claim_ttl_s=30)


@pytest.fixture
def writer(ledger: DeliveryLedger) -> Iterator[LedgerWriter]:
    ledger_writer = LedgerWriter(ledger)
    yield ledger_writer
    ledger_writer.close()


def pipeline_with(writer: LedgerWriter, publisher: ScriptedPublisher) -> IngestPipeline:
    return IngestPipeline(ledger=writer, publisher=publisher,
                          policy=RedactionPolicy.everything(), resolvers={})


def generic_outcome() -> Normalised:
    outcomes = GenericProvider().parse(delivery_of(fixture("generic", "delivery")))
    assert not isinstance(outcomes, Challenge)
    assert isinstance(outcomes[0], Normalised)
    return outcomes[0]


def test_a_concurrent_duplicate_is_told_to_retry_and_never_double_publishes(
        writer: LedgerWriter) -> None:
    async def scenario() -> None:
        publisher = ScriptedPublisher()
        publisher.hold.clear()
        pipeline = pipeline_with(writer, publisher)
        first = asyncio.create_task(pipeline.deliver("generic", [generic_outcome()]))
        await publisher.entered.wait()  # the first request is inside publish, claim held
        with pytest.raises(DeliveryInFlight):
            await pipeline.deliver("generic", [generic_outcome()])
        publisher.hold.set()
        assert (await first).accepted == [GENERIC_ID]
        retry = await pipeline.deliver("generic", [generic_outcome()])
        assert retry.duplicates == [GENERIC_ID]
        assert publisher.published == [GENERIC_ID]

    asyncio.run(scenario())


def test_a_failed_publish_releases_the_claim_so_the_retry_is_published(
        ledger: DeliveryLedger, writer: LedgerWriter) -> None:
    async def scenario() -> None:
        publisher = ScriptedPublisher(acks=[False])
        pipeline = pipeline_with(writer, publisher)
        with pytest.raises(BrokerUnavailable):
            await pipeline.deliver("generic", [generic_outcome()])
        assert ledger.state_of(GENERIC_ID) is None
        assert (await pipeline.deliver("generic", [generic_outcome()])).accepted == [GENERIC_ID]
        await writer.flush()
        assert ledger.state_of(GENERIC_ID) == "done"

    asyncio.run(scenario())


def test_a_claim_left_by_a_crash_is_taken_over_after_its_ttl(ledger: DeliveryLedger,
                                                            writer: LedgerWriter) -> None:
    key = DeliveryKey(GENERIC_ID, "generic")
    crashed_at = datetime.now(UTC) - timedelta(seconds=31)
    assert ledger.claim([key], now=crashed_at) == [ClaimStatus.CLAIMED]
    # Within the TTL the claim still counts as in flight...
    assert ledger.claim([key], now=crashed_at + timedelta(seconds=5)) == [ClaimStatus.IN_FLIGHT]

    async def scenario() -> None:
        publisher = ScriptedPublisher()
        report = await pipeline_with(writer, publisher).deliver("generic", [generic_outcome()])
        # ...after it, the retry publishes again: a duplicate event with the same id, no loss.
        assert report.accepted == [GENERIC_ID]
        assert publisher.published == [GENERIC_ID]

    asyncio.run(scenario())


def test_repeats_inside_one_delivery_are_duplicates(writer: LedgerWriter) -> None:
    async def scenario() -> None:
        publisher = ScriptedPublisher()
        report = await pipeline_with(writer, publisher).deliver(
            "generic", [generic_outcome(), generic_outcome()])
        assert (report.accepted, report.duplicates) == ([GENERIC_ID], [GENERIC_ID])

    asyncio.run(scenario())


def test_the_ledger_migration_applies_to_an_empty_database(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'fresh.db'}")
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_ingest")
    ledger = DeliveryLedger(engine, claim_ttl_s=30)
    assert ledger.claim([DeliveryKey("k", "generic")], now=datetime.now(UTC)) == [
        ClaimStatus.CLAIMED]


def test_one_batch_claims_each_key_once_even_when_it_repeats(ledger: DeliveryLedger) -> None:
    keys = [DeliveryKey("a", "generic"), DeliveryKey("a", "generic"), DeliveryKey("b", "generic")]
    assert ledger.claim(keys, now=datetime.now(UTC)) == [
        ClaimStatus.CLAIMED, ClaimStatus.IN_FLIGHT, ClaimStatus.CLAIMED]


def test_concurrent_claims_through_the_writer_give_each_event_one_owner(
        writer: LedgerWriter) -> None:
    async def scenario() -> None:
        # 40 requests for 10 events, all queued before the writer thread runs a batch.
        keys = [DeliveryKey(f"event-{index % 10}", "generic") for index in range(40)]
        results = await asyncio.gather(*(writer.claim([key]) for key in keys))
        owners = [key.dedupe_key for key, (status,) in zip(keys, results, strict=True)
                  if status is ClaimStatus.CLAIMED]
        assert sorted(owners) == sorted(f"event-{index}" for index in range(10))
        writer.mark_done(owners)
        again = await writer.claim([DeliveryKey("event-3", "generic")])
        assert again == [ClaimStatus.DONE]  # the mark, queued first, was committed first

    asyncio.run(scenario())


def test_the_writer_survives_the_database_dropping_its_connection(
        ledger: DeliveryLedger, writer: LedgerWriter) -> None:
    """The writer keeps one connection; a stale one is replaced, as the pool's pre-ping would."""
    if ledger.engine.dialect.name != "postgresql":
        pytest.skip("needs a server that can drop a client's connection")

    async def scenario() -> None:
        assert await writer.claim([DeliveryKey("before", "generic")]) == [ClaimStatus.CLAIMED]
        with ledger.engine.connect() as admin:  # what a database restart does to the writer
            admin.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        assert await writer.claim([DeliveryKey("after", "generic")]) == [ClaimStatus.CLAIMED]
        writer.mark_done(["before", "after"])
        await writer.flush()
        assert (ledger.state_of("before"), ledger.state_of("after")) == ("done", "done")

    asyncio.run(scenario())
