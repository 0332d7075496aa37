"""What changed since last week, in words an agent reads in a few seconds. Pure.

Skills compare the average score per scored reply of one week with the week before: the
current week once it has scored replies, otherwise last week with the week before that. Moves
within ``STEADY_BAND`` are "steady" (a handful of replies moves an average that much by chance).
Growth is celebrated ("you outgrew ..."); a dip names the behaviour to look at, not the person.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from services.coach.domain.skill_words import measures, percent, skill_name, skill_title
from services.coach.domain.timeutil import shift_week
from shared.events.scores import DIMENSIONS, Dimension

STEADY_BAND = 0.05
Kind = Literal["focus", "practice", "skill"]
Direction = Literal["up", "down", "steady", "new", "none"]


@dataclass(frozen=True)
class WeekScore:
    """One skill's mean score over one ISO week, from ``scored_count`` replies."""

    dimension: Dimension
    week: str
    mean: float
    scored_count: int


@dataclass(frozen=True)
class Change:
    kind: Kind
    direction: Direction
    text: str
    dimension: Dimension | None = None
    before: float | None = None
    after: float | None = None


@dataclass(frozen=True)
class WeekComparison:
    from_week: str
    to_week: str
    changes: tuple[Change, ...]


def compare_weeks(scores: Sequence[WeekScore], *, this_week: str,
                  drills_completed: Mapping[str, int], focus_now: Dimension | None,
                  focus_before: Dimension | None) -> WeekComparison:
    """``scores``: weekly means (any weeks); ``drills_completed``: completed drills per week;
    ``focus_before``: last week's focus skill, if the agent had one."""
    last_week = shift_week(this_week, -1)
    to_week = this_week if any(s.week == this_week for s in scores) else last_week
    from_week = shift_week(to_week, -1)
    after = {s.dimension: s for s in scores if s.week == to_week}
    before = {s.dimension: s for s in scores if s.week == from_week}
    labels = _labels(to_week == this_week)
    changes: list[Change] = []
    focus = _focus_change(focus_now, focus_before, before, after, labels)
    if focus is not None:
        changes.append(focus)
    changes.append(_practice_change(drills_completed.get(this_week, 0),
                                    drills_completed.get(last_week, 0)))
    for dimension in DIMENSIONS:
        if dimension in after:
            changes.append(_skill_change(dimension, before.get(dimension), after[dimension],
                                         labels))
    if not after:
        changes.append(Change("skill", "none", "No scored replies in the last two weeks, so "
                                               "there are no skill scores to compare yet."))
    return WeekComparison(from_week, to_week, tuple(changes))


def _labels(current: bool) -> tuple[str, str]:
    return ("this week", "last week") if current else ("last week", "the week before")


def _skill_change(dimension: Dimension, before: WeekScore | None, after: WeekScore,
                  labels: tuple[str, str]) -> Change:
    now_label, then_label = labels
    name, what = skill_title(dimension), f"average per scored reply for {measures(dimension)}"
    if before is None:
        return Change("skill", "new", f"{name}: {percent(after.mean)} {now_label}, with no "
                                      f"scored replies {then_label} to compare ({what}).",
                      dimension, None, after.mean)
    delta = after.mean - before.mean
    figures = f"from {percent(before.mean)} {then_label} to {percent(after.mean)} {now_label}"
    if delta >= STEADY_BAND:
        text = f"{name} grew {figures} ({what}). Nice work."
        direction: Direction = "up"
    elif delta <= -STEADY_BAND:
        text = (f"{name} dipped {figures} ({what}): worth a look in your next replies.")
        direction = "down"
    else:
        text = f"{name} held steady at {percent(after.mean)} {now_label} ({what})."
        direction = "steady"
    return Change("skill", direction, text, dimension, before.mean, after.mean)


def _practice_change(this_week: int, last_week: int) -> Change:
    def drills(count: int) -> str:
        return f"{count} drill{'' if count == 1 else 's'}"

    if this_week == 0 and last_week == 0:
        return Change("practice", "none", "No drills completed in the last two weeks. One short "
                                          "drill is a great way to start.")
    if this_week == 0:  # a practice count is never a "dip": attempts are celebrated, not graded
        return Change("practice", "none", f"You completed {drills(last_week)} last week. This "
                                          "week's drills are ready when you are.")
    direction: Direction = "up" if this_week > last_week else "steady"
    return Change("practice", direction, f"You completed {drills(this_week)} this week "
                                         f"(last week: {last_week}). Every drill counts.")


def _focus_change(now: Dimension | None, previous: Dimension | None,
                  before: Mapping[Dimension, WeekScore], after: Mapping[Dimension, WeekScore],
                  labels: tuple[str, str]) -> Change | None:
    if now is None or previous is None or now == previous:
        return None
    then, later = before.get(previous), after.get(previous)
    if then is not None and later is not None and later.mean > then.mean:
        return Change("focus", "up",
                      f"You outgrew your {skill_name(previous)} focus: it rose from "
                      f"{percent(then.mean)} {labels[1]} to {percent(later.mean)} {labels[0]}. "
                      f"Next up: {skill_name(now)}.", previous, then.mean, later.mean)
    return Change("focus", "new", f"Your focus moved on from {skill_name(previous)} to "
                                  f"{skill_name(now)}.", now)
