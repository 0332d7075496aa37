"""Turning a batch of score events into per-(agent, dimension) sums in memory. Pure.

A poll batch often holds many messages of the same agent; summing them here first means one
database row update per agent and dimension instead of one per event.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.coach.profile_math import WeightedStats, merge, observation
from services.coach.timeutil import as_utc
from shared.events.ids import parse_agent_id
from shared.events.scores import Dimension, ScoreEvent

ProfileKey = tuple[str, Dimension]  # (agent id, dimension)
ChannelKey = tuple[str, str]  # (agent id, channel)


@dataclass
class ChannelTally:
    message_count: int
    last_message_at: datetime


@dataclass
class ScoreBatch:
    event_agents: dict[str, str] = field(default_factory=dict)  # event id -> agent id
    stats: dict[ProfileKey, WeightedStats] = field(default_factory=dict)
    channels: dict[ChannelKey, ChannelTally] = field(default_factory=dict)


def team_id(agent_id: str) -> str:
    """An agent's team is its helpdesk account: the first two parts of the agent id."""
    provider, account, _ = parse_agent_id(agent_id)
    return f"{provider}:{account}"


def aggregate_scores(events: Iterable[ScoreEvent], half_life_s: float) -> ScoreBatch:
    """Sum the events' scores per agent and dimension; a dimension scored null is skipped."""
    batch = ScoreBatch()
    for event in events:
        if event.event_id in batch.event_agents:
            continue  # the same event twice in one batch (a producer retry)
        batch.event_agents[event.event_id] = event.agent_id
        at = as_utc(event.message_at)
        for dimension, result in event.dimensions.items():
            if result.score is None:
                continue
            key = (event.agent_id, dimension)
            seen = batch.stats.get(key)
            point = observation(result.score, at)
            batch.stats[key] = point if seen is None else merge(seen, point, half_life_s)
        _tally_channel(batch, event.agent_id, str(event.channel), at)
    return batch


def _tally_channel(batch: ScoreBatch, agent_id: str, channel: str, at: datetime) -> None:
    tally = batch.channels.get((agent_id, channel))
    if tally is None:
        batch.channels[(agent_id, channel)] = ChannelTally(1, at)
        return
    tally.message_count += 1
    tally.last_message_at = max(tally.last_message_at, at)
