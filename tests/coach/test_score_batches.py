"""In-memory batch aggregation: the fast path must equal folding ``merge`` event by event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.coach.domain.profile_math import WeightedStats, merge, observation
from services.coach.domain.score_batches import aggregate_scores, team_id
from shared.events.interactions import Channel
from tests.coach.factories import NOW, score_event, uniform_scores

HALF_LIFE_S = 30 * 86_400
AGENTS = ("zendesk:1:a", "zendesk:1:b", "intercom:x:c")

observations = st.lists(st.tuples(st.sampled_from(AGENTS), st.floats(0, 1) | st.none(),
                                  st.integers(-200, 200)), min_size=1, max_size=40)


@settings(deadline=None)
@given(observations)
def test_aggregation_equals_folding_merge(rows: list[tuple[str, float | None, int]]) -> None:
    events = [score_event(agent, i, uniform_scores(0.5, tone=score),
                          at=NOW + timedelta(hours=hours))
              for i, (agent, score, hours) in enumerate(rows)]
    batch = aggregate_scores(events, HALF_LIFE_S)
    expected: dict[str, WeightedStats] = {}
    for agent, score, hours in rows:
        if score is None:
            continue
        point = observation(score, NOW + timedelta(hours=hours))
        seen = expected.get(agent)
        expected[agent] = point if seen is None else merge(seen, point, HALF_LIFE_S)
    got = {agent: stats for (agent, dim), stats in batch.stats.items() if dim == "tone"}
    assert set(got) == set(expected)
    for agent, stats in got.items():
        assert stats.anchor_at == expected[agent].anchor_at
        assert stats.count == expected[agent].count
        assert stats.sum_w == pytest.approx(expected[agent].sum_w, rel=1e-9)
        assert stats.sum_wx == pytest.approx(expected[agent].sum_wx, rel=1e-9, abs=1e-12)


def test_nulls_are_skipped_and_channels_counted() -> None:
    events = [score_event("zendesk:1:a", 1, uniform_scores(0.5, apology=None)),
              score_event("zendesk:1:a", 2, uniform_scores(0.7, apology=None),
                          channel=Channel.EMAIL, at=NOW + timedelta(hours=1)),
              score_event("zendesk:1:a", 2, uniform_scores(0.7))]  # same event id again
    batch = aggregate_scores(events, HALF_LIFE_S)
    assert ("zendesk:1:a", "apology") not in batch.stats
    assert batch.stats[("zendesk:1:a", "tone")].count == 2
    assert {key: tally.message_count for key, tally in batch.channels.items()} == {
        ("zendesk:1:a", "chat"): 1, ("zendesk:1:a", "email"): 1}
    assert len(batch.event_agents) == 2


def test_the_team_is_the_provider_and_account() -> None:
    assert team_id("zendesk:10000001:902000000001") == "zendesk:10000001"
    with pytest.raises(ValueError, match="agent id"):
        team_id("zendesk:10000001")
