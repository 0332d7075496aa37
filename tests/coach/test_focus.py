"""The weekly focus: minimum evidence, hysteresis, and an explanation a person can read."""

from __future__ import annotations

from typing import get_args

from hypothesis import given
from hypothesis import strategies as st

from services.coach.focus import FocusChange, choose_focus
from services.coach.profile_math import DimensionEstimate
from shared.events.scores import Dimension
from tests.coach.factories import estimate

Estimates = dict[Dimension, DimensionEstimate]


def test_no_focus_without_enough_evidence_in_any_dimension() -> None:
    decision = choose_focus({"tone": estimate("tone", 0.1, n=7),
                             "apology": estimate("apology", 0.5, n=3)},
                            current_focus=None, min_evidence=8)
    assert decision.choice is None
    assert "7 scored messages" in decision.reason
    assert "8 needed" in decision.reason


def test_a_low_dimension_with_thin_evidence_is_passed_over() -> None:
    decision = choose_focus({"tone": estimate("tone", 0.1, n=5),
                             "apology": estimate("apology", 0.5, n=30)},
                            current_focus=None, min_evidence=8)
    assert decision.choice is not None
    assert decision.choice.dimension == "apology"


def test_the_lowest_dimension_is_chosen_and_explained() -> None:
    decision = choose_focus({"tone": estimate("tone", 0.62), "ownership": estimate(
        "ownership", 0.31, n=42, half_width=0.07, team_mean=0.63)},
        current_focus=None, min_evidence=8)
    choice = decision.choice
    assert choice is not None
    assert choice.dimension == "ownership"
    assert choice.change is FocusChange.NEW
    assert choice.explanation == ("Ownership is your lowest skill: 0.31 (0.24-0.38) over 42 "
                                  "scored messages; team level 0.63.")
    assert choice.estimate.scored_messages == 42


def test_the_current_focus_stays_when_another_dimension_is_only_slightly_lower() -> None:
    estimates: Estimates = {"tone": estimate("tone", 0.40, half_width=0.08),
                 "apology": estimate("apology", 0.37, half_width=0.08)}
    decision = choose_focus(estimates, current_focus="tone", min_evidence=8)
    assert decision.choice is not None
    assert decision.choice.dimension == "tone"
    assert decision.choice.change is FocusChange.KEPT
    assert "stays your focus" in decision.choice.explanation


def test_the_focus_moves_when_another_dimension_is_clearly_lower() -> None:
    estimates: Estimates = {"tone": estimate("tone", 0.40, half_width=0.05),
                 "apology": estimate("apology", 0.20, half_width=0.05)}
    decision = choose_focus(estimates, current_focus="tone", min_evidence=8)
    assert decision.choice is not None
    assert decision.choice.dimension == "apology"
    assert decision.choice.change is FocusChange.CLEARLY_LOWER


def test_the_focus_moves_once_the_agent_has_grown_past_the_team_level() -> None:
    estimates: Estimates = {"tone": estimate("tone", 0.75, half_width=0.05, team_mean=0.6),
                 "apology": estimate("apology", 0.72, half_width=0.05, team_mean=0.6)}
    decision = choose_focus(estimates, current_focus="tone", min_evidence=8)
    assert decision.choice is not None
    assert decision.choice.dimension == "apology"
    assert decision.choice.change is FocusChange.OUTGROWN
    assert "Tone is now above the team level" in decision.choice.explanation


@given(st.floats(0.3, 0.5), st.lists(st.floats(-0.03, 0.03), min_size=8, max_size=8))
def test_noise_inside_the_intervals_never_moves_an_established_focus(
        level: float, noise: list[float]) -> None:
    estimates = {dim: estimate(dim, level + jitter, half_width=0.08, team_mean=0.6)
                 for dim, jitter in zip(get_args(Dimension), noise, strict=True)}
    decision = choose_focus(estimates, current_focus="ownership", min_evidence=8)
    assert decision.choice is not None
    assert decision.choice.dimension == "ownership"
