"""The scorer's erasure and retention on both databases, through its real write path.

Four conversations: the erased customer's own (with both agents), one where that customer wrote
nothing but is the conversation's customer, and two of another customer. After each erasure,
every column of every table is searched for the person's id, and everyone else's rows are
counted back.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from services.scorer import __main__ as entry_point
from services.scorer import repository
from services.scorer.app import MIGRATIONS
from services.scorer.erasure import erasure_steps
from services.scorer.metrics import RETENTION_REMOVED
from services.scorer.repository import MessageRow, ScoreRow, messages, scores
from services.scorer.retention import RETENTION_METRICS, scorer_sweeps
from services.scorer.settings import ScorerRetention
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.erasure import Person, erase
from shared.retention import run_sweeps
from tests.support.person_rows import rows_mentioning, table_rows

AGENT_A, AGENT_B = "zendesk:1:agent-a", "zendesk:1:agent-b"
PSEUDONYM = "p-0123456789abcdef01234567"
CUSTOMER_C = f"zendesk:1:{PSEUDONYM}"  # an e-mail address, as ingest pseudonymised it
CUSTOMER_D = "zendesk:1:customer-d"
NOW = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_scorer")
    yield engine
    engine.dispose()


def store_conversation(engine: Engine, key: str, customer: str, turns: list[tuple[str, str]],
                       *, at: datetime = NOW) -> None:
    """``turns``: (role, author); agent turns get a score."""
    rows = [MessageRow(message_id=f"{key}:m{i}", conversation_key=key, role=role, public=True,
                       author_id=author, body=f"words of {author}", customer_id=customer,
                       created_at=at + timedelta(minutes=i))
            for i, (role, author) in enumerate(turns)]
    score_rows = [ScoreRow(message_id=row.message_id, model_version="v1",
                           event_id=f"{row.message_id}@v1", conversation_key=key,
                           agent_id=row.author_id, status="scored",
                           event_json=json.dumps({"agent_id": row.author_id,
                                                  "conversation_key": key}))
                  for row in rows if row.role == "agent"]
    with engine.begin() as connection:
        repository.store_messages(connection, rows=rows)
        repository.record_scores(connection, rows=score_rows, at=at)


def store_everyone(engine: Engine) -> None:
    store_conversation(engine, "zendesk:1:c1", CUSTOMER_C, [
        ("customer", CUSTOMER_C), ("agent", AGENT_A), ("customer", CUSTOMER_C),
        ("agent", AGENT_B)])
    # The customer wrote nothing here (a phone call's notes): known only as its customer.
    store_conversation(engine, "zendesk:1:c2", CUSTOMER_C, [("agent", AGENT_B)])
    store_conversation(engine, "zendesk:1:c3", CUSTOMER_D, [
        ("customer", CUSTOMER_D), ("agent", AGENT_A), ("agent", AGENT_B)])
    store_conversation(engine, "zendesk:1:c4", CUSTOMER_D, [
        ("customer", CUSTOMER_D), ("agent", AGENT_B)])


def counts(engine: Engine) -> dict[str, int]:
    return {name: len(rows) for name, rows in table_rows(engine).items()}


def test_erasing_a_customer_removes_their_conversations_whole_and_nothing_else(
        engine: Engine) -> None:
    store_everyone(engine)
    before = counts(engine)
    person = Person("customer", PSEUDONYM)  # the bare pseudonym: every account's id ending in it

    dry = erase(engine, person, erasure_steps(person), dry_run=True)
    assert counts(engine) == before
    removed = erase(engine, person, erasure_steps(person))

    assert removed == dry == [("scorer_scores", 3), ("scorer_messages", 5)]
    assert rows_mentioning(engine, [PSEUDONYM, "zendesk:1:c1", "zendesk:1:c2"]) == {}
    assert counts(engine) == {"scorer_messages": before["scorer_messages"] - 5,
                              "scorer_scores": before["scorer_scores"] - 3}
    with engine.connect() as connection:
        kept = set(connection.execute(select(messages.c.conversation_key)).scalars())
    assert kept == {"zendesk:1:c3", "zendesk:1:c4"}


def test_erasing_an_agent_removes_their_messages_and_scores_only(engine: Engine) -> None:
    store_everyone(engine)
    person = Person("agent", AGENT_A)

    removed = erase(engine, person, erasure_steps(person))

    assert removed == [("scorer_scores", 2), ("scorer_messages", 2)]
    assert rows_mentioning(engine, [AGENT_A]) == {}
    # The customers' messages and the other agent's replies and scores in the same
    # conversations are theirs, not the erased agent's.
    assert rows_mentioning(engine, [AGENT_B]) == {"scorer_messages": 4, "scorer_scores": 4}
    # Customer D's conversations lose only the agent's reply: 5 rows carried D, 4 remain.
    assert rows_mentioning(engine, [CUSTOMER_D]) == {"scorer_messages": 4}


def test_the_erase_command_reports_per_table_and_refuses_a_missing_person(
        engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch,
        tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    store_everyone(engine)
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.chdir(str(tmp_path))

    assert entry_point.main(["erase", "--customer", CUSTOMER_C, "--dry-run"]) == 0
    report = capsys.readouterr().out
    assert "would remove (dry run, nothing removed)" in report
    assert [line.split() for line in report.splitlines()[1:]] == [
        ["scorer_scores", "3"], ["scorer_messages", "5"], ["total", "8"]]
    assert entry_point.main(["erase", "--agent", AGENT_B]) == 0
    assert f"scorer: removed for agent {AGENT_B}:" in capsys.readouterr().out
    assert rows_mentioning(engine, [AGENT_B]) == {}

    for argv, problem in ((["--agent", " "], "--agent must not be empty"),
                          ([], "one of the arguments --agent --customer is required"),
                          (["--customer", "dana"], "neither a qualified id")):
        with pytest.raises(SystemExit) as exited:
            entry_point.main(["erase", *argv])
        assert exited.value.code == 2
        assert problem in capsys.readouterr().err


def test_retention_blanks_old_bodies_then_removes_old_scores_and_their_bare_messages(
        engine: Engine) -> None:
    store_conversation(engine, "zendesk:1:old", CUSTOMER_D,
                       [("customer", CUSTOMER_D), ("agent", AGENT_A)], at=NOW - timedelta(days=400))
    store_conversation(engine, "zendesk:1:mid", CUSTOMER_D,
                       [("customer", CUSTOMER_D), ("agent", AGENT_A)], at=NOW - timedelta(days=100))
    store_conversation(engine, "zendesk:1:new", CUSTOMER_D,
                       [("customer", CUSTOMER_D), ("agent", AGENT_A)], at=NOW - timedelta(days=5))
    counted_before = RETENTION_REMOVED.labels("message_bodies")._value.get()
    sweeps = scorer_sweeps(ScorerRetention(message_bodies_days=90, score_events_days=365))

    # A batch of one: every store takes several transactions, and still finishes.
    removed = run_sweeps(engine, sweeps, now=NOW, batch_size=1, metrics=RETENTION_METRICS)

    assert removed == {"message_bodies": 4, "score_events": 3}  # 1 score + 2 bare messages
    assert RETENTION_REMOVED.labels("message_bodies")._value.get() == counted_before + 4
    with engine.connect() as connection:
        bodies = {row.message_id: row.body for row in
                  connection.execute(select(messages.c.message_id, messages.c.body))}
        scored = set(connection.execute(select(scores.c.message_id)).scalars())
    assert bodies == {"zendesk:1:mid:m0": "", "zendesk:1:mid:m1": "",
                      "zendesk:1:new:m0": f"words of {CUSTOMER_D}",
                      "zendesk:1:new:m1": f"words of {AGENT_A}"}
    assert scored == {"zendesk:1:mid:m1", "zendesk:1:new:m1"}
    # What stays of a blanked reply: its score, still listed with its conversation.
    with engine.begin() as connection:
        repository.mark_published(connection, model_version="v1",
                                  message_ids=["zendesk:1:mid:m1"], at=NOW)
        assert len(repository.conversation_scores(connection,
                                                  conversation_key="zendesk:1:mid")) == 1
    assert run_sweeps(engine, sweeps, now=NOW, batch_size=1) == {"message_bodies": 0,
                                                                 "score_events": 0}


def test_a_store_kept_forever_is_not_swept(engine: Engine) -> None:
    store_conversation(engine, "zendesk:1:old", CUSTOMER_D,
                       [("customer", CUSTOMER_D), ("agent", AGENT_A)], at=NOW - timedelta(days=900))
    sweeps = scorer_sweeps(ScorerRetention(message_bodies_days=0, score_events_days=365))

    assert run_sweeps(engine, sweeps, now=NOW, batch_size=100) == {"score_events": 1}
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(messages)
                                  .where(messages.c.body != "")).scalar_one() == 2


def test_negative_retention_is_refused_with_the_setting_named() -> None:
    with pytest.raises(ValueError, match="message_bodies_days") as refused:
        ScorerRetention(message_bodies_days=-1)
    assert "greater than or equal to 0" in str(refused.value)
