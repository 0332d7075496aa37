"""Skill estimates from scores: recency-weighted statistics, shrunk towards the team when thin.

Each (agent, dimension) keeps exponentially time-weighted sums anchored at the latest message:
an observation ``h`` half-lives older than the anchor weighs ``2**-h``. Merging two sums rescales
the older anchor to the newer one, so the result does not depend on arrival order and a batch
can be aggregated in memory before it touches the database.

An estimate "as of" a moment decays the whole sum to that moment: the weighted mean is
unchanged, but the evidence mass ``n_eff = sum of weights`` shrinks as the evidence ages. That
mass drives empirical-Bayes shrinkage towards the team: ``B = n_eff / (n_eff + k)``. The
standard error is that of a normal-normal posterior, ``sqrt(sigma^2 / (n_eff + k))``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from services.coach.domain.timeutil import as_utc
from services.coach.settings import ProfileSettings
from shared.events.scores import Dimension

# Sums of weights below this are "no evidence left" (all of it aged out of float range).
_NEGLIGIBLE_WEIGHT = 1e-12
# Weights of evidence dated after the moment they are aged to grow as 2**(half-lives ahead).
# The consumer refuses events from the future, so this only bounds what a bug could do: a date
# in 2150 once overflowed every profile of its team (OverflowError in math.exp2).
_MAX_GROWTH_HALF_LIVES = 64.0
# Scores live in [0, 1]; a prior variance of 0.04 (sd 0.2) means "anywhere in a broad middle".
DEFAULT_PRIOR_VARIANCE = 0.04
# A floor on the variance keeps a run of identical scores from claiming a zero-width interval.
MIN_VARIANCE = 0.0025


@dataclass(frozen=True)
class WeightedStats:
    """Recency-weighted sums for one agent and dimension, weights relative to the anchor.

    The anchor is kept as seconds since the epoch (UTC): this is the consumer's inner loop and
    float arithmetic there is several times cheaper than datetime arithmetic.
    """

    anchor_s: float
    sum_w: float
    sum_wx: float
    sum_wxx: float
    count: int

    @property
    def anchor_at(self) -> datetime:
        return datetime.fromtimestamp(self.anchor_s, UTC)

    @property
    def mean(self) -> float | None:
        return self.sum_wx / self.sum_w if self.sum_w > _NEGLIGIBLE_WEIGHT else None

    @property
    def variance(self) -> float | None:
        mean = self.mean
        if mean is None:
            return None
        return max(0.0, self.sum_wxx / self.sum_w - mean * mean)

    def rescaled(self, anchor_s: float, half_life_s: float) -> WeightedStats:
        """The same evidence with weights relative to another anchor (above 1 if earlier)."""
        factor = _weight_factor(self.anchor_s - anchor_s, half_life_s)
        return WeightedStats(anchor_s=anchor_s, sum_w=self.sum_w * factor,
                             sum_wx=self.sum_wx * factor, sum_wxx=self.sum_wxx * factor,
                             count=self.count)


def _weight_factor(seconds_ahead: float, half_life_s: float) -> float:
    return math.exp2(min(seconds_ahead / half_life_s, _MAX_GROWTH_HALF_LIVES))


def observation(score: float, at: datetime) -> WeightedStats:
    return WeightedStats(anchor_s=as_utc(at).timestamp(), sum_w=1.0, sum_wx=score,
                         sum_wxx=score * score, count=1)


def merge(first: WeightedStats, second: WeightedStats, half_life_s: float) -> WeightedStats:
    # Only the older side is rescaled (its factor is at most 1); no intermediate objects, as
    # this runs once per (agent, dimension) row in every consumer batch.
    newer, older = (first, second) if first.anchor_s >= second.anchor_s else (second, first)
    factor = _weight_factor(older.anchor_s - newer.anchor_s, half_life_s)
    return WeightedStats(anchor_s=newer.anchor_s, sum_w=newer.sum_w + older.sum_w * factor,
                         sum_wx=newer.sum_wx + older.sum_wx * factor,
                         sum_wxx=newer.sum_wxx + older.sum_wxx * factor,
                         count=newer.count + older.count)


def decayed_to(stats: WeightedStats, as_of: datetime, half_life_s: float) -> WeightedStats:
    """Age the evidence to ``as_of``; never inflate it when ``as_of`` precedes the anchor."""
    return stats.rescaled(max(as_utc(as_of).timestamp(), stats.anchor_s), half_life_s)


@dataclass(frozen=True)
class TeamLevel:
    mean: float
    variance: float
    agents: int


def team_level(members: Iterable[WeightedStats], as_of: datetime,
               half_life_s: float) -> TeamLevel | None:
    """Pool every member's evidence (message-weighted, recency-weighted) into one team level."""
    sum_w = sum_wx = sum_wxx = 0.0
    agents = 0
    as_of_s = as_utc(as_of).timestamp()
    for stats in members:
        aged = stats.rescaled(as_of_s, half_life_s)
        sum_w, sum_wx, sum_wxx = sum_w + aged.sum_w, sum_wx + aged.sum_wx, sum_wxx + aged.sum_wxx
        agents += 1
    if sum_w <= _NEGLIGIBLE_WEIGHT:
        return None
    mean = sum_wx / sum_w
    return TeamLevel(mean=mean, variance=max(0.0, sum_wxx / sum_w - mean * mean), agents=agents)


