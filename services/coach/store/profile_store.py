"""Skill profiles in the database: apply a batch of score events, read agents' and teams' sums.

One transaction per batch: find which events were already applied, record the new ones, merge
their in-memory sums into the stored rows and write every touched row back with one bulk upsert.
Within a consumer group an agent's events arrive on one partition (the key is the agent id), so
no other writer updates the same rows; the event-id insert would fail the whole batch (and the
replay would find it applied) if a rebalance ever let two consumers race.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.profile_math import WeightedStats, merge
from services.coach.domain.score_batches import ProfileKey, ScoreBatch, aggregate_scores, team_id
from services.coach.domain.timeutil import as_utc
from services.coach.store.evidence_quotes import record_quotes
from services.coach.store.message_scores import record_message_scores
from services.coach.store.score_history import record_weekly_scores
from services.coach.store.tables import agent_channels, dimension_profiles, score_events
from services.coach.store.upserts import bulk_upsert
from shared.events.scores import Dimension, ScoreEvent

# Keeps IN (...) lists well inside every driver's parameter limit.
_CHUNK = 900
_STATS_COLUMNS = tuple(dimension_profiles.c[name] for name in (
    "agent_id", "dimension", "team_id", "anchor_s", "sum_w", "sum_wx", "sum_wxx", "scored_count"))


@dataclass(frozen=True)
class BatchOutcome:
    applied: int
    duplicates: int
    rows_updated: int


def apply_score_events(connection: sa.Connection, events: Sequence[ScoreEvent], *,
                       half_life_s: float, now: datetime) -> BatchOutcome:
    batch = aggregate_scores(events, half_life_s)
    already = _applied_event_ids(connection, batch.event_agents)
    fresh = events
    if already:
        fresh = [e for e in events if e.event_id not in already]
        batch = aggregate_scores(fresh, half_life_s)
    if not batch.event_agents:
        return BatchOutcome(applied=0, duplicates=len(already), rows_updated=0)
    applied_at = as_utc(now)
    # A plain insert: an event id another consumer applied meanwhile fails the batch (replayed).
    bulk_upsert(connection, score_events, [
        {"event_id": event_id, "agent_id": agent_id, "applied_at": applied_at}
        for event_id, agent_id in batch.event_agents.items()
    ])
    rows = _merged_rows(connection, batch, half_life_s, now)
    _upsert_profiles(connection, rows)
    _upsert_channels(connection, batch)
    # The home page's weekly chart and quoted evidence, in the same transaction as the profile.
    record_weekly_scores(connection, fresh)
    record_quotes(connection, fresh)
    record_message_scores(connection, fresh)  # what before/after experiments average
    return BatchOutcome(applied=len(batch.event_agents), duplicates=len(already),
                        rows_updated=len(rows))


def load_profiles(connection: sa.Connection, agent_ids: Collection[str], *,
                  for_update: bool = False) -> dict[str, dict[Dimension, WeightedStats]]:
    found: dict[str, dict[Dimension, WeightedStats]] = {}
    for chunk in _chunks(list(agent_ids)):
        query = sa.select(*_STATS_COLUMNS).where(dimension_profiles.c.agent_id.in_(chunk))
        if for_update:  # PostgreSQL: a dispute's correction (score_corrections) waits, or we do
            query = query.with_for_update()
        for row in connection.execute(query):
            found.setdefault(row.agent_id, {})[as_dimension(row.dimension)] = _stats(row)
    return found


def load_team_members(connection: sa.Connection, team_ids: Collection[str]
                      ) -> dict[str, dict[Dimension, list[WeightedStats]]]:
    """Every member's sums per team and dimension, for the team level."""
    found: dict[str, dict[Dimension, list[WeightedStats]]] = {}
    for chunk in _chunks(list(team_ids)):
        query = sa.select(*_STATS_COLUMNS).where(dimension_profiles.c.team_id.in_(chunk))
        for row in connection.execute(query):
            found.setdefault(row.team_id, {}).setdefault(as_dimension(row.dimension), []).append(
                _stats(row))
    return found


def load_channels(connection: sa.Connection, agent_ids: Collection[str]
                  ) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = {}
    for chunk in _chunks(list(agent_ids)):
        query = sa.select(agent_channels.c.agent_id, agent_channels.c.channel).where(
            agent_channels.c.agent_id.in_(chunk))
        for agent_id, channel in connection.execute(query):
            found.setdefault(agent_id, set()).add(channel)
    return {agent_id: frozenset(channels) for agent_id, channels in found.items()}


