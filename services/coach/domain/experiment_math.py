"""The before/after estimator and its cluster bootstrap. Pure (numpy only).

The estimator, per group (the cohort that practised, the comparison group that did not):

1. for each agent with at least one scored message on the skill in *both* windows, their change
   ``d_i = mean(practice-window scores) - mean(baseline-window scores)``;
2. the group's change is the plain mean of the ``d_i``: every agent weighs the same, so one
   prolific agent does not decide the result, and the question answered is "how much did a
   typical member's replies change", not "how much did the team's message stream change".

The difference-in-differences is ``change(cohort) - change(comparison)``: what the practice
added beyond whatever moved everyone (a seasonal mix of contacts, a model update, a policy).

The interval is a percentile bootstrap that resamples *agents* (clusters) with replacement, not
messages: messages of one agent are not independent, and resampling them separately would make
the interval far too narrow. Each group is resampled on its own (stratified), the DiD from the
same draws. Teams are small, so the percentiles are taken at Hesterberg's expanded levels (see
``percentile_interval``; T. Hesterberg, "What teachers should know about the bootstrap", 2015),
which keeps the coverage near the nominal 95% with a dozen agents, where the plain percentile
interval covers about 92%. The generator is seeded per experiment, so a page and its CSV always
agree.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

RESAMPLES = 2000
CONFIDENCE = 0.95
# Below this many measured agents a bootstrap over agents says little (with two there are only
# three distinct resampled means): no interval is given, and the page says why.
MIN_AGENTS_FOR_INTERVAL = 3


@dataclass(frozen=True)
class AgentChange:
    agent_id: str
    baseline_mean: float
    baseline_count: int
    practice_mean: float
    practice_count: int

    @property
    def change(self) -> float:
        return self.practice_mean - self.baseline_mean


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


@dataclass(frozen=True)
class GroupChange:
    agents_in_group: int
    agents_measured: int  # with scores in both windows
    baseline_messages: int
    practice_messages: int
    baseline_mean: float | None  # mean over measured agents of their baseline means
    practice_mean: float | None
    change: float | None
    interval: Interval | None


@dataclass(frozen=True)
class ExperimentResult:
    cohort: GroupChange
    comparison: GroupChange
    difference: float | None  # cohort change minus comparison change
    difference_interval: Interval | None
    resamples: int
    confidence: float
    seed: int


def agent_changes(baseline: Iterable[tuple[str, float]], practice: Iterable[tuple[str, float]]
                  ) -> list[AgentChange]:
    """Per agent, from (agent id, score) pairs of each window; agents missing a window drop."""
    before, after = _by_agent(baseline), _by_agent(practice)
    return [AgentChange(agent_id=agent, baseline_mean=float(np.mean(before[agent])),
                        baseline_count=len(before[agent]),
                        practice_mean=float(np.mean(after[agent])),
                        practice_count=len(after[agent]))
            for agent in sorted(before.keys() & after.keys())]


def group_change(changes: Sequence[AgentChange], *, agents_in_group: int,
                 boot: np.ndarray | None, confidence: float = CONFIDENCE) -> GroupChange:
    if not changes:
        return GroupChange(agents_in_group, 0, 0, 0, None, None, None, None)
    return GroupChange(
        agents_in_group=agents_in_group, agents_measured=len(changes),
        baseline_messages=sum(c.baseline_count for c in changes),
        practice_messages=sum(c.practice_count for c in changes),
        baseline_mean=float(np.mean([c.baseline_mean for c in changes])),
        practice_mean=float(np.mean([c.practice_mean for c in changes])),
        change=float(np.mean([c.change for c in changes])),
        interval=None if boot is None else percentile_interval(boot, confidence,
                                                               clusters=len(changes)))


def bootstrap_means(values: Sequence[float], rng: np.random.Generator,
                    resamples: int = RESAMPLES) -> np.ndarray | None:
    """Means of ``resamples`` resamples (with replacement) of ``values``; None if too few."""
    if len(values) < MIN_AGENTS_FOR_INTERVAL:
        return None
    data = np.asarray(values, dtype=float)
    picks = rng.integers(0, len(data), size=(resamples, len(data)))
    means: np.ndarray = data[picks].mean(axis=1)
    return means


def percentile_interval(samples: np.ndarray, confidence: float = CONFIDENCE, *,
                        clusters: int | None = None) -> Interval:
    """The bootstrap distribution's central ``confidence`` range. With ``clusters`` (the number
    of agents resampled) the range widens as Hesterberg's expanded percentile interval does:
    the plain percentile interval is too narrow with few clusters (the bootstrap's variance
    is the plug-in one, short by (n-1)/n, and it uses normal rather than t tails), so it takes
    the percentiles at tail ``Phi(-sqrt(n/(n-1)) * t[(1+confidence)/2; n-1])`` instead."""
    tail = (1 - confidence) / 2
    if clusters is not None and clusters >= 2:
        widened = math.sqrt(clusters / (clusters - 1)) * float(
            stats.t.ppf(1 - tail, clusters - 1))
        tail = float(stats.norm.cdf(-widened))
    low, high = np.percentile(samples, [tail * 100, (1 - tail) * 100])
    return Interval(float(low), float(high))


def analyse(cohort: Sequence[AgentChange], comparison: Sequence[AgentChange], *,
            cohort_size: int, comparison_size: int, seed: int, resamples: int = RESAMPLES,
            confidence: float = CONFIDENCE) -> ExperimentResult:
    """Both groups' changes with intervals, and the difference-in-differences with its own."""
    rng = np.random.default_rng(seed)
    boot_cohort = bootstrap_means([c.change for c in cohort], rng, resamples)
    boot_comparison = bootstrap_means([c.change for c in comparison], rng, resamples)
    treated = group_change(cohort, agents_in_group=cohort_size, boot=boot_cohort,
                           confidence=confidence)
    control = group_change(comparison, agents_in_group=comparison_size, boot=boot_comparison,
                           confidence=confidence)
    difference = (None if treated.change is None or control.change is None
                  else treated.change - control.change)
    difference_interval = (
        None if boot_cohort is None or boot_comparison is None
        # The smaller group's size: the expansion errs on the wide side.
        else percentile_interval(boot_cohort - boot_comparison, confidence,
                                 clusters=min(len(cohort), len(comparison))))
    return ExperimentResult(cohort=treated, comparison=control, difference=difference,
                            difference_interval=difference_interval, resamples=resamples,
                            confidence=confidence, seed=seed)


def _by_agent(pairs: Iterable[tuple[str, float]]) -> dict[str, list[float]]:
    grouped: dict[str, list[float]] = defaultdict(list)
    for agent, score in pairs:
        grouped[agent].append(score)
    return grouped
