"""The weekly focus: the weakest dimension with enough evidence, kept steady under noise.

Hysteresis: the current focus stays unless another dimension is *clearly* lower (its whole
interval lies below the focus's estimate) or the agent has grown out of it (the focus's interval
lies above the team level while something else is lower). Without it, two dimensions a hair
apart would swap the weekly focus back and forth on every new score.

Within a week the bar is higher (``clear_change``): the drills an agent has not started move to
another skill only when that skill's interval lies wholly below the focus's interval, and the
agent's own replies, not the team prior, carry most of that skill's estimate. Two overlapping
intervals are noise the agent should not see as drills changing under them; and once the drills
moved, moving them back needs the same clear gap the other way, so they cannot flap.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from services.coach.domain.profile_math import DimensionEstimate
from shared.events.scores import DIMENSIONS, Dimension


class FocusChange(StrEnum):
    NEW = "new"  # no earlier focus (or it lost its evidence)
    KEPT = "kept"  # the earlier focus stays
    CLEARLY_LOWER = "clearly_lower"  # another dimension is lower beyond doubt
    OUTGROWN = "outgrown"  # the earlier focus is now confidently above the team level


@dataclass(frozen=True)
class FocusChoice:
    dimension: Dimension
    estimate: DimensionEstimate
    change: FocusChange
    explanation: str


@dataclass(frozen=True)
class FocusDecision:
    choice: FocusChoice | None
    reason: str


def display_name(dimension: str) -> str:
    return dimension.replace("_", " ").capitalize()


def choose_focus(estimates: Mapping[Dimension, DimensionEstimate], *,
                 current_focus: Dimension | None,
                 min_evidence: int) -> FocusDecision:
    eligible = {dim: e for dim, e in estimates.items() if e.scored_messages >= min_evidence}
    if not eligible:
        most = max((e.scored_messages for e in estimates.values()), default=0)
        return FocusDecision(None, f"not enough evidence yet: at most {most} scored messages in "
                                   f"any skill, {min_evidence} needed")
    lowest = min(eligible.values(), key=lambda e: (e.estimate, _order(e.dimension)))
    current = eligible.get(current_focus) if current_focus else None
    if current is None:
        return _decided(lowest, FocusChange.NEW)
    if current.dimension == lowest.dimension:
        return _decided(current, FocusChange.KEPT)
    if lowest.interval_high < current.estimate:
        return _decided(lowest, FocusChange.CLEARLY_LOWER, previous=current)
    if current.interval_low > current.team_mean:
        return _decided(lowest, FocusChange.OUTGROWN, previous=current)
    return _decided(current, FocusChange.KEPT)


# A mid-week change needs the challenger's estimate to rest mostly on the agent's own replies:
# shrinkage weight n_eff / (n_eff + k) of at least a half, i.e. at least as much recent evidence
# as the team prior's strength k. Below it a "clearly lower" skill is the team's level, not theirs.
MIN_OWN_WEIGHT_TO_CHANGE = 0.5


def clear_change(estimates: Mapping[Dimension, DimensionEstimate], *, week_focus: Dimension,
                 min_evidence: int) -> FocusChoice | None:
    """The skill this week's not-started drills should move to, or None to leave them alone."""
    current = estimates.get(week_focus)
    if current is None:
        return None
    challengers = [e for dim, e in estimates.items()
                   if dim != week_focus and e.scored_messages >= min_evidence
                   and e.shrinkage_weight >= MIN_OWN_WEIGHT_TO_CHANGE]
    if not challengers:
        return None
    lowest = min(challengers, key=lambda e: (e.estimate, _order(e.dimension)))
    if lowest.interval_high >= current.interval_low:  # the intervals overlap: not clear
        return None
    name, previous = display_name(lowest.dimension), display_name(current.dimension).lower()
    sentence = (f"Your recent replies show {name.lower()} is now clearly your lowest skill: "
                f"{explain(lowest)} This week's drills were aimed at {previous} "
                f"({current.estimate:.2f}, {current.interval_low:.2f}-"
                f"{current.interval_high:.2f}); the ones you had not started now practise "
                f"{name.lower()} instead.")
    return FocusChoice(lowest.dimension, lowest, FocusChange.CLEARLY_LOWER, sentence)


def explain(estimate: DimensionEstimate) -> str:
    e = estimate
    return (f"{e.estimate:.2f} ({e.interval_low:.2f}-{e.interval_high:.2f}) "
            f"over {e.scored_messages} scored messages; team level {e.team_mean:.2f}.")


def _decided(estimate: DimensionEstimate, change: FocusChange,
             previous: DimensionEstimate | None = None) -> FocusDecision:
    name = display_name(estimate.dimension)
    figures = explain(estimate)
    if change is FocusChange.NEW:
        sentence = f"{name} is your lowest skill: {figures}"
    elif change is FocusChange.KEPT:
        sentence = f"{name} stays your focus: {figures} No other skill is clearly lower yet."
    elif change is FocusChange.CLEARLY_LOWER and previous is not None:
        sentence = (f"{name} is now clearly your lowest skill, below "
                    f"{display_name(previous.dimension)} ({previous.estimate:.2f}): {figures}")
    else:
        grown = display_name(previous.dimension) if previous else "Your previous focus"
        sentence = f"{grown} is now above the team level, so the focus moves to {name}: {figures}"
    choice = FocusChoice(estimate.dimension, estimate, change, sentence)
    return FocusDecision(choice, sentence)


def _order(dimension: str) -> int:
    return DIMENSIONS.index(dimension) if dimension in DIMENSIONS else len(DIMENSIONS)
