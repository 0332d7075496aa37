"""Test data for the coach: score events from the shared examples, synthetic libraries, clocks."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import get_args

from services.coach.domain.profile_math import DimensionEstimate
from services.coach.domain.scenario_library import ScenarioLibrary, load_library
from services.coach.domain.scenario_models import Scenario
from shared.events import SCORES, ScoreEvent
from shared.events.codec import decode_as
from shared.events.interactions import Channel
from shared.events.schemas import example_paths
from shared.events.scores import DIMENSIONS, Dimension, DimensionResult

NOW = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)  # a Thursday in 2026-W48


@dataclass
class FixedClock:
    now: datetime = NOW

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


def example_score_events() -> list[ScoreEvent]:
    return [decode_as(ScoreEvent, path.read_bytes()) for path in example_paths(SCORES)]


def score_event(agent_id: str, index: int, scores: Mapping[str, float | None], *,
                at: datetime = NOW, channel: Channel = Channel.CHAT,
                template: ScoreEvent | None = None) -> ScoreEvent:
    """An example score event re-targeted at ``agent_id`` with the given dimension scores."""
    base = template or example_score_events()[0]
    dimensions: dict[Dimension, DimensionResult] = {
        dim: DimensionResult(score=scores.get(dim), evidence=()) for dim in get_args(Dimension)}
    provider, account, _ = agent_id.split(":")
    return base.model_copy(update={
        "event_id": f"{agent_id}:{index}@test-model", "agent_id": agent_id,
        "message_id": f"{provider}:{account}:c{index}:m{index}",
        "conversation_key": f"{provider}:{account}:c{index}", "channel": channel,
        "message_at": at, "scored_at": at, "dimensions": dimensions})


def uniform_scores(value: float, **overrides: float | None) -> dict[str, float | None]:
    scores: dict[str, float | None] = dict.fromkeys(DIMENSIONS, value)
    scores.update(overrides)
    return scores


def estimate(dimension: Dimension, value: float, *, n: int = 20, half_width: float = 0.05,
             team_mean: float = 0.6) -> DimensionEstimate:
    return DimensionEstimate(
        dimension=dimension, estimate=value, interval_low=max(0.0, value - half_width),
        interval_high=min(1.0, value + half_width), standard_error=half_width / 1.96,
        effective_n=float(n), scored_messages=n, raw_mean=value, team_mean=team_mean,
        shrinkage_weight=n / (n + 10), last_message_at=NOW)


def shipped_library() -> ScenarioLibrary:
    return load_library()


def synthetic_library(count_per_dimension: int = 4,
                      channels: tuple[Channel, ...] = (Channel.CHAT, Channel.EMAIL)
                      ) -> ScenarioLibrary:
    """Variants of a shipped scenario spread over dimensions, channels and difficulties."""
    template = shipped_library().all()[0]
    scenarios: list[Scenario] = []
    for dim in DIMENSIONS:
        for index in range(count_per_dimension):
            channel = channels[index % len(channels)]
            tags = ("boundary",) if dim == "boundaries" else ()
            scenarios.append(template.model_copy(update={
                "id": f"{dim.replace('_', '-')}-{channel.value.replace('_', '-')}-{index}",
                "dimensions": (dim,), "channel": channel, "difficulty": 1 + index % 5,
                "tags": tags, "vulnerability": None, "curveball": None,
                "accessibility_needs": (), "title": f"{dim} drill {index}"}))
    return ScenarioLibrary(scenarios)
