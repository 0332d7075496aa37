"""Profiles in a real database (SQLite and PostgreSQL): batches, redelivery, nulls, channels."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from services.coach.app import MIGRATIONS
from services.coach.settings import ProfileSettings
from services.coach.store.agent_states import load_estimates
from services.coach.store.profile_store import (
    apply_score_events,
    load_channels,
    load_profiles,
    profiled_agent_ids,
)
from services.coach.store.tables import dimension_profiles, metadata, score_events
from shared.db.engine import create_db_engine
from shared.db.migrations import alembic_config, apply_migrations, downgrade_all
from shared.events.interactions import Channel
from shared.events.scores import ScoreEvent
from tests.coach.factories import NOW, example_score_events, score_event, uniform_scores
from tests.support.databases import table_names

HALF_LIFE_S = 30 * 86_400
A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


def apply(engine: Engine, events: list[ScoreEvent]) -> tuple[int, int]:
    with engine.begin() as connection:
        outcome = apply_score_events(connection, events, half_life_s=HALF_LIFE_S, now=NOW)
    return outcome.applied, outcome.duplicates


def table_snapshot(engine: Engine) -> list[tuple[object, ...]]:
    with engine.connect() as connection:
        rows = connection.execute(sa.select(dimension_profiles).order_by(
            dimension_profiles.c.agent_id, dimension_profiles.c.dimension)).all()
    return [tuple(row) for row in rows]


@pytest.mark.parametrize("example", example_score_events(), ids=lambda e: e.event_id[:40])
def test_every_example_score_event_becomes_a_profile(coach_engine: Engine,
                                                     example: ScoreEvent) -> None:
    assert apply(coach_engine, [example]) == (1, 0)
    with coach_engine.connect() as connection:
        profile = load_profiles(connection, [example.agent_id])[example.agent_id]
        channels = load_channels(connection, [example.agent_id])[example.agent_id]
    scored = {dim for dim, result in example.dimensions.items() if result.score is not None}
    assert set(profile) == scored  # dimensions scored null did not apply and left no trace
    for dim in scored:
        assert profile[dim].count == 1
        assert profile[dim].mean == pytest.approx(example.dimensions[dim].score)
    assert channels == {example.channel.value}


def test_a_redelivered_event_changes_nothing(coach_engine: Engine) -> None:
    events = [score_event(A, i, uniform_scores(0.1 * i)) for i in range(1, 6)]
    assert apply(coach_engine, events) == (5, 0)
    before = table_snapshot(coach_engine)
    assert apply(coach_engine, events[2:4]) == (0, 2)
    assert apply(coach_engine, [events[0], events[0]]) == (0, 1)
    assert table_snapshot(coach_engine) == before
    # A batch mixing new and redelivered events applies only the new one.
    assert apply(coach_engine, [events[1], score_event(A, 9, uniform_scores(0.9))]) == (1, 1)
    with coach_engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(score_events)) == 6
        assert load_profiles(connection, [A])[A]["tone"].count == 6


def test_the_same_event_twice_in_one_batch_counts_once(coach_engine: Engine) -> None:
    event = score_event(A, 1, uniform_scores(0.5))
    assert apply(coach_engine, [event, event]) == (1, 0)
    with coach_engine.connect() as connection:
        assert load_profiles(connection, [A])[A]["tone"].count == 1


def test_batches_in_any_split_give_the_same_profile(coach_engine: Engine) -> None:
    events = [score_event(A, i, uniform_scores(i / 20), at=NOW - timedelta(days=i))
              for i in range(20)]
    apply(coach_engine, events[10:])
    apply(coach_engine, events[:3])
    apply(coach_engine, events[3:10])
    with coach_engine.connect() as connection:
        split = load_profiles(connection, [A])[A]["ownership"]
    expected_weights = [2 ** (-i / 30) for i in range(20)]
    expected_mean = sum(w * i / 20 for i, w in enumerate(expected_weights)) / sum(expected_weights)
    assert split.count == 20
    assert split.mean == pytest.approx(expected_mean)


def test_team_level_and_channels_come_from_the_same_account(coach_engine: Engine) -> None:
    other_team = "zendesk:20000002:902000000003"
    apply(coach_engine, [score_event(A, i, uniform_scores(0.2)) for i in range(4)]
          + [score_event(B, i, uniform_scores(0.8), channel=Channel.EMAIL) for i in range(4)]
          + [score_event(other_team, i, uniform_scores(0.0)) for i in range(50)])
    with coach_engine.connect() as connection:
        estimates = load_estimates(connection, [A], as_of=NOW, settings=ProfileSettings())
        channels = load_channels(connection, [A, B])
        agents = profiled_agent_ids(connection)
    assert estimates[A]["tone"].team_mean == pytest.approx(0.5)
    assert channels == {A: frozenset({"chat"}), B: frozenset({"email"})}
    assert agents == sorted([A, B, other_team])


def test_migrations_match_the_tables_and_downgrade_cleanly(coach_engine: Engine) -> None:
    with coach_engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_name": lambda name, kind, _parent: kind != "table" or name.startswith(
                "coach_")})
        drift = compare_metadata(context, metadata)
    assert drift == []
    downgrade_all(coach_engine, MIGRATIONS, version_table="alembic_version_coach")
    assert not {t for t in table_names(coach_engine) if t.startswith("coach_")}


def test_upgrading_from_coach_0001_keeps_each_profiles_anchor(database_url: str) -> None:
    engine = create_db_engine(database_url)
    config = alembic_config(MIGRATIONS, version_table="alembic_version_coach")
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "coach_0001")
        connection.execute(sa.text(
            "INSERT INTO coach_dimension_profiles (agent_id, dimension, team_id, anchor_at, "
            "sum_w, sum_wx, sum_wxx, scored_count, updated_at) VALUES ('zendesk:1:a', 'tone', "
            "'zendesk:1', :at, 2.0, 1.0, 0.6, 2, :at)"), {"at": NOW})
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_coach")
    with engine.connect() as connection:
        stats = load_profiles(connection, ["zendesk:1:a"])["zendesk:1:a"]["tone"]
    engine.dispose()
    assert abs(stats.anchor_s - NOW.timestamp()) < 0.001
    assert (stats.sum_w, stats.count) == (2.0, 2)
