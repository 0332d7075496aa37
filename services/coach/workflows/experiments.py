"""Before/after experiments: check a lead's definition, measure it, export it as CSV.

The estimator and its interval are in ``experiment_math``; this module reads the per-message
scores of each group in each window (``message_scores``) and words the result. Only group
figures leave it: no per-agent change is shown or exported, so an experiment cannot be read as
a ranking of the people in it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from services.coach.domain.experiment_math import (
    MIN_AGENTS_FOR_INTERVAL,
    AgentChange,
    ExperimentResult,
    GroupChange,
    Interval,
    agent_changes,
    analyse,
)
from services.coach.domain.score_batches import team_id as team_of
from services.coach.domain.skill_words import measures, skill_name
from services.coach.schemas.teams import (
    ExperimentIn,
    ExperimentOut,
    ExperimentResultOut,
    GroupResultOut,
    IntervalOut,
    OutcomeMeasure,
    OutcomeOut,
)
from services.coach.store.experiment_store import (
    ExperimentRecord,
    create_experiment,
    team_agent_ids,
)
from services.coach.store.message_scores import MessageScore, scores_between
from services.coach.store.outcomes import ratings_between, reopens_between
from shared.events.ids import parse_agent_id
from shared.http.problems import Unprocessable

ESTIMATOR = (
    "For each agent with at least one scored reply on the skill in both windows: the mean score "
    "of their replies in the practice window minus the mean in the baseline window. A group's "
    "change is the plain mean of its agents' changes (each agent counts once, however many "
    "replies they wrote). The interval resamples agents with replacement (cluster bootstrap, "
    "2,000 resamples, seeded per experiment; percentiles widened for small groups as in "
    "Hesterberg's expanded percentile interval). The difference-in-differences is the cohort's "
    "change minus the comparison group's, with the interval of the same resamples.")
# What each helpdesk outcome is, as the page and the CSV say it.
OUTCOME_NOTES: dict[OutcomeMeasure, tuple[str, str]] = {
    "satisfaction ratings": (
        "Customers' satisfaction ratings (0 to 100%) of conversations rated in each window, "
        "by the agent the conversation was assigned to; the same estimator and interval as the "
        "skill.",
        "Not available: no agent of the cohort has rated conversations in both windows (the "
        "helpdesk sends ratings only where customers answered its survey)."),
    "reopened conversations": (
        "Share of conversations first closed in each window that were reopened within 7 days "
        "(0 to 100%; lower is better), by assigned agent; the same estimator and interval.",
        "Not available: no agent of the cohort has conversations closed in both windows (the "
        "helpdesk must send status changes for reopens to be seen)."),
}


OUTCOME_READERS: tuple[tuple[OutcomeMeasure, Callable[..., list[tuple[str, float]]]], ...] = (
    ("satisfaction ratings", ratings_between), ("reopened conversations", reopens_between))


def define(connection: sa.Connection, team_id: str, body: ExperimentIn, *,
           now: datetime) -> ExperimentRecord:
    """Check the definition against the team and store it; 422 naming what is wrong."""
    if body.baseline_from > body.baseline_to:
        raise Unprocessable("baseline_from is after baseline_to")
    if body.practice_from > body.practice_to:
        raise Unprocessable("practice_from is after practice_to")
    if body.baseline_to >= body.practice_from:
        raise Unprocessable("the baseline window must end before the practice window starts")
    cohort = _team_members("cohort", body.cohort, team_id)
    if body.comparison is None:
        comparison = [a for a in team_agent_ids(connection, team_id) if a not in set(cohort)]
    else:
        comparison = _team_members("comparison", body.comparison, team_id)
    overlap = sorted(set(cohort) & set(comparison))
    if overlap:
        raise Unprocessable(f"{', '.join(overlap)} cannot be in both the cohort and the "
                            "comparison group")
    return create_experiment(connection, team_id=team_id, name=body.name.strip(),
                             dimension=body.dimension,
                             baseline=(body.baseline_from, body.baseline_to),
                             practice=(body.practice_from, body.practice_to),
                             cohort=cohort, comparison=comparison, now=now)


def measure(connection: sa.Connection, record: ExperimentRecord) -> ExperimentOut:
    everyone = [*record.cohort, *record.comparison]
    windows = {name: scores_between(connection, everyone, record.dimension,
                                    start=_start(first), end=_start(last + timedelta(days=1)))
               for name, (first, last) in (("baseline", (record.baseline_from,
                                                         record.baseline_to)),
                                           ("practice", (record.practice_from,
                                                         record.practice_to)))}

    def changes(group: Sequence[str]) -> list[AgentChange]:
        members = set(group)
        return agent_changes(_pairs(windows["baseline"], members),
                             _pairs(windows["practice"], members))

    result = analyse(changes(record.cohort), changes(record.comparison),
                     cohort_size=len(record.cohort), comparison_size=len(record.comparison),
                     seed=record.seed)
    spans = {"baseline": (record.baseline_from, record.baseline_to),
             "practice": (record.practice_from, record.practice_to)}
    outcomes = [
        _outcome(name, record, {window: reader(connection, everyone, start=_start(first),
                                               end=_start(last + timedelta(days=1)))
                                for window, (first, last) in spans.items()})
        for name, reader in OUTCOME_READERS]
    return ExperimentOut(
        experiment_id=record.experiment_id, team_id=record.team_id, name=record.name,
        dimension=record.dimension, measures=measures(record.dimension),
        baseline_from=record.baseline_from, baseline_to=record.baseline_to,
        practice_from=record.practice_from, practice_to=record.practice_to,
        created_at=record.created_at, cohort=list(record.cohort),
        comparison=list(record.comparison), estimator=ESTIMATOR,
        result=_result_out(result, record, windows),
        outcomes=outcomes)


CSV_COLUMNS = ("experiment_id", "name", "skill", "baseline_from", "baseline_to", "practice_from",
               "practice_to", "measure", "group", "agents_in_group", "agents_measured",
               "baseline_messages", "practice_messages", "baseline_mean", "practice_mean",
               "change", "ci_low", "ci_high", "confidence", "resamples", "seed", "note")


def to_csv(experiment: ExperimentOut) -> str:
    """One row per group, one for the difference-in-differences, one per helpdesk outcome."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    result = experiment.result
    common = {"experiment_id": experiment.experiment_id, "name": experiment.name,
              "skill": experiment.dimension, "baseline_from": experiment.baseline_from,
              "baseline_to": experiment.baseline_to, "practice_from": experiment.practice_from,
              "practice_to": experiment.practice_to, "confidence": result.confidence,
              "resamples": result.resamples, "seed": result.seed}
    _write_rows(writer, common, "skill score", result.cohort, result.comparison,
                result.difference, result.difference_interval, note="")
    for outcome in experiment.outcomes:
        if outcome.cohort is None or outcome.comparison is None:
            writer.writerow({**common, "measure": outcome.measure, "group": "",
                             "note": outcome.note})
            continue
        _write_rows(writer, common, outcome.measure, outcome.cohort, outcome.comparison,
                    outcome.difference, outcome.difference_interval, note=outcome.note)
    return out.getvalue()


