"""The before/after estimator on hand-computed data, and its bootstrap interval's coverage on
simulated experiments with a known effect."""

from __future__ import annotations

import numpy as np
import pytest

from services.coach.domain.experiment_math import AgentChange, agent_changes, analyse


def test_each_agent_counts_once_whatever_their_message_count() -> None:
    # Ann: baseline (0.2 + 0.4) / 2 = 0.3, practice 0.6 -> +0.3.
    # Bo: baseline 0.5 (ten messages), practice (0.5 + 0.7) / 2 = 0.6 -> +0.1.
    # Cy has no practice-window message: not measured.
    baseline = [("ann", 0.2), ("ann", 0.4), *[("bo", 0.5)] * 10, ("cy", 0.9)]
    practice = [("ann", 0.6), ("bo", 0.5), ("bo", 0.7)]
    changes = agent_changes(baseline, practice)
    assert [c.agent_id for c in changes] == ["ann", "bo"]
    assert [c.change for c in changes] == pytest.approx([0.3, 0.1])
    assert [(c.baseline_count, c.practice_count) for c in changes] == [(2, 1), (10, 2)]

    # Comparison: Di +0.05, Ed -0.05, Flo +0.03 -> +0.01.
    comparison = [AgentChange("di", 0.5, 3, 0.55, 3), AgentChange("ed", 0.6, 3, 0.55, 3),
                  AgentChange("flo", 0.4, 2, 0.43, 2)]
    result = analyse(changes, comparison, cohort_size=3, comparison_size=3, seed=7)
    cohort = result.cohort
    # The mean of the agents' changes (0.2), not the message-weighted change
    # (13 baseline messages averaging 0.4846, 3 practice averaging 0.6: +0.115).
    assert cohort.change == pytest.approx(0.2)
    assert (cohort.agents_in_group, cohort.agents_measured) == (3, 2)
    assert (cohort.baseline_messages, cohort.practice_messages) == (12, 3)
    assert cohort.baseline_mean == pytest.approx(0.4)
    assert cohort.practice_mean == pytest.approx(0.6)
    assert cohort.interval is None  # two measured agents: too few for an interval
    assert result.comparison.change == pytest.approx(0.01)
    assert result.difference == pytest.approx(0.19)
    assert result.difference_interval is None


def test_the_interval_brackets_the_estimate_and_is_reproducible_from_the_seed() -> None:
    cohort = [AgentChange(f"a{i}", 0.4, 5, 0.4 + d, 5)
              for i, d in enumerate([0.05, 0.1, 0.12, 0.2, 0.08, 0.15])]
    comparison = [AgentChange(f"b{i}", 0.5, 5, 0.5 + d, 5)
                  for i, d in enumerate([0.0, 0.02, -0.03, 0.01])]
    first = analyse(cohort, comparison, cohort_size=6, comparison_size=4, seed=42)
    again = analyse(cohort, comparison, cohort_size=6, comparison_size=4, seed=42)
    assert first == again
    assert first.cohort.interval is not None
    assert first.difference_interval is not None
    assert first.cohort.change is not None
    assert first.cohort.interval.low <= first.cohort.change <= first.cohort.interval.high
    assert 0.05 <= first.cohort.interval.low < first.cohort.interval.high <= 0.2
    assert first.difference_interval.low > 0  # every cohort agent beat every comparison one
    same = [AgentChange(f"c{i}", 0.5, 1, 0.6, 1) for i in range(4)]
    flat = analyse(same, same, cohort_size=4, comparison_size=4, seed=1)
    assert flat.cohort.interval is not None
    assert flat.cohort.interval.low == pytest.approx(0.1)
    assert flat.cohort.interval.high == pytest.approx(0.1)


def simulated_group(rng: np.random.Generator, agents: int, effect: float,
                    name: str) -> list[AgentChange]:
    """Agents with their own skill level, their own response to practice (mean ``effect``) and
    a varying number of noisy, clipped message scores per window."""
    changes = []
    for index in range(agents):
        level = rng.uniform(0.35, 0.55)
        own_effect = effect + rng.normal(0, 0.05)
        before = np.clip(rng.normal(level, 0.1, rng.integers(3, 30)), 0, 1)
        after = np.clip(rng.normal(level + own_effect, 0.1, rng.integers(3, 30)), 0, 1)
        changes.append(AgentChange(f"{name}{index}", float(before.mean()), len(before),
                                   float(after.mean()), len(after)))
    return changes


def test_the_95_percent_interval_covers_the_true_effect_in_about_95_percent_of_experiments(
        ) -> None:
    # The scores stay well inside [0, 1] (clipping is rare), so each group's true change is its
    # effect: +0.10 for the cohort, +0.02 for everyone (the comparison), DiD +0.08.
    rng = np.random.default_rng(20261206)
    experiments = 200
    covered_cohort = covered_difference = 0
    for trial in range(experiments):
        cohort = simulated_group(rng, 20, 0.10, "c")
        comparison = simulated_group(rng, 20, 0.02, "k")
        result = analyse(cohort, comparison, cohort_size=20, comparison_size=20, seed=trial)
        assert result.cohort.interval is not None
        assert result.difference_interval is not None
        covered_cohort += result.cohort.interval.low <= 0.10 <= result.cohort.interval.high
        covered_difference += (result.difference_interval.low <= 0.08
                               <= result.difference_interval.high)
    assert 0.90 * experiments <= covered_cohort <= 0.99 * experiments
    assert 0.90 * experiments <= covered_difference <= 0.99 * experiments
