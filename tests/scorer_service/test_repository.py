"""The scorer's tables on both databases: idempotent writes, conversation order, publish state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Engine

from services.scorer import repository
from services.scorer.app import MIGRATIONS
from services.scorer.repository import MessageRow, ScoreRow
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations, downgrade_all
from tests.support.databases import table_names

VERSION_TABLE = "alembic_version_scorer"
T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table=VERSION_TABLE)
    yield engine
    engine.dispose()


def message(message_id: str, role: str, minutes: int, key: str = "zendesk:1:100") -> MessageRow:
    return MessageRow(message_id=message_id, conversation_key=key, role=role, public=True,
                      author_id=f"zendesk:1:{role}", body=f"body of {message_id}",
                      created_at=T0 + timedelta(minutes=minutes))


def score(message_id: str, version: str = "v1", key: str = "zendesk:1:100") -> ScoreRow:
    return ScoreRow(message_id=message_id, model_version=version,
                    event_id=f"{message_id}@{version}", conversation_key=key,
                    agent_id="zendesk:1:agent", status="scored",
                    event_json=f'{{"message_id": "{message_id}", "model_version": "{version}"}}')


def test_messages_are_stored_once_and_read_back_in_conversation_order(engine: Engine) -> None:
    # A message with an earlier timestamp in another zone arrives last: time decides the order.
    late_arrival = MessageRow(
        message_id="m0", conversation_key="zendesk:1:100", role="customer", public=True,
        author_id=None, body="first words",
        created_at=(T0 - timedelta(minutes=5)).astimezone(timezone(timedelta(hours=2))),
    )
    with engine.begin() as connection:
        repository.store_messages(connection, rows=[message("m1", "customer", 0),
                                                    message("m2", "agent", 1)])
        repository.store_messages(connection, rows=[message("m2", "agent", 1), late_arrival,
                                                    message("x1", "customer", 0, key="other")])
    with engine.connect() as connection:
        found = repository.load_conversations(connection, conversation_keys=["zendesk:1:100"])
    assert [m.message_id for m in found["zendesk:1:100"]] == ["m0", "m1", "m2"]
    assert set(found) == {"zendesk:1:100"}


def test_a_score_is_recorded_once_per_model_version_and_tracks_publishing(engine: Engine) -> None:
    with engine.begin() as connection:
        repository.record_scores(connection, rows=[score("m2"), score("m3")], at=T0)
        repository.record_scores(connection, rows=[score("m2")], at=T0)  # a redelivery
        repository.record_scores(connection, rows=[score("m2", version="v2")], at=T0)
        repository.mark_published(connection, model_version="v1", message_ids=["m2"], at=T0)
    with engine.connect() as connection:
        states = repository.load_score_states(connection, model_version="v1",
                                              message_ids=["m2", "m3", "m4"])
        other = repository.load_score_states(connection, model_version="v2", message_ids=["m2"])
    assert set(states) == {"m2", "m3"}
    assert states["m2"].published
    assert not states["m3"].published
    assert states["m3"].event_json is not None
    assert '"m3"' in states["m3"].event_json
    assert not other["m2"].published


def test_skips_are_recorded_with_their_reason(engine: Engine) -> None:
    skipped = ScoreRow(message_id="a0", model_version="v1", event_id="a0@v1",
                       conversation_key="zendesk:1:100", agent_id=None, status="skipped",
                       skip_reason="no customer context")
    with engine.begin() as connection:
        repository.record_scores(connection, rows=[skipped], at=T0)
    with engine.connect() as connection:
        state = repository.load_score_states(connection, model_version="v1", message_ids=["a0"])
    assert state["a0"].status == "skipped"
    assert not state["a0"].published


def test_conversation_scores_are_the_published_ones_in_message_order(engine: Engine) -> None:
    with engine.begin() as connection:
        repository.store_messages(connection, rows=[message("m3", "agent", 3),
                                                    message("m1", "agent", 1),
                                                    message("m2", "agent", 2)])
        repository.record_scores(connection, rows=[score("m3"), score("m1"), score("m2")], at=T0)
        repository.mark_published(connection, model_version="v1", message_ids=["m3", "m1"],
                                  at=T0)
    with engine.connect() as connection:
        events = repository.conversation_scores(connection, conversation_key="zendesk:1:100")
        none = repository.conversation_scores(connection, conversation_key="zendesk:1:100",
                                              model_version="v9")
    assert [e.split('"')[3] for e in events] == ["m1", "m3"]
    assert none == []


def test_large_id_sets_are_read_in_chunks(engine: Engine) -> None:
    ids = [f"m{i}" for i in range(1_234)]
    with engine.begin() as connection:
        repository.record_scores(connection, rows=[score(i) for i in ids], at=T0)
        repository.mark_published(connection, model_version="v1", message_ids=ids, at=T0)
    with engine.connect() as connection:
        states = repository.load_score_states(connection, model_version="v1", message_ids=ids)
    assert len(states) == len(ids)
    assert all(state.published for state in states.values())


def test_migrations_downgrade_cleanly(database_url: str) -> None:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table=VERSION_TABLE)
    assert {"scorer_messages", "scorer_scores"} <= table_names(engine)
    downgrade_all(engine, MIGRATIONS, version_table=VERSION_TABLE)
    assert not {"scorer_messages", "scorer_scores"} & table_names(engine)
    engine.dispose()