def _outcome(name: OutcomeMeasure, record: ExperimentRecord,
             windows: dict[str, list[tuple[str, float]]]) -> OutcomeOut:
    def changes(group: Sequence[str]) -> list[AgentChange]:
        members = set(group)
        return agent_changes([p for p in windows["baseline"] if p[0] in members],
                             [p for p in windows["practice"] if p[0] in members])

    result = analyse(changes(record.cohort), changes(record.comparison),
                     cohort_size=len(record.cohort), comparison_size=len(record.comparison),
                     seed=record.seed)
    what, missing = OUTCOME_NOTES[name]
    if result.cohort.change is None:
        return OutcomeOut(measure=name, available=False, note=missing,
                          cohort=None, comparison=None, difference=None,
                          difference_interval=None)
    return OutcomeOut(measure=name, available=True, note=what,
                      cohort=_group_out(result.cohort), comparison=_group_out(result.comparison),
                      difference=result.difference,
                      difference_interval=_interval_out(result.difference_interval))


def _write_rows(writer: csv.DictWriter[str], common: dict[str, object], measure: str,
                cohort: GroupResultOut, comparison: GroupResultOut, difference: float | None,
                difference_interval: IntervalOut | None, *, note: str) -> None:
    for name, group in (("cohort", cohort), ("comparison", comparison)):
        figures = group.model_dump(exclude={"interval"})
        writer.writerow({**common, "measure": measure, "group": name, **figures,
                         **{key: _cell(figures[key])
                            for key in ("baseline_mean", "practice_mean", "change")},
                         **_interval_cells(group.interval), "note": note})
    writer.writerow({**common, "measure": measure, "group": "difference (cohort - comparison)",
                     "change": _cell(difference), **_interval_cells(difference_interval),
                     "note": note})


