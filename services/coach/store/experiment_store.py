"""Experiments in the database: what a lead defined, and who is in each group."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.timeutil import as_utc
from services.coach.store.experiment_tables import experiment_members, experiments
from services.coach.store.tables import dimension_profiles
from shared.events.scores import Dimension

COHORT, COMPARISON = "cohort", "comparison"


@dataclass(frozen=True)
class ExperimentRecord:
    experiment_id: str
    team_id: str
    name: str
    dimension: Dimension
    baseline_from: date
    baseline_to: date
    practice_from: date
    practice_to: date
    seed: int
    created_at: datetime
    cohort: tuple[str, ...]
    comparison: tuple[str, ...]


def create_experiment(connection: sa.Connection, *, team_id: str, name: str,
                      dimension: Dimension, baseline: tuple[date, date],
                      practice: tuple[date, date], cohort: Sequence[str],
                      comparison: Sequence[str], now: datetime) -> ExperimentRecord:
    record = ExperimentRecord(
        experiment_id=f"exp_{secrets.token_hex(8)}", team_id=team_id, name=name,
        dimension=dimension, baseline_from=baseline[0], baseline_to=baseline[1],
        practice_from=practice[0], practice_to=practice[1],
        seed=secrets.randbelow(2**31), created_at=as_utc(now),
        cohort=tuple(sorted(cohort)), comparison=tuple(sorted(comparison)))
    connection.execute(sa.insert(experiments).values(
        experiment_id=record.experiment_id, team_id=team_id, name=name, dimension=dimension,
        baseline_from=record.baseline_from, baseline_to=record.baseline_to,
        practice_from=record.practice_from, practice_to=record.practice_to, seed=record.seed,
        created_at=record.created_at))
    connection.execute(sa.insert(experiment_members), [
        {"experiment_id": record.experiment_id, "agent_id": agent, "group_name": group}
        for group, agents in ((COHORT, record.cohort), (COMPARISON, record.comparison))
        for agent in agents])
    return record


def get_experiment(connection: sa.Connection, experiment_id: str) -> ExperimentRecord | None:
    row = connection.execute(sa.select(experiments).where(
        experiments.c.experiment_id == experiment_id)).first()
    return None if row is None else _record(connection, row)


def list_experiments(connection: sa.Connection, team_id: str) -> list[ExperimentRecord]:
    """The team's experiments, newest first."""
    query = (sa.select(experiments).where(experiments.c.team_id == team_id)
             .order_by(experiments.c.created_at.desc(), experiments.c.experiment_id))
    return [_record(connection, row) for row in connection.execute(query)]


def team_agent_ids(connection: sa.Connection, team_id: str) -> list[str]:
    """Every agent of the team the coach has scores for."""
    query = (sa.select(dimension_profiles.c.agent_id).distinct()
             .where(dimension_profiles.c.team_id == team_id)
             .order_by(dimension_profiles.c.agent_id))
    return list(connection.scalars(query))


def _record(connection: sa.Connection, row: sa.Row[tuple[object, ...]]) -> ExperimentRecord:
    members = connection.execute(
        sa.select(experiment_members.c.agent_id, experiment_members.c.group_name)
        .where(experiment_members.c.experiment_id == row.experiment_id)
        .order_by(experiment_members.c.agent_id)).all()
    return ExperimentRecord(
        experiment_id=row.experiment_id, team_id=row.team_id, name=row.name,
        dimension=as_dimension(row.dimension), baseline_from=row.baseline_from,
        baseline_to=row.baseline_to, practice_from=row.practice_from,
        practice_to=row.practice_to, seed=row.seed, created_at=as_utc(row.created_at),
        cohort=tuple(agent for agent, group in members if group == COHORT),
        comparison=tuple(agent for agent, group in members if group == COMPARISON))
