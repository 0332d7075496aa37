"""Turning a batch of score events into per-(agent, dimension) sums in memory. Pure.

A poll batch often holds many messages of the same agent; summing them here first means one
database row update per agent and dimension instead of one per event. This is the consumer's
inner loop, so it works on plain floats (seconds since the epoch) rather than building a
``WeightedStats`` per observation; the result is the same as folding ``merge`` over them.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from services.coach.domain.profile_math import WeightedStats
from services.coach.domain.timeutil import as_utc
from shared.events.ids import parse_agent_id
from shared.events.scores import Dimension, ScoreEvent

ProfileKey = tuple[str, Dimension]  # (agent id, dimension)
ChannelKey = tuple[str, str]  # (agent id, channel)


@dataclass
class ChannelTally:
    message_count: int
    last_message_at: datetime


class _Sums:
    """Recency-weighted sums anchored at the latest observation seen so far."""

    __slots__ = ("anchor_s", "count", "sum_w", "sum_wx", "sum_wxx")

    def __init__(self, anchor_s: float) -> None:
        self.anchor_s = anchor_s
        self.sum_w = self.sum_wx = self.sum_wxx = 0.0
        self.count = 0

    def add(self, score: float, at_s: float, half_life_s: float) -> None:
        if at_s > self.anchor_s:  # a newer message: age what we have to the new anchor
            factor = math.exp2((self.anchor_s - at_s) / half_life_s)
            self.sum_w *= factor
            self.sum_wx *= factor
            self.sum_wxx *= factor
            self.anchor_s = at_s
        weight = math.exp2((at_s - self.anchor_s) / half_life_s)
        self.sum_w += weight
        self.sum_wx += weight * score
        self.sum_wxx += weight * score * score
        self.count += 1

    def stats(self) -> WeightedStats:
        return WeightedStats(anchor_s=self.anchor_s, sum_w=self.sum_w, sum_wx=self.sum_wx,
                             sum_wxx=self.sum_wxx, count=self.count)


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
    sums: dict[ProfileKey, _Sums] = {}
    seen = batch.event_agents
    for event in events:
        if event.event_id in seen:
            continue  # the same event twice in one batch (a producer retry)
        agent_id = event.agent_id
        seen[event.event_id] = agent_id
        at = as_utc(event.message_at)
        at_s = at.timestamp()
        for dimension, result in event.dimensions.items():
            score = result.score
            if score is None:
                continue
            acc = sums.get((agent_id, dimension))
            if acc is None:
                acc = sums[(agent_id, dimension)] = _Sums(at_s)
            acc.add(score, at_s, half_life_s)
        _tally_channel(batch, agent_id, event.channel.value, at)
    batch.stats = {key: acc.stats() for key, acc in sums.items()}
    return batch


def _tally_channel(batch: ScoreBatch, agent_id: str, channel: str, at: datetime) -> None:
    tally = batch.channels.get((agent_id, channel))
    if tally is None:
        batch.channels[(agent_id, channel)] = ChannelTally(1, at)
        return
    tally.message_count += 1
    tally.last_message_at = max(tally.last_message_at, at)
