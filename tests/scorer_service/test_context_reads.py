"""The scorer reads only the end of a conversation: as many rows for a reply after 1500
messages as after 30, and the same plan it would make from the whole conversation."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from services.scorer import repository
from services.scorer.app import MIGRATIONS
from services.scorer.conversation_context import (
    ContextWindow,
    StoredMessage,
    load_context,
    requests_for,
)
from services.scorer.repository import MessageRow
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations

T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
HISTORY = 8  # the scorer's default max_history_turns


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_scorer")
    yield engine
    engine.dispose()


def store_alternating(engine: Engine, key: str, length: int) -> str:
    """Customer and agent taking turns; returns the last agent reply's id."""
    rows = [MessageRow(message_id=f"{key}:{i}", conversation_key=key,
                       role="agent" if i % 2 else "customer", public=True, author_id=None,
                       body=f"turn {i}", created_at=T0 + timedelta(seconds=i))
            for i in range(length)]
    with engine.begin() as connection:
        repository.store_messages(connection, rows=rows)
    return rows[-1].message_id if rows[-1].role == "agent" else rows[-2].message_id


def test_a_reply_reads_the_same_rows_and_statements_however_long_its_conversation(
        engine: Engine) -> None:
    reads = {}
    for key, length in (("zendesk:1:short", 30), ("zendesk:1:long", 1500)):
        target = store_alternating(engine, key, length)
        statements, rows, context = read_context(engine, key, target)
        reads[key] = (statements, rows)
        planned = requests_for(context, {target}, channel="chat", max_history_turns=HISTORY)
        assert len(planned[target].history) == HISTORY  # type: ignore[union-attr]
    assert reads["zendesk:1:long"] == reads["zendesk:1:short"] == (1, HISTORY + 1 + 8)


def read_context(engine: Engine, key: str, target: str
                 ) -> tuple[int, int, list[StoredMessage]]:
    """Statements run, rows fetched, and the context ``load_context`` settles on."""
    fetched: list[int] = []
    with engine.connect() as connection:
        statements = _count_statements(connection)

        def fetch(windows: Sequence[ContextWindow]) -> Mapping[str, Sequence[StoredMessage]]:
            found = repository.load_recent_messages(connection, windows=windows)
            fetched.append(sum(len(rows) for rows in found.values()))
            return found

        context = load_context(fetch, {key: {target}}, max_history_turns=HISTORY)
    return len(statements), sum(fetched), context[key]


def test_the_query_reads_its_window_by_index_not_the_whole_conversation(engine: Engine) -> None:
    store_alternating(engine, "zendesk:1:short", 30)
    store_alternating(engine, "zendesk:1:long", 1500)
    windows = [ContextWindow("zendesk:1:long", 17), ContextWindow("zendesk:1:short", 17)]
    sql = str(repository.recent_messages_query(windows).compile(
        dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.connect() as connection:
        if engine.dialect.name == "postgresql":
            plan = connection.execute(sa.text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")).scalar()
            scans = list(_scans_of(json.loads(plan) if isinstance(plan, str) else plan,
                                   "scorer_messages"))
            assert scans, "no scan of scorer_messages in the plan"
            # Each conversation's scan stops at its LIMIT: 1500 stored rows, 17 read.
            assert [scan["Actual Rows"] for scan in scans] == [17, 17]
        else:
            plan = " | ".join(row[-1] for row in connection.execute(
                sa.text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "ix_scorer_messages_conversation_order" in plan
            assert "TEMP B-TREE" not in plan  # no sort over the conversation's rows


roles = st.sampled_from(["customer", "agent", "bot"])
message_lists = st.lists(st.tuples(roles, st.booleans(), st.sampled_from(["hi", " ", ""])),
                         max_size=40)


@settings(max_examples=300, deadline=None)
@given(messages=message_lists, history=st.integers(0, 10), picks=st.lists(st.integers(0, 39)))
def test_the_window_plans_every_reply_as_the_whole_conversation_would(
        messages: list[tuple[str, bool, str]], history: int, picks: list[int]) -> None:
    conversation = [StoredMessage(f"m{i}", role, public, body)
                    for i, (role, public, body) in enumerate(messages)]
    agent_ids = [m.message_id for m in conversation if m.role == "agent"]
    targets = {agent_ids[i % len(agent_ids)] for i in picks} if agent_ids else set()
    targets |= {"not-stored"} if not picks else set()

    def fetch(windows: Sequence[ContextWindow]) -> Mapping[str, Sequence[StoredMessage]]:
        return {w.conversation_key: conversation[-w.limit:] for w in windows if conversation}

    context = load_context(fetch, {"k": targets}, max_history_turns=history)
    whole = requests_for(conversation, targets, channel="chat", max_history_turns=history)
    assert requests_for(context.get("k", []), targets, channel="chat",
                        max_history_turns=history) == whole


def _count_statements(connection: sa.Connection) -> list[str]:
    seen: list[str] = []
    sa.event.listen(connection, "before_cursor_execute",
                    lambda _conn, _cursor, statement, *_args: seen.append(statement))
    return seen


def _scans_of(plan: Any, relation: str) -> Iterator[dict[str, Any]]:
    if isinstance(plan, list):
        for item in plan:
            yield from _scans_of(item, relation)
    elif isinstance(plan, dict):
        node = plan.get("Plan", plan)
        if node.get("Relation Name") == relation:
            yield node
        for child in node.get("Plans", []):
            yield from _scans_of(child, relation)