@dataclass(frozen=True)
class DimensionEstimate:
    dimension: Dimension
    estimate: float
    interval_low: float
    interval_high: float
    standard_error: float
    effective_n: float
    scored_messages: int
    raw_mean: float | None
    team_mean: float
    shrinkage_weight: float
    last_message_at: datetime | None


def estimate_dimension(dimension: Dimension, stats: WeightedStats, team: TeamLevel | None,
                       as_of: datetime, settings: ProfileSettings) -> DimensionEstimate:
    half_life_s = settings.half_life_days * 86_400
    aged = decayed_to(stats, as_of, half_life_s)
    raw_mean = aged.mean
    n_eff = aged.sum_w if raw_mean is not None else 0.0
    team_mean = team.mean if team is not None else (raw_mean if raw_mean is not None else 0.5)
    # A team of one has no spread to learn from: fall back to the broad default.
    has_peers = team is not None and team.agents > 1
    prior_variance = team.variance if team is not None and has_peers else DEFAULT_PRIOR_VARIANCE
    k = settings.prior_strength
    weight = n_eff / (n_eff + k)
    estimate = weight * (raw_mean if raw_mean is not None else team_mean) + (1 - weight) * team_mean
    own_variance = aged.variance or 0.0
    variance = max(MIN_VARIANCE, (n_eff * own_variance + k * prior_variance) / (n_eff + k))
    standard_error = math.sqrt(variance / (n_eff + k))
    half_width = settings.interval_z * standard_error
    return DimensionEstimate(
        dimension=dimension,
        estimate=_unit(estimate),
        interval_low=_unit(estimate - half_width),
        interval_high=_unit(estimate + half_width),
        standard_error=standard_error,
        effective_n=n_eff,
        scored_messages=stats.count,
        raw_mean=raw_mean,
        team_mean=_unit(team_mean),
        shrinkage_weight=weight,
        last_message_at=stats.anchor_at if stats.count else None,
    )


def _unit(value: float) -> float:
    return min(1.0, max(0.0, value))


def team_levels(members: Mapping[Dimension, Iterable[WeightedStats]], as_of: datetime,
                settings: ProfileSettings) -> dict[Dimension, TeamLevel]:
    half_life_s = settings.half_life_days * 86_400
    levels = {dim: team_level(stats, as_of, half_life_s) for dim, stats in members.items()}
    return {dim: level for dim, level in levels.items() if level is not None}


def agent_estimates(own: Mapping[Dimension, WeightedStats],
                    levels: Mapping[Dimension, TeamLevel], as_of: datetime,
                    settings: ProfileSettings) -> dict[Dimension, DimensionEstimate]:
    return {dim: estimate_dimension(dim, stats, levels.get(dim), as_of, settings)
            for dim, stats in own.items()}
