"""Ingest's retention job in its lifespan, and its erasure, on both databases (real broker).

The app starts on a ledger holding a delivery older than the retention and a recent one: the job
removes the old one and counts it. Real deliveries then carry agents and customers through the
pipeline; ``erase`` reports nothing to remove for them, and every column of every ingest table
is searched for their ids to prove it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from services.ingest import __main__ as entry_point
from services.ingest.app import MIGRATIONS, create_app
from services.ingest.deliveries import deliveries
from services.ingest.metrics import RETENTION_REMOVED
from services.ingest.settings import IngestRetention
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events import InteractionEvent
from shared.settings import KafkaSettings
from tests.ingest.support import fixture, ingest_settings, read_events, signed_post_args
from tests.support.person_rows import rows_mentioning

pytestmark = [pytest.mark.kafka]

DELIVERIES = (("zendesk", "comment_added"), ("zendesk", "trigger_agent_reply"),
              ("freshdesk", "customer_reply"), ("freshdesk", "agent_reply_weak"),
              ("front", "inbound_received"), ("front", "outbound_sent"))


def test_old_deliveries_expire_and_ingest_holds_nothing_to_erase(
        kafka_settings: KafkaSettings, database_url: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_ingest")
    now = datetime.now(UTC)
    with engine.begin() as connection:
        connection.execute(sa.insert(deliveries), [
            _ledger_row("zendesk:expired", now - timedelta(days=31)),
            _ledger_row("zendesk:recent", now - timedelta(days=29))])
    removed_before = RETENTION_REMOVED.labels("deliveries")._value.get()
    settings = ingest_settings(kafka_settings, database_url, retention=IngestRetention(
        first_run_after_s=0, deliveries_days=30))

    with TestClient(create_app(settings)) as client:
        _wait_until(lambda: _ledger_keys(engine) == {"zendesk:recent"})
        accepted: list[str] = []
        for provider, name in DELIVERIES:
            args = signed_post_args(fixture(provider, name), "http://testserver")
            response = client.post(args["url"], content=args["content"],
                                   headers=args["headers"])
            assert response.status_code == 200, response.text
            accepted.extend(response.json()["accepted"])
    assert RETENTION_REMOVED.labels("deliveries")._value.get() == removed_before + 1
    assert set(accepted) <= _ledger_keys(engine)  # what erasure would have to search

    people = _people(read_events(kafka_settings, until=set(accepted)))
    assert {"agent", "customer"} <= {kind for kind, _ in people}
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(tmp_path)
    for kind, person in sorted(people):
        assert entry_point.main(["erase", f"--{kind}", person]) == 0
        report = capsys.readouterr().out.splitlines()
        assert report[0] == f"ingest: removed for {kind} {person}:"
        assert [line.split()[:2] for line in report[1:]] == [
            ["ingest_deliveries", "0"], ["ingest_backfill_cursors", "0"], ["total", "0"]]
    assert rows_mentioning(engine, _searched_forms(person for _, person in people)) == {}
    engine.dispose()


def _ledger_row(key: str, at: datetime) -> dict[str, object]:
    return {"dedupe_key": key, "provider": "zendesk", "event_id": key, "state": "done",
            "received_at": at, "claimed_at": at, "done_at": at}


def _ledger_keys(engine: sa.Engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(deliveries.c.dedupe_key)).scalars())


def _people(events: list[InteractionEvent]) -> set[tuple[str, str]]:
    """(kind, id) of every agent and customer the published events name."""
    found: set[tuple[str, str]] = set()
    for event in events:
        conversation = event.conversation
        if conversation.assignee_id:
            found.add(("agent", conversation.assignee_id))
        if conversation.customer_id:
            found.add(("customer", conversation.customer_id))
        for message in event.messages:
            if message.author_id and message.author_role.value in ("agent", "customer"):
                found.add((message.author_role.value, message.author_id))
    return found


def _searched_forms(ids: Iterable[str]) -> set[str]:
    """Each id, and its last part when that is distinctive (a pseudonym, a long user id)."""
    forms: set[str] = set()
    for person in ids:
        forms.add(person)
        last = person.rsplit(":", 1)[-1]
        if len(last) >= 8:
            forms.add(last)
    return forms


def _wait_until(condition: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the retention job did not remove the expired delivery")
        time.sleep(0.05)
