"""The agent's home: this week's focus and why, the drills, the scores over time, what changed
since last week, past practice with its reflections, and scenarios to pick when nothing waits.

Everything is read for one agent only (the route checks the token first). The wording critiques
what replies did, never the person, and every percentage says what it measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.chart_svg import Point, Series, describe
from services.coach.domain.dimensions import as_dimension
from services.coach.domain.focus import choose_focus
from services.coach.domain.policy import week_focus
from services.coach.domain.profile_math import DimensionEstimate
from services.coach.domain.scenario_library import ScenarioLibrary
from services.coach.domain.skill_words import measures, percent, skill_name, skill_title
from services.coach.domain.timeutil import iso_week, shift_week, week_index
from services.coach.domain.week_changes import WeekScore, compare_weeks
from services.coach.domain.wording import channel_drill
from services.coach.schemas.practice import (
    ChangeOut,
    HistoryItemOut,
    HomeDrillOut,
    HomeFocusOut,
    HomeOut,
    QuoteOut,
    SavedReflectionOut,
    ScenarioChoiceOut,
    SkillPointOut,
    SkillSeriesOut,
)
from services.coach.settings import ProfileSettings
from services.coach.store import assignment_store
from services.coach.store.agent_states import load_estimates
from services.coach.store.assignment_store import AssignmentRecord
from services.coach.store.evidence_quotes import Quote, load_quotes
from services.coach.store.reflection_store import ReflectionRecord, list_reflections
from services.coach.store.score_history import load_weekly_scores
from shared.events.scores import DIMENSIONS, Dimension

CHART_WEEKS = 8
QUOTES_SHOWN = 3
CHOICES_PER_SKILL_WITHOUT_FOCUS = 2
OPEN = ("assigned", "in_progress")
# Starts the reason of a drill the agent picked: how the home tells it from a planned one.
SELF_CHOSEN = "You picked this drill yourself"


@dataclass(frozen=True)
class WeekFocus:
    dimension: Dimension | None
    estimate: DimensionEstimate | None
    previous: Dimension | None  # the focus of the latest earlier week with drills
    previous_estimate: DimensionEstimate | None
    fixed: bool  # this week's drills already train it
    note: str  # why there is no focus, when there is none


def focus_of_week(records: Sequence[AssignmentRecord],
                  estimates: Mapping[Dimension, DimensionEstimate], *, week: str,
                  min_evidence: int) -> WeekFocus:
    """This week's drills' skill if there are drills; otherwise what the policy would pick now."""
    earlier = [r for r in records if week_index(r.week) < week_index(week)]
    previous = week_focus([r.as_past() for r in earlier
                           if r.week == max(e.week for e in earlier)]) if earlier else None
    before = estimates.get(previous) if previous else None
    fixed = week_focus([r.as_past() for r in records if r.week == week])
    if fixed is not None:
        return WeekFocus(fixed, estimates.get(fixed), previous, before, True, "")
    decision = choose_focus(estimates, current_focus=previous, min_evidence=min_evidence)
    if decision.choice is None:
        note = ("Your focus skill appears once enough of your replies are scored: "
                f"{min_evidence} in one skill. Until then, pick any drill below.")
        return WeekFocus(None, None, previous, before, False, note)
    choice = decision.choice
    return WeekFocus(choice.dimension, choice.estimate, previous, before, False, "")


def focus_reason(focus: WeekFocus) -> str:
    """Why this skill, in plain words; the figures framed by what they measure."""
    if focus.dimension is None:
        return focus.note
    name = skill_name(focus.dimension)
    previous = focus.previous
    estimate = focus.estimate
    if previous is None:
        why = (f"Of the skills the coach looks for in your replies, {name} has the most room "
               "to grow right now.")
    elif previous == focus.dimension:
        why = (f"{skill_title(name)} stays your focus: it still has the most room to grow, and "
               "practice there pays off most.")
    elif _outgrown(focus.previous_estimate):
        why = (f"You outgrew {skill_name(previous)}: your replies now show it above your "
               f"team's level. Next up: {name}.")
    else:
        why = (f"Your recent replies show {name} now has more room to grow than "
               f"{skill_name(previous)}.")
    if estimate is None:
        return why
    figures = (f" Your current level is {percent(estimate.estimate)} ({measures(focus.dimension)}"
               f"), from {estimate.scored_messages} scored replies; your team's level is "
               f"{percent(estimate.team_mean)}.")
    return why + figures


def _outgrown(previous: DimensionEstimate | None) -> bool:
    # The policy keeps no "why" per week; the earlier skill's interval lying above the team
    # level is the policy's own test for having grown out of it (focus.choose_focus).
    return previous is not None and previous.interval_low > previous.team_mean


def evidence(quotes: Sequence[Quote]) -> list[QuoteOut]:
    """The lowest-scored of the newest quotes (the evidence behind a focus), newest first."""
    lowest = sorted(quotes, key=lambda q: (q.score, q.event_id))[:QUOTES_SHOWN]
    return [QuoteOut(sentences=list(q.sentences), score=q.score, verdict=verdict(q.score),
                     message_at=q.message_at, channel=q.channel)
            for q in sorted(lowest, key=lambda q: q.message_at, reverse=True)]


def verdict(score: float) -> str:
    if score >= 0.7:
        return "worked well"
    return "on the way" if score >= 0.5 else "room to grow"


def drill_why(record: AssignmentRecord, library: ScenarioLibrary, week: str) -> str:
    name = skill_name(record.target_dimension)
    if record.reason.explanation.startswith(SELF_CHOSEN):
        return f"You picked this one yourself to practise {name}. Great initiative."
    if record.scenario_id not in library:
        return f"It trains {name}."
    scenario = library.get(record.scenario_id)
    whose = ("your focus this week" if record.week == week
             else "last week's focus" if record.week == shift_week(week, -1)
             else f"your focus in {record.week}")
    return (f"It trains {name}, {whose}: {channel_drill(scenario.channel)} at difficulty "
            f"{scenario.difficulty} of 5, chosen to match how your recent drills went.")


def greeting(records: Sequence[AssignmentRecord]) -> tuple[str, str]:
    completed = sum(1 for r in records if r.status == "completed")
    if not records:
        return ("Welcome to your practice space",
                "Short drills built around the skills in your own replies. Pick one to start.")
    if not completed:
        return ("Welcome back", "Your drills are waiting. Any drill you try is progress.")
    drills = "1 drill" if completed == 1 else f"{completed} drills"
    return "Welcome back", f"You have completed {drills} so far. Every one counts."


def build_home(connection: sa.Connection, *, agent_id: str, now: datetime,
               settings: ProfileSettings, library: ScenarioLibrary) -> HomeOut:
    week = iso_week(now)
    estimates = load_estimates(connection, [agent_id], as_of=now,
                               settings=settings).get(agent_id, {})
    records = assignment_store.list_for_agent(connection, agent_id)
    focus = focus_of_week(records, estimates, week=week, min_evidence=settings.min_evidence)
    chart_weeks = weeks_charted(week)
    scores = load_weekly_scores(connection, agent_id, from_week=chart_weeks[0], to_week=week)
    quotes = load_quotes(connection, agent_id, focus.dimension) if focus.dimension else []
    reflections = list_reflections(connection, agent_id)
    series = _series(scores)
    drills = [r for r in records if r.week == week or (r.status in OPEN and r.week < week)]
    can_choose = not any(r.status in OPEN for r in records if r.week == week)
    completed = Counter(iso_week(r.completed_at) for r in records if r.completed_at is not None)
    comparison = compare_weeks(scores, this_week=week, drills_completed=completed,
                               focus_now=focus.dimension, focus_before=focus.previous)
    hello, encouragement = greeting(records)
    return HomeOut(
        agent_id=agent_id, week=week, greeting=hello, encouragement=encouragement,
        focus=_focus_out(focus, quotes), focus_note=focus_reason(focus),
        drills=[_drill_out(r, library, week) for r in drills],
        can_choose=can_choose,
        choices=scenario_choices(library, focus.dimension,
                                 exclude={r.scenario_id for r in records if r.week == week})
        if can_choose else [],
        chart_weeks=chart_weeks, chart_summary=describe(chart_weeks, series),
        series=[SkillSeriesOut(dimension=s.dimension, name=skill_title(s.dimension),
                               measures=measures(s.dimension),
                               points=[SkillPointOut(week=p.week, mean=p.value,
                                                     scored_count=p.count) for p in s.points])
                for s in series],
        compared_weeks=[comparison.from_week, comparison.to_week],
        changes=[ChangeOut(kind=c.kind, direction=c.direction, dimension=c.dimension,
                           before=c.before, after=c.after, text=c.text)
                 for c in comparison.changes],
        history=_history(records, reflections, library),
    )


def weeks_charted(week: str) -> list[str]:
    return [shift_week(week, offset) for offset in range(1 - CHART_WEEKS, 1)]


def chart_series(connection: sa.Connection, agent_id: str, now: datetime
                 ) -> tuple[list[str], list[Series]]:
    weeks = weeks_charted(iso_week(now))
    scores = load_weekly_scores(connection, agent_id, from_week=weeks[0], to_week=weeks[-1])
    return weeks, _series(scores)


def scenario_choices(library: ScenarioLibrary, focus: Dimension | None, *,
                     exclude: set[str]) -> list[ScenarioChoiceOut]:
    """Every scenario for the focus skill; without a focus, a few easy ones per skill."""
    if focus is not None:
        picked = [(focus, s) for s in library.by_dimension(focus) if s.id not in exclude]
    else:
        picked = []
        for dimension in map(as_dimension, DIMENSIONS):
            easiest = sorted((s for s in library.by_dimension(dimension) if s.id not in exclude),
                             key=lambda s: (s.difficulty, s.title))
            picked.extend((dimension, s) for s in easiest[:CHOICES_PER_SKILL_WITHOUT_FOCUS])
    if focus is not None:
        picked.sort(key=lambda item: (item[1].difficulty, item[1].title))
    return [ScenarioChoiceOut(scenario_id=s.id, title=s.title, dimension=dimension,
                              timebox_minutes=s.timebox_minutes, difficulty=s.difficulty,
                              channel=s.channel.value) for dimension, s in picked]


def _series(scores: Sequence[WeekScore]) -> list[Series]:
    by_dimension: dict[str, list[Point]] = {}
    for score in sorted(scores, key=lambda s: s.week):
        by_dimension.setdefault(score.dimension, []).append(
            Point(week=score.week, value=score.mean, count=score.scored_count))
    return [Series(dimension, tuple(by_dimension[dimension]))
            for dimension in DIMENSIONS if dimension in by_dimension]


def _focus_out(focus: WeekFocus, quotes: Sequence[Quote]) -> HomeFocusOut | None:
    if focus.dimension is None:
        return None
    estimate = focus.estimate
    return HomeFocusOut(
        dimension=focus.dimension, name=skill_title(focus.dimension),
        measures=measures(focus.dimension), reason=focus_reason(focus),
        estimate=estimate.estimate if estimate else None,
        team_mean=estimate.team_mean if estimate else None,
        scored_messages=estimate.scored_messages if estimate else 0,
        evidence=evidence(quotes))


def _drill_out(record: AssignmentRecord, library: ScenarioLibrary, week: str) -> HomeDrillOut:
    scenario = library.get(record.scenario_id) if record.scenario_id in library else None
    status = record.status
    if status in OPEN and record.week < week:
        status = "expired"  # as the assignment API says; the drill stays open for practice
    return HomeDrillOut(
        assignment_id=record.assignment_id,
        title=scenario.title if scenario else record.scenario_id,
        target_dimension=record.target_dimension, week=record.week, status=status,
        timebox_minutes=scenario.timebox_minutes if scenario else None,
        difficulty=record.difficulty, channel=scenario.channel.value if scenario else None,
        why=drill_why(record, library, week),
        self_chosen=record.reason.explanation.startswith(SELF_CHOSEN),
        practice_score=record.practice_score)


def _history(records: Sequence[AssignmentRecord], reflections: Sequence[ReflectionRecord],
             library: ScenarioLibrary) -> list[HistoryItemOut]:
    answers: dict[str, list[ReflectionRecord]] = {}
    for reflection in reflections:
        answers.setdefault(reflection.assignment_id, []).append(reflection)
    done = sorted((r for r in records if r.status == "completed"),
                  key=lambda r: (r.completed_at or r.assigned_at), reverse=True)
    return [HistoryItemOut(
        assignment_id=r.assignment_id,
        title=library.get(r.scenario_id).title if r.scenario_id in library else r.scenario_id,
        target_dimension=r.target_dimension, week=r.week, completed_at=r.completed_at,
        practice_score=r.practice_score,
        reflections=[SavedReflectionOut(question_index=a.question_index, question=a.question,
                                        answer=a.answer, created_at=a.created_at) for a in
                     sorted(answers.get(r.assignment_id, []), key=lambda a: a.question_index)])
        for r in done]
