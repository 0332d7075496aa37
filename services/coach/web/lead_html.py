"""Server-rendered HTML of the lead's pages: the team view with its experiments, and one
experiment. Pure: records in, escaped HTML out.

The page shell (``static/lead.html``) fetches these fragments with the lead's bearer token and
places them; every value is escaped here, so the shell inserts them as they are. No inline
script or style: the pages' Content-Security-Policy allows only the shell's nonce.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from urllib.parse import quote

from services.coach.domain.skill_words import measures, percent, skill_name, skill_title
from services.coach.schemas.teams import (
    ExperimentOut,
    ExperimentSummaryOut,
    GroupResultOut,
    IntervalOut,
    OutcomeOut,
    TeamViewOut,
)
from shared.events.scores import DIMENSIONS


def team_fragment(view: TeamViewOut, chart_svg: str, experiments: Sequence[ExperimentSummaryOut],
                  agent_ids: Sequence[str]) -> str:
    parts = [
        f"<h1>Team {escape(view.team_id)}</h1>",
        f'<p class="meta">{view.agents} agent{"s" if view.agents != 1 else ""} with scored '
        "replies. Every figure here is the team as a whole: nobody is ranked or singled out.</p>",
        _skills_section(view, chart_svg),
        _drills_section(view),
        _health_section(view),
        _experiments_section(view.team_id, experiments),
        _new_experiment_form(agent_ids),
    ]
    return "\n".join(parts)


def _skills_section(view: TeamViewOut, chart_svg: str) -> str:
    rows = []
    for series in view.skills:
        by_week = {p.week: p for p in series.points}
        cells = "".join(
            f"<td>{percent(by_week[w].mean)} ({by_week[w].scored_count} scored)</td>"
            if w in by_week else "<td>none</td>" for w in view.weeks)
        rows.append(f'<tr><th scope="row">{escape(skill_title(series.dimension))} '
                    f"({escape(series.measures)})</th>{cells}</tr>")
    head = "".join(f'<th scope="col">{escape(w)}</th>' for w in view.weeks)
    return (
        '<section aria-labelledby="skills-heading"><h2 id="skills-heading">Skills across the '
        "team</h2><p>Each line is one skill: the team's average score per scored reply, week "
        "by week (0% to 100%: how strongly the replies showed that skill).</p>"
        f'<figure id="team-chart-figure">{chart_svg}</figure>'
        "<details><summary>The same scores as a table</summary>"
        '<table id="team-skills-table"><caption>Team average per skill and week</caption>'
        f'<thead><tr><th scope="col">Skill (what it measures)</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></details></section>")


def _drills_section(view: TeamViewOut) -> str:
    rows = "".join(
        f'<tr><th scope="row">{escape(d.week)}</th><td>{d.assigned}</td><td>{d.completed}</td>'
        f"<td>{percent(d.completed / d.assigned) if d.assigned else 'no drills'}</td></tr>"
        for d in view.drills)
    return (
        '<section aria-labelledby="drills-heading"><h2 id="drills-heading">Drill completion'
        '</h2><table id="drill-table"><caption>Drills of the whole team per week</caption>'
        '<thead><tr><th scope="col">Week</th><th scope="col">Assigned</th>'
        '<th scope="col">Completed</th><th scope="col">Completion</th></tr></thead>'
        f"<tbody>{rows}</tbody></table></section>")


def _health_section(view: TeamViewOut) -> str:
    disputes = ("No dispute waits for you." if view.open_disputes == 0 else
                f"{view.open_disputes} open dispute{'s' if view.open_disputes != 1 else ''} "
                "wait for your answer.")
    agreement = ""
    if view.calibration.agreement:
        rows = "".join(
            f'<tr><th scope="row">{escape(skill_title(a.dimension))}</th>'
            f"<td>{_alpha(a.reviewers_alpha)}</td><td>{_alpha(a.model_alpha)}</td></tr>"
            for a in view.calibration.agreement)
        agreement = ('<table id="calibration-table"><caption>Agreement per skill</caption>'
                     '<thead><tr><th scope="col">Skill</th><th scope="col">Reviewers among '
                     'themselves</th><th scope="col">Model against the reviewers</th></tr>'
                     f"</thead><tbody>{rows}</tbody></table>")
    return (
        '<section aria-labelledby="health-heading"><h2 id="health-heading">Calibration and '
        f'disputes</h2><p id="calibration-health">{escape(view.calibration.note)}</p>'
        f'{agreement}<p id="open-disputes">{escape(disputes)}</p></section>')


def _alpha(value: float | None) -> str:
    return "not enough ratings" if value is None else f"{value:.2f}"


def _experiments_section(team_id: str, experiments: Sequence[ExperimentSummaryOut]) -> str:
    if not experiments:
        listed = "<p>No experiment yet.</p>"
    else:
        items = "".join(
            f'<li><a href="/team/experiments/{quote(e.experiment_id, safe="")}">'
            f"{escape(e.name)}</a> <span class=\"meta\">{escape(skill_name(e.dimension))}, "
            f"baseline {e.baseline_from} to {e.baseline_to}, practice {e.practice_from} to "
            f"{e.practice_to}; {e.cohort_size} practised, {e.comparison_size} compared</span>"
            "</li>" for e in experiments)
        listed = f'<ul id="experiment-list">{items}</ul>'
    return ('<section aria-labelledby="experiments-heading"><h2 id="experiments-heading">'
            f"Before/after experiments</h2>{listed}</section>")


def _new_experiment_form(agent_ids: Sequence[str]) -> str:
    options = "".join(
        f'<option value="{d}">{escape(skill_title(d))} ({escape(measures(d))})</option>'
        for d in DIMENSIONS)
    boxes = "".join(
        f'<li><input type="checkbox" name="cohort" id="cohort-{i}" value="{escape(a)}">'
        f'<label for="cohort-{i}">{escape(a)}</label></li>' for i, a in enumerate(agent_ids))
    dates = "".join(
        f'<p><label for="{name}">{label}</label> <input type="date" id="{name}" name="{name}" '
        "required></p>"
        for name, label in (("baseline_from", "Baseline from"), ("baseline_to", "Baseline to"),
                            ("practice_from", "Practice from"), ("practice_to", "Practice to")))
    return (
        '<section aria-labelledby="new-heading"><h2 id="new-heading">New experiment</h2>'
        "<p>Pick who practised a skill, a window before and a window during or after the "
        "practice. The other agents of the team are the comparison group.</p>"
        '<form id="new-experiment">'
        '<p><label for="name">Name</label> <input id="name" name="name" required '
        'maxlength="200"></p>'
        f'<p><label for="dimension">Skill</label> <select id="dimension" name="dimension">'
        f"{options}</select></p>"
        f'<fieldset><legend>Cohort (who practised)</legend><ul class="plain">{boxes}</ul>'
        f"</fieldset>{dates}"
        '<p><button type="submit">Create experiment</button></p></form></section>')


_RESULT_HEAD = (
    '<thead><tr><th scope="col">Group</th><th scope="col">Agents measured</th>'
    '<th scope="col">Observations (baseline / practice)</th>'
    '<th scope="col">Baseline mean</th><th scope="col">Practice mean</th>'
    '<th scope="col">Change</th><th scope="col">95% interval</th></tr></thead>')


def experiment_fragment(experiment: ExperimentOut) -> str:
    result = experiment.result
    rows = "".join(_group_row(name, group) for name, group in (
        ("Cohort (practised)", result.cohort), ("Comparison (did not)", result.comparison)))
    rows += ('<tr><th scope="row">Difference (cohort minus comparison)</th>'
             '<td colspan="4"></td>'
             f"<td>{_signed(result.difference)}</td>"
             f"<td>{_interval(result.difference_interval)}</td></tr>")
    outcomes = "".join(_outcome_item(o) for o in experiment.outcomes)
    models = ", ".join(sorted({*result.model_versions_baseline,
                               *result.model_versions_practice})) or "none"
    return (
        f"<h1>{escape(experiment.name)}</h1>"
        f'<p class="meta">Skill: {escape(skill_name(experiment.dimension))} '
        f"({escape(experiment.measures)}). Baseline {experiment.baseline_from} to "
        f"{experiment.baseline_to}; practice {experiment.practice_from} to "
        f"{experiment.practice_to} (UTC days, both ends included).</p>"
        '<section aria-labelledby="result-heading"><h2 id="result-heading">Result</h2>'
        f'<p id="result-summary">{escape(result.summary)}</p>'
        f"{interval_chart(experiment)}"
        '<table id="result-table"><caption>Change in live scores on the skill, in points of '
        f"the 0 to 100% scale</caption>{_RESULT_HEAD}<tbody>{rows}</tbody></table>"
        '<p><button type="button" id="download-csv">Download the figures as CSV</button></p>'
        "</section>"
        '<section aria-labelledby="outcomes-heading"><h2 id="outcomes-heading">Helpdesk '
        f'outcomes</h2><ul id="outcomes">{outcomes}</ul></section>'
        '<section aria-labelledby="method-heading"><h2 id="method-heading">How this is '
        f"measured</h2><p>{escape(experiment.estimator)}</p>"
        f"<p>Seed {result.seed}, {result.resamples} resamples. Scoring models behind these "
        f"scores: {escape(models)}.</p>"
        f"<p>{len(experiment.cohort)} agents in the cohort, {len(experiment.comparison)} in the "
        "comparison group. Agents without scored replies on the skill in both windows do not "
        'count.</p></section><p><a href="/team">Back to the team</a></p>')


def _outcome_item(outcome: OutcomeOut) -> str:
    text = (f"<li><strong>{escape(outcome.measure.capitalize())}</strong>: "
            f"{escape(outcome.note)}")
    if outcome.cohort is None or outcome.comparison is None:
        return text + "</li>"
    rows = "".join(_group_row(name, group) for name, group in (
        ("Cohort (practised)", outcome.cohort), ("Comparison (did not)", outcome.comparison)))
    rows += ('<tr><th scope="row">Difference (cohort minus comparison)</th>'
             '<td colspan="4"></td>'
             f"<td>{_signed(outcome.difference)}</td>"
             f"<td>{_interval(outcome.difference_interval)}</td></tr>")
    return (f'{text}<table class="outcome"><caption>{escape(outcome.measure.capitalize())}: '
            "change in points of the 0 to 100% scale</caption>"
            f"{_RESULT_HEAD}<tbody>{rows}</tbody></table></li>")


def _group_row(name: str, group: GroupResultOut) -> str:
    return (f'<tr><th scope="row">{escape(name)}</th>'
            f"<td>{group.agents_measured} of {group.agents_in_group}</td>"
            f"<td>{group.baseline_messages} / {group.practice_messages}</td>"
            f"<td>{_percent(group.baseline_mean)}</td><td>{_percent(group.practice_mean)}</td>"
            f"<td>{_signed(group.change)}</td><td>{_interval(group.interval)}</td></tr>")


def _percent(value: float | None) -> str:
    return "none" if value is None else percent(value)


def _signed(value: float | None) -> str:
    return "none" if value is None else f"{value * 100:+.1f} points"


def _interval(interval: IntervalOut | None) -> str:
    if interval is None:
        return "too few agents"
    return f"{interval.low * 100:+.1f} to {interval.high * 100:+.1f}"


# The interval chart: one row per estimate, a dot with its interval as a bar, zero marked.
_W, _ROW, _LEFT, _RIGHT = 640, 34, 250, 30


def interval_chart(experiment: ExperimentOut) -> str:
    result = experiment.result
    rows = [("Cohort change", result.cohort.change, result.cohort.interval),
            ("Comparison change", result.comparison.change, result.comparison.interval),
            ("Difference", result.difference, result.difference_interval)]
    values = [0.0] + [v for _, v, _ in rows if v is not None] + [
        x for _, _, i in rows if i is not None for x in (i.low, i.high)]
    span = max(0.05, max(abs(v) for v in values)) * 1.1
    height = _ROW * len(rows) + 30

    def x(value: float) -> float:
        return _LEFT + (_W - _LEFT - _RIGHT) * (value + span) / (2 * span)

    description = "; ".join(
        f"{label}: {_signed(value)}, interval {_interval(interval)}"
        for label, value, interval in rows)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_W} {height}" '
             f'width="{_W}" height="{height}" role="img" id="interval-chart" '
             'aria-labelledby="interval-chart-title interval-chart-desc" '
             'font-family="system-ui, sans-serif" font-size="13">',
             '<title id="interval-chart-title">Changes with their 95% intervals, in points'
             "</title>", f'<desc id="interval-chart-desc">{escape(description)}</desc>',
             f'<line x1="{x(0):.1f}" y1="4" x2="{x(0):.1f}" y2="{height - 24}" '
             'stroke="#6b7280" stroke-dasharray="4 3"/>',
             f'<text x="{x(0):.1f}" y="{height - 8}" text-anchor="middle" fill="#1d1d1f">'
             "0 (no change)</text>"]
    for index, (label, value, interval) in enumerate(rows):
        y = 20 + index * _ROW
        parts.append(f'<text x="8" y="{y + 4}" fill="#1d1d1f">{escape(label)}</text>')
        if interval is not None:
            parts.append(f'<line class="interval" x1="{x(interval.low):.1f}" y1="{y}" '
                         f'x2="{x(interval.high):.1f}" y2="{y}" stroke="#0072B2" '
                         'stroke-width="3"/>')
        if value is not None:
            parts.append(f'<circle class="estimate" cx="{x(value):.1f}" cy="{y}" r="5" '
                         'fill="#1d1d1f"/>')
    parts.append("</svg>")
    return f'<figure id="interval-figure">{"".join(parts)}</figure>'