def _team_members(field: str, agent_ids: Sequence[str], team_id: str) -> list[str]:
    unique = sorted(set(agent_ids))
    for agent_id in unique:
        try:
            parse_agent_id(agent_id)
        except ValueError as exc:
            raise Unprocessable(f"{field}: {exc}") from None
        if team_of(agent_id) != team_id:
            raise Unprocessable(f"{field}: {agent_id} is not an agent of team {team_id}")
    return unique


def _start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _pairs(scores: Sequence[MessageScore], members: set[str]) -> list[tuple[str, float]]:
    return [(s.agent_id, s.score) for s in scores if s.agent_id in members]


def _result_out(result: ExperimentResult, record: ExperimentRecord,
                windows: dict[str, list[MessageScore]]) -> ExperimentResultOut:
    return ExperimentResultOut(
        cohort=_group_out(result.cohort), comparison=_group_out(result.comparison),
        difference=result.difference,
        difference_interval=_interval_out(result.difference_interval),
        confidence=result.confidence, resamples=result.resamples, seed=result.seed,
        model_versions_baseline=sorted({s.model_version for s in windows["baseline"]}),
        model_versions_practice=sorted({s.model_version for s in windows["practice"]}),
        summary=summary(result, record))


def summary(result: ExperimentResult, record: ExperimentRecord) -> str:
    """The result in words: the change with its interval, and what it does not show."""
    skill = skill_name(record.dimension)
    cohort = result.cohort
    if cohort.change is None:
        return (f"No agent of the cohort has scored replies on {skill} in both windows yet, so "
                "there is no change to show.")
    text = f"The cohort's {skill} score changed by {_points(cohort.change)}"
    text += _interval_words(cohort.interval, cohort.agents_measured)
    if result.difference is not None:
        text += (f" The comparison group changed by {_points(result.comparison.change)}, so "
                 f"practice is associated with {_points(result.difference)} beyond it")
        text += _interval_words(result.difference_interval,
                                min(cohort.agents_measured, result.comparison.agents_measured))
        interval = result.difference_interval
        if interval is not None and interval.low <= 0 <= interval.high:
            text += " The interval includes zero: the data cannot tell this from no effect."
    else:
        text += " There is no comparison group with scores in both windows to compare with."
    return text


def _interval_words(interval: Interval | None, agents: int) -> str:
    if interval is None:
        return (f" (no interval: {agents} agent{'s' if agents != 1 else ''} measured, fewer "
                f"than {MIN_AGENTS_FOR_INTERVAL}).")
    return f" (95% interval {_points(interval.low)} to {_points(interval.high)})."


def _points(value: float | None) -> str:
    """A change in percentage points of the 0-100% score scale, signed."""
    if value is None:
        return "an unknown amount"
    shown = round(value * 100, 1)
    return f"{shown:+.1f} points"


def _group_out(group: GroupChange) -> GroupResultOut:
    return GroupResultOut(
        agents_in_group=group.agents_in_group, agents_measured=group.agents_measured,
        baseline_messages=group.baseline_messages, practice_messages=group.practice_messages,
        baseline_mean=group.baseline_mean, practice_mean=group.practice_mean,
        change=group.change, interval=_interval_out(group.interval))


def _interval_out(interval: Interval | None) -> IntervalOut | None:
    return None if interval is None else IntervalOut(low=interval.low, high=interval.high)


def _interval_cells(interval: IntervalOut | None) -> dict[str, str]:
    return {"ci_low": _cell(interval.low if interval else None),
            "ci_high": _cell(interval.high if interval else None)}


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.6f}"
