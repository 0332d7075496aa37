"""The role-play page's content for one person, rendered on the server as an HTML fragment.

The page (``static/roleplay.html``) fetches this with the person's token and shows it as is:
their role card for the current round (agent, customer or observer), the round's countdown,
who plays what, and the round's forms; after the last round, the debrief. Everything here is
escaped; the fragment holds no script or inline style (the page's CSP allows neither).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from services.coach.domain.practice_script import ScriptStep, script_steps
from services.coach.domain.roleplay_roles import Role, role_of
from services.coach.domain.scenario_models import Scenario
from services.coach.domain.skill_words import measures, skill_title
from services.coach.domain.wording import channel_name
from services.coach.store.roleplay_store import (
    DebriefRecord,
    RatingRecord,
    ReplyRecord,
    RoleplayRecord,
)
from shared.events.scores import DIMENSIONS

# Observers rate on five steps: fine enough to tell replies apart, coarse enough to agree on.
RATING_STEPS = (("0", "0 \u2014 not at all"), ("0.25", "0.25 \u2014 a little"),
                ("0.5", "0.5 \u2014 partly"), ("0.75", "0.75 \u2014 mostly"),
                ("1", "1 \u2014 fully"))
NOT_APPLICABLE = "na"
ROLE_TITLES: dict[str, str] = {"agent": "Agent", "customer": "Customer", "observer": "Observer"}


@dataclass(frozen=True)
class ViewInput:
    record: RoleplayRecord
    scenario: Scenario
    viewer_position: int | None  # None: a lead or the admin watching
    remaining_seconds: int
    replies: Sequence[ReplyRecord]  # every round's, in order
    my_rating: RatingRecord | None  # the viewer's rating of the current round, if saved
    debriefs: Sequence[DebriefRecord]


def render_view(view: ViewInput) -> str:
    record, scenario = view.record, view.scenario
    role = (None if view.viewer_position is None
            else role_of(view.viewer_position, record.current_round, record.size))
    debrief = record.phase == "debrief"
    attributes = (f'data-round="{record.current_round + 1}" data-phase="{record.phase}" '
                  f'data-remaining="{view.remaining_seconds}" data-role="{role or "lead"}"')
    parts = [f'<div class="view" {attributes}>',
             f'<h1 id="title" tabindex="-1">{_e(scenario.title)}</h1>',
             f'<p class="status" id="status-line">{_status(view, role)}</p>']
    if debrief:
        parts.append(_debrief(view))
    else:
        card, replies = _card(view, role), _replies_section(view)
        # An observer reads what the agent typed before rating it.
        middle = [replies, card] if role == "observer" else [card, replies]
        parts += [_countdown(view), _people(view), *middle, _next_button(view)]
    parts.append("</div>")
    return "\n".join(parts)


def _status(view: ViewInput, role: Role | None) -> str:
    record = view.record
    if record.phase == "debrief":
        return f"Role-play finished after {record.round_count} rounds: debrief."
    said = f"Round {record.current_round + 1} of {record.round_count}."
    if role is None:
        return f"{said} You are watching as the lead."
    return f"{said} Your role: <strong>{ROLE_TITLES[role]}</strong>."


def _countdown(view: ViewInput) -> str:
    minutes = view.record.timebox_minutes
    return (f'<p>Timebox: {minutes} minute{"s" if minutes != 1 else ""} per round.</p>'
            f'<p id="countdown" class="countdown" role="timer" aria-label="Time left in this '
            f'round">{_clock(view.remaining_seconds)} left in this round</p>')


def _clock(seconds: int) -> str:
    return f"{seconds // 60}:{seconds % 60:02d}"


def _people(view: ViewInput) -> str:
    record = view.record
    items = []
    for position, _agent in record.participants:
        role = role_of(position, record.current_round, record.size)
        you = " (you)" if position == view.viewer_position else ""
        items.append(f"<li>Participant {position + 1}{you}: {ROLE_TITLES[role]}</li>")
    return ('<section class="panel" aria-labelledby="people-heading">'
            '<h2 id="people-heading">Who plays what this round</h2>'
            f'<ul id="people">{"".join(items)}</ul></section>')


def _card(view: ViewInput, role: Role | None) -> str:
    if role is None:
        return _lead_card(view)
    body = {"agent": _agent_card, "customer": _customer_card, "observer": _observer_card}[role]
    return (f'<section id="role-card" class="panel card-{role}" aria-labelledby="card-heading">'
            f'<h2 id="card-heading">Your role card: {ROLE_TITLES[role]}</h2>'
            f"{body(view)}</section>")


def _facts(scenario: Scenario) -> str:
    return (f"<dl><dt>Channel</dt><dd>{_e(channel_name(scenario.channel))}</dd>"
            f"<dt>Industry</dt><dd>{_e(scenario.industry)}</dd></dl>")


def _agent_card(view: ViewInput) -> str:
    scenario = view.scenario
    replies = [r for r in view.replies if r.round == view.record.current_round]
    steps = script_steps(scenario)
    form = ""
    if len(replies) < len(steps):
        form = ('<form id="reply-form" novalidate>'
                f'<label for="reply-text">Your reply to message {len(replies) + 1} '
                "(optional: type what you say, so the observers rate your words)</label>"
                '<textarea id="reply-text" name="text" maxlength="5000" required></textarea>'
                '<button type="submit">Add reply</button>'
                '<p id="reply-status" role="status"></p></form>')
    return (f"<p>{_e(scenario.roles.agent)}</p>{_facts(scenario)}"
            "<p>The customer speaks first. Answer each message as you would in the real "
            "channel.</p>" + form)


def _customer_card(view: ViewInput) -> str:
    scenario = view.scenario
    return (f"<p>{_e(scenario.roles.customer)}</p>"
            f"<dl><dt>You are</dt><dd>{_e(scenario.persona.name)}: "
            f"{_e(scenario.persona.summary)}</dd>"
            f"<dt>Feeling</dt><dd>{_e(scenario.emotion)} (intensity {scenario.intensity} of 5)"
            f"</dd></dl>"
            '<h3 id="lines-heading">Your lines, in order</h3>'
            "<p>Read one out, wait for the agent's answer, then read the next.</p>"
            f'<ol id="customer-lines" aria-labelledby="lines-heading">'
            f'{"".join(_script_item(step) for step in script_steps(scenario))}</ol>')


def _script_item(step: ScriptStep) -> str:
    if step.kind == "customer":
        return f'<li class="line">{_e(step.text)}</li>'
    if step.from_customer:
        return f'<li class="line"><strong>{_e(step.label)}:</strong> {_e(step.text)}</li>'
    return (f'<li class="line"><strong>{_e(step.label)}</strong> (hand this to the agent as '
            f"{_e(step.source)}): {_e(step.text)}</li>")


def _observer_card(view: ViewInput) -> str:
    scenario = view.scenario
    trains = ", ".join(skill_title(d).lower() for d in scenario.dimensions)
    signals = "".join(f"<li>{_e(signal)}</li>" for signal in scenario.success_signals)
    lines = "".join(_script_item(step) for step in script_steps(scenario))
    return (f"<p>{_e(scenario.roles.observer)}</p>"
            f"<p>This scenario trains <strong>{_e(trains)}</strong>.</p>"
            '<h3 id="signals-heading">What good looks like</h3>'
            f'<ul aria-labelledby="signals-heading">{signals}</ul>'
            '<h3 id="follow-heading">The customer\'s lines</h3>'
            f'<ol aria-labelledby="follow-heading">{lines}</ol>'
            + _rating_form(view))


def _rating_form(view: ViewInput) -> str:
    scenario = view.scenario
    saved = view.my_rating.ratings if view.my_rating is not None else {}
    trained = [d for d in DIMENSIONS if d in scenario.dimensions]
    rest = [d for d in DIMENSIONS if d not in scenario.dimensions]
    note = view.my_rating.note if view.my_rating is not None and view.my_rating.note else ""
    return ('<form id="rating-form" novalidate aria-labelledby="rating-heading">'
            '<h3 id="rating-heading">Rate the agent this round</h3>'
            "<p>0 means the replies did not do it at all, 1 fully. Choose \u201cdoes not "
            "apply\u201d where the situation did not call for it.</p>"
            '<fieldset><legend>What this scenario trains</legend>'
            f'{"".join(_rating_field(d, saved) for d in trained)}</fieldset>'
            '<fieldset><legend>The rest of the rubric</legend>'
            f'{"".join(_rating_field(d, saved) for d in rest)}</fieldset>'
            '<label for="rating-note">Note for the agent (optional)</label>'
            f'<textarea id="rating-note" name="note" maxlength="2000">{_e(note)}</textarea>'
            '<button type="submit">Save ratings</button>'
            f'<p id="rating-status" role="status">'
            f'{"Your ratings of this round are saved." if saved else ""}</p></form>')


def _rating_field(dimension: str, saved: dict[str, float | None]) -> str:
    chosen = (None if dimension not in saved
              else NOT_APPLICABLE if saved[dimension] is None else _step(saved[dimension]))
    options = [("", "Choose\u2026")]
    if dimension != "tone":  # every reply has a tone: the label format needs a number for it
        options.append((NOT_APPLICABLE, "Does not apply"))
    options += list(RATING_STEPS)
    rendered = "".join(
        f'<option value="{value}"{" selected" if value == chosen else ""}>{_e(text)}</option>'
        for value, text in options)
    return (f'<div class="rating"><label for="rate-{dimension}">{_e(skill_title(dimension))}'
            f'</label><span class="hint" id="hint-{dimension}">{_e(measures(dimension))}</span>'
            f'<select id="rate-{dimension}" name="{dimension}" required '
            f'aria-describedby="hint-{dimension}">{rendered}</select></div>')


def _step(value: float | None) -> str:
    return next((v for v, _ in RATING_STEPS if float(v) == value), str(value))


def _lead_card(view: ViewInput) -> str:
    return ('<section id="role-card" class="panel" aria-labelledby="card-heading">'
            '<h2 id="card-heading">Facilitating</h2>'
            f"<p>{_e(view.scenario.roles.observer)}</p>{_facts(view.scenario)}</section>")


def _replies_section(view: ViewInput) -> str:
    replies = [r for r in view.replies if r.round == view.record.current_round]
    return ('<section class="panel" aria-labelledby="replies-heading">'
            '<h2 id="replies-heading">What the agent typed this round</h2>'
            f'<ol id="replies" aria-live="polite">{"".join(_reply_item(r) for r in replies)}'
            "</ol></section>")


def _reply_item(reply: ReplyRecord) -> str:
    return f'<li class="reply">{_e(reply.text)}</li>'


def _next_button(view: ViewInput) -> str:
    record = view.record
    last = record.current_round >= record.round_count - 1
    label = "Finish and debrief" if last else "Next round: rotate roles"
    return (f'<button type="button" id="next-round" data-from-round="{record.current_round + 1}"'
            f">{label}</button>")


def _debrief(view: ViewInput) -> str:
    mine = next((d for d in view.debriefs
                 if view.viewer_position is not None
                 and view.record.position_of(d.agent_id) == view.viewer_position), None)
    typed = "".join(
        f"<li>Round {r.round + 1}: {_e(r.text)}</li>" for r in view.replies)
    form = ""
    if view.viewer_position is not None:
        form = ('<form id="debrief-form" novalidate aria-labelledby="debrief-heading">'
                '<label for="what-worked">What worked?</label>'
                '<textarea id="what-worked" name="what_worked" maxlength="4000" required>'
                f'{_e(mine.what_worked) if mine else ""}</textarea>'
                '<label for="lines">Lines worth keeping (one per line)</label>'
                '<textarea id="lines" name="lines" aria-describedby="lines-hint">'
                f'{_e(chr(10).join(mine.lines)) if mine else ""}</textarea>'
                '<p id="lines-hint" class="hint">Your team lead can add them to the team\'s '
                "phrasebook.</p>"
                '<button type="submit">Save debrief</button>'
                f'<p id="debrief-status" role="status">'
                f'{"Your debrief is saved." if mine else ""}</p></form>')
    return ('<section id="debrief" class="panel" aria-labelledby="debrief-heading">'
            '<h2 id="debrief-heading">Debrief</h2>'
            '<h3 id="typed-heading">What the agents typed</h3>'
            f'<ol id="typed" aria-labelledby="typed-heading">{typed or "<li>Nothing typed.</li>"}'
            f"</ol>{form}{_shared(view)}</section>")


def _shared(view: ViewInput) -> str:
    items = []
    seat = {agent: position for position, agent in view.record.participants}
    for debrief in sorted(view.debriefs, key=lambda d: seat.get(d.agent_id, len(seat))):
        position = seat.get(debrief.agent_id)
        who = "A participant" if position is None else f"Participant {position + 1}"
        lines = "".join(f"<li>{_e(line)}</li>" for line in debrief.lines)
        items.append(f'<li class="shared"><p><strong>{who}:</strong> {_e(debrief.what_worked)}'
                     f'</p>{f"<ul>{lines}</ul>" if lines else ""}</li>')
    saved = len(view.debriefs)
    return ('<h3 id="shared-heading">What the team shared</h3>'
            f'<p id="shared-count">{saved} of {len(view.record.participants)} have shared.</p>'
            f'<ul id="shared" aria-labelledby="shared-heading">{"".join(items)}</ul>')


def _e(text: object) -> str:
    return escape(str(text), quote=True)
