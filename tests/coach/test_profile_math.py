"""Profile math: recency weighting, shrinkage towards the team, order independence."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.coach.domain.profile_math import (
    WeightedStats,
    decayed_to,
    estimate_dimension,
    merge,
    observation,
    team_level,
)
from services.coach.settings import ProfileSettings
from tests.coach.factories import NOW

SETTINGS = ProfileSettings()
HALF_LIFE_S = SETTINGS.half_life_days * 86_400


def stats_of(points: list[tuple[float, int]]) -> WeightedStats:
    """(score, days ago) pairs folded into one sum."""
    result: WeightedStats | None = None
    for score, days_ago in points:
        point = observation(score, NOW - timedelta(days=days_ago))
        result = point if result is None else merge(result, point, HALF_LIFE_S)
    assert result is not None
    return result


def test_an_observation_one_half_life_older_weighs_half() -> None:
    stats = stats_of([(1.0, 0), (0.0, 30)])
    assert stats.sum_w == pytest.approx(1.5)
    assert stats.mean == pytest.approx(1 / 1.5)


def test_recent_scores_pull_the_estimate_more_than_old_ones() -> None:
    old_low_recent_high = stats_of([(0.2, 90)] * 10 + [(0.8, 1)] * 10)
    old_high_recent_low = stats_of([(0.8, 90)] * 10 + [(0.2, 1)] * 10)
    assert old_low_recent_high.mean is not None
    assert old_high_recent_low.mean is not None
    assert old_low_recent_high.mean > 0.7  # an unweighted mean would be 0.5
    assert old_high_recent_low.mean < 0.3


def test_thin_evidence_is_shrunk_towards_the_team_and_thick_evidence_is_not() -> None:
    team = team_level([stats_of([(0.7, 1)] * 200)], NOW, HALF_LIFE_S)
    thin = estimate_dimension("tone", stats_of([(0.1, 0)] * 2), team, NOW, SETTINGS)
    thick = estimate_dimension("tone", stats_of([(0.1, 0)] * 200), team, NOW, SETTINGS)
    assert thin.shrinkage_weight == pytest.approx(2 / 12)
    assert thin.estimate == pytest.approx(2 / 12 * 0.1 + 10 / 12 * 0.7)
    assert thick.estimate == pytest.approx(200 / 210 * 0.1 + 10 / 210 * 0.7)
    assert abs(thick.estimate - 0.1) < abs(thin.estimate - 0.1) / 4
    assert thin.interval_high - thin.interval_low > thick.interval_high - thick.interval_low
    assert thin.team_mean == pytest.approx(0.7)


def test_stale_evidence_counts_less_and_is_shrunk_more() -> None:
    team = team_level([stats_of([(0.7, 1)] * 50)], NOW, HALF_LIFE_S)
    fresh = estimate_dimension("tone", stats_of([(0.2, 0)] * 20), team, NOW, SETTINGS)
    stale = estimate_dimension("tone", stats_of([(0.2, 120)] * 20), team, NOW, SETTINGS)
    assert stale.effective_n == pytest.approx(20 / 16)
    assert stale.scored_messages == fresh.scored_messages == 20
    assert stale.estimate > fresh.estimate


def test_the_interval_contains_the_estimate_and_stays_in_unit_range() -> None:
    estimate = estimate_dimension("apology", stats_of([(1.0, 0)] * 3), None, NOW, SETTINGS)
    assert 0.0 <= estimate.interval_low <= estimate.estimate <= estimate.interval_high <= 1.0
    assert estimate.interval_high - estimate.interval_low > 0  # identical scores, still unsure


def test_an_estimate_as_of_an_earlier_moment_never_inflates_the_evidence() -> None:
    stats = stats_of([(0.5, 0)] * 4)
    assert decayed_to(stats, NOW - timedelta(days=60), HALF_LIFE_S).sum_w == pytest.approx(4)


points = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 400)), min_size=1, max_size=30)


@given(points, st.randoms(use_true_random=False))
def test_merging_does_not_depend_on_arrival_order(pairs: list[tuple[float, int]],
                                                  shuffler: object) -> None:
    shuffled = list(pairs)
    shuffler.shuffle(shuffled)  # type: ignore[attr-defined]  # hypothesis' Random
    first, second = stats_of(pairs), stats_of(shuffled)
    assert first.count == second.count
    assert first.anchor_at == second.anchor_at
    assert first.sum_w == pytest.approx(second.sum_w, rel=1e-9)
    assert first.sum_wx == pytest.approx(second.sum_wx, rel=1e-9, abs=1e-12)


@given(points, points)
def test_the_estimate_lies_between_own_mean_and_team_mean(own: list[tuple[float, int]],
                                                          others: list[tuple[float, int]]) -> None:
    mine = stats_of(own)
    team = team_level([mine, stats_of(others)], NOW, HALF_LIFE_S)
    result = estimate_dimension("ownership", mine, team, NOW, SETTINGS)
    assert team is not None
    assert mine.mean is not None
    low, high = sorted((mine.mean, team.mean))
    assert low - 1e-9 <= result.estimate <= high + 1e-9