def profiled_agent_ids(connection: sa.Connection) -> list[str]:
    query = sa.select(dimension_profiles.c.agent_id).distinct().order_by(
        dimension_profiles.c.agent_id)
    return list(connection.scalars(query))


def agent_is_known(connection: sa.Connection, agent_id: str) -> bool:
    """Whether any score event for the agent was applied. Every applied event writes its agent's
    profile rows in the same transaction, so the (indexed) profile table answers exactly."""
    query = sa.select(dimension_profiles.c.agent_id).where(
        dimension_profiles.c.agent_id == agent_id).limit(1)
    return connection.execute(query).first() is not None


def some_agent_ids(connection: sa.Connection, *, like: str, limit: int) -> tuple[list[str], int]:
    """Up to ``limit`` known agent ids, those of ``like``'s provider and account first; and how
    many agents are known in all."""
    provider, account, _ = like.split(":", 2) if like.count(":") >= 2 else ("", "", "")
    agent = dimension_profiles.c.agent_id
    total = connection.execute(sa.select(sa.func.count(agent.distinct()))).scalar_one()
    found: list[str] = []
    if provider and account:
        nearby = sa.select(agent).distinct().where(
            agent.startswith(f"{provider}:{account}:", autoescape=True)).order_by(agent)
        found = list(connection.scalars(nearby.limit(limit)))
    if len(found) < limit:
        rest = sa.select(agent).distinct().where(agent.not_in(found) if found else sa.true())
        found += connection.scalars(rest.order_by(agent).limit(limit - len(found)))
    return found, int(total)


def _applied_event_ids(connection: sa.Connection, event_ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(event_ids)):
        query = sa.select(score_events.c.event_id).where(score_events.c.event_id.in_(chunk))
        found.update(connection.scalars(query))
    return found


def _merged_rows(connection: sa.Connection, batch: ScoreBatch, half_life_s: float,
                 now: datetime) -> list[dict[str, object]]:
    stored = load_profiles(connection, {agent_id for agent_id, _ in batch.stats},
                           for_update=True)
    rows = []
    for key, fresh in batch.stats.items():
        previous = stored.get(key[0], {}).get(key[1])
        merged = fresh if previous is None else merge(previous, fresh, half_life_s)
        rows.append(_row(key, merged, now))
    return rows


def _row(key: ProfileKey, stats: WeightedStats, now: datetime) -> dict[str, object]:
    agent_id, dimension = key
    return {"agent_id": agent_id, "dimension": dimension, "team_id": team_id(agent_id),
            "anchor_s": stats.anchor_s, "sum_w": stats.sum_w, "sum_wx": stats.sum_wx,
            "sum_wxx": stats.sum_wxx, "scored_count": stats.count, "updated_at": as_utc(now)}


def _upsert_profiles(connection: sa.Connection, rows: list[dict[str, object]]) -> None:
    changed = ("anchor_s", "sum_w", "sum_wx", "sum_wxx", "scored_count", "updated_at")
    bulk_upsert(connection, dimension_profiles, rows, conflict=("agent_id", "dimension"),
                update=lambda excluded: {name: excluded[name] for name in changed})


def _upsert_channels(connection: sa.Connection, batch: ScoreBatch) -> None:
    table = agent_channels.c

    def accumulate(excluded: Any) -> dict[str, Any]:
        # Arithmetic in SQL: the increment is right whatever another writer did meanwhile.
        return {"message_count": table.message_count + excluded.message_count,
                "last_message_at": sa.case(
                    (excluded.last_message_at > table.last_message_at, excluded.last_message_at),
                    else_=table.last_message_at)}

    bulk_upsert(connection, agent_channels, [
        {"agent_id": agent_id, "channel": channel, "message_count": tally.message_count,
         "last_message_at": as_utc(tally.last_message_at)}
        for (agent_id, channel), tally in batch.channels.items()
    ], conflict=("agent_id", "channel"), update=accumulate)


def _stats(row: sa.Row[tuple[object, ...]]) -> WeightedStats:
    return WeightedStats(anchor_s=row.anchor_s, sum_w=row.sum_w, sum_wx=row.sum_wx,
                         sum_wxx=row.sum_wxx, count=row.scored_count)


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]
