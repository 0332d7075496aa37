"""The coach's erasure and retention on both databases.

Every table the coach declares gets rows for two agents (a table added later is filled too, so
a table erasure cannot find its way into fails here). Erasing one agent must leave no column of
any table naming them, and every row of the other.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from services.coach.commands.cli import run_cli
from services.coach.settings import CoachRetention, CoachSettings
from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.erasure import erasure_steps
from services.coach.store.experiment_tables import conversation_outcomes, message_scores
from services.coach.store.lines_tables import gratitude
from services.coach.store.retention import coach_sweeps
from services.coach.store.tables import assignments, attempts, metadata, reflections, score_events
from shared.erasure import Person, erase
from shared.retention import run_sweeps
from shared.settings import DatabaseSettings
from tests.coach.factories import NOW
from tests.support.person_rows import rows_mentioning, table_rows

ERASED, KEPT = "zendesk:1:agent-erased", "zendesk:1:agent-kept"
ROWS_PER_TABLE = 2


def fill_every_table(engine: Engine, agent: str) -> None:
    with engine.begin() as connection:
        for table in metadata.sorted_tables:  # drills before what hangs off them
            connection.execute(sa.insert(table), [_row(table, agent, index)
                                                  for index in range(ROWS_PER_TABLE)])


def _row(table: sa.Table, agent: str, index: int) -> dict[str, Any]:
    return {column.name: _value(column, agent, index) for column in table.columns}


def _value(column: sa.Column[Any], agent: str, index: int) -> Any:
    if column.name in ("agent_id", "reviewer_id"):  # a reviewer is an agent of the team
        return agent
    if column.name == "assignment_id":  # the drill's key, and the key of what hangs off it
        return f"{agent}:drill-{index}"
    kind = column.type
    if isinstance(kind, sa.DateTime):
        return NOW - timedelta(days=index)
    if isinstance(kind, sa.Date):
        return (NOW - timedelta(days=index)).date()
    if isinstance(kind, sa.Float):
        return 0.5
    if isinstance(kind, sa.Integer):
        return index
    if isinstance(kind, sa.JSON):
        return {"index": index}
    if isinstance(kind, sa.Boolean):
        return False
    text = f"{column.name}-{agent}-{index}"
    length = getattr(kind, "length", None)
    return text[-length:] if length else text


def test_erasing_an_agent_leaves_nothing_of_them_in_any_table(coach_engine: Engine) -> None:
    fill_every_table(coach_engine, ERASED)
    fill_every_table(coach_engine, KEPT)
    kept_before = rows_mentioning(coach_engine, [KEPT])
    person = Person("agent", ERASED)

    dry = erase(coach_engine, person, erasure_steps(person), dry_run=True)
    assert rows_mentioning(coach_engine, [ERASED]) == kept_before  # nothing removed yet
    removed = erase(coach_engine, person, erasure_steps(person))

    assert removed == dry
    assert dict(removed) == dict.fromkeys(metadata.tables, ROWS_PER_TABLE)
    assert rows_mentioning(coach_engine, [ERASED]) == {}
    assert rows_mentioning(coach_engine, [KEPT]) == kept_before
    assert {name: len(rows) for name, rows in table_rows(coach_engine).items()} == \
        dict.fromkeys(metadata.tables, ROWS_PER_TABLE)


def test_a_customer_erasure_removes_no_agent_data_nor_anyone_elses_praise(
        coach_engine: Engine) -> None:
    fill_every_table(coach_engine, KEPT)
    person = Person("customer", "p-0123456789abcdef01234567")

    assert dict(erase(coach_engine, person, erasure_steps(person))) == dict.fromkeys(
        metadata.tables, 0)
    assert rows_mentioning(coach_engine, [KEPT]) == dict.fromkeys(metadata.tables,
                                                                  ROWS_PER_TABLE)


def test_the_erase_command_prints_each_table_and_refuses_a_bad_agent_id(
        coach_engine: Engine, database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    fill_every_table(coach_engine, ERASED)
    settings = CoachSettings(environment="development",
                             database=DatabaseSettings(url=database_url))

    assert run_cli(["erase", "--agent", ERASED, "--dry-run"], settings=settings) == 0
    report = capsys.readouterr().out.splitlines()
    assert report[0] == f"coach: would remove (dry run, nothing removed) for agent {ERASED}:"
    assert report[-1].split() == ["total", str(ROWS_PER_TABLE * len(metadata.tables))]
    assert run_cli(["erase", "--agent", ERASED], settings=settings) == 0
    assert rows_mentioning(coach_engine, [ERASED]) == {}

    for argv, problem in ((["--agent", ""], "--agent must not be empty"),
                          (["--agent", "agent-7"], "is not '<provider>:<account>:<user id>'")):
        with pytest.raises(SystemExit) as exited:
            run_cli(["erase", *argv], settings=settings)
        assert exited.value.code == 2
        assert problem in capsys.readouterr().err


def test_retention_removes_old_attempts_reflections_and_applied_ids_but_keeps_drills(
        coach_engine: Engine) -> None:
    fill_every_table(coach_engine, KEPT)
    with coach_engine.begin() as connection:  # one row of each: over a year old
        for column in (attempts.c.created_at, reflections.c.created_at,
                       score_events.c.applied_at, message_scores.c.message_at,
                       conversation_outcomes.c.updated_at, gratitude.c.occurred_at,
                       conversation_messages.c.created_at):
            connection.execute(sa.update(column.table).where(column == NOW)
                               .values({column.name: NOW - timedelta(days=400)}))
    sweeps = coach_sweeps(CoachRetention(attempts_days=365, score_events_days=365))

    assert run_sweeps(coach_engine, sweeps, now=NOW, batch_size=1) == {
        "attempts": 2, "score_events": 1, "message_scores": 2, "gratitude": 1,
        "conversation_texts": 1}
    counts = {name: len(rows) for name, rows in table_rows(coach_engine).items()}
    assert counts[attempts.name] == counts[reflections.name] == counts[score_events.name] == 1
    assert counts[message_scores.name] == counts[gratitude.name] == 1
    assert counts[conversation_outcomes.name] == 1
    assert counts[conversation_messages.name] == 1
    assert counts[assignments.name] == ROWS_PER_TABLE
    assert run_sweeps(coach_engine, coach_sweeps(CoachRetention(attempts_days=0,
                                                                score_events_days=0,
                                                                message_scores_days=0,
                                                                gratitude_days=0,
                                                                conversation_texts_days=0)),
                      now=NOW + timedelta(days=5000), batch_size=10) == {}
