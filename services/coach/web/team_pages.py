"""Server-rendered pages of calibration circles and disputes (HTML strings, every value escaped).

Each page is complete without JavaScript for reading; its forms are sent by one small script
(``SCRIPT``) as JSON to the documented API with the link's token as a bearer token, so the
pages and the API can never disagree about what is allowed.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote

from services.coach.domain.calibration_math import SCALE, on_scale
from services.coach.domain.skill_words import skill_name
from services.coach.domain.wording import channel_name
from services.coach.schemas.calibration import (
    CircleListOut,
    CircleOut,
    DisputeOut,
    ResultItemOut,
    ResultsOut,
    ReviewListOut,
    ReviewOut,
    ScoredMessagesOut,
    TurnOut,
)
from shared.events.interactions import Channel
from shared.events.scores import DIMENSIONS

STYLE = """
body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.45}
header,main{max-width:60rem;margin:0 auto;padding:0.5rem 1rem}
header{border-bottom:1px solid #767676}
section{border:1px solid #767676;border-radius:6px;padding:0.5rem 1rem;margin:1rem 0}
table{border-collapse:collapse;margin:0.5rem 0}
th,td{border:1px solid #767676;padding:0.2rem 0.5rem;text-align:left;vertical-align:top}
blockquote{margin:0.3rem 0;padding:0.3rem 0.8rem;border-left:4px solid #595959;
white-space:pre-wrap}
label{display:inline-block;margin:0.2rem 0.6rem 0.2rem 0}
textarea{width:100%;max-width:40rem}
button{padding:0.3rem 0.8rem;margin:0.4rem 0}
.status{font-weight:bold}
"""

SCRIPT = """
const token = new URLSearchParams(location.search).get("token") || "";
function valueOf(el) {
  if (el.type === "checkbox") return el.checked;
  if (el.type === "radio") return el.checked ? el.value : undefined;
  if (el.value === "") return undefined;
  if (el.dataset.kind === "score") return el.value === "na" ? null : Number(el.value);
  if (el.dataset.kind === "number") return Number(el.value);
  if (el.dataset.kind === "lines") return el.value.split(/[\\s,]+/).filter(Boolean);
  return el.value;
}
for (const form of document.querySelectorAll("form[data-api]")) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const status = form.querySelector(".status");
    const body = {};
    for (const el of form.elements) {
      if (!el.name) continue;
      const value = valueOf(el);
      if (value === undefined) continue;
      const parts = el.name.split(".");
      let target = body;
      for (const part of parts.slice(0, -1)) target = target[part] = target[part] || {};
      target[parts[parts.length - 1]] = value;
    }
    status.textContent = "Saving…";
    const response = await fetch(form.dataset.api, {
      method: form.dataset.method || "POST",
      headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
      body: JSON.stringify(body)});
    if (response.ok) {
      status.textContent = form.dataset.done || "Saved.";
      if (form.dataset.reload === "yes") location.reload();
      return;
    }
    let detail = response.statusText;
    try { detail = (await response.json()).detail || detail; } catch (error) {}
    status.textContent = "Not saved: " + detail;
  });
}
"""


def e(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, nonce: str) -> str:
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{e(title)} · Rapport coach</title>"
            f'<style nonce="{e(nonce)}">{STYLE}</style></head><body>'
            f"<header><p>Rapport coach</p></header>"
            f"<main><h1>{e(title)}</h1>{body}</main>"
            f'<script nonce="{e(nonce)}">{SCRIPT}</script></body></html>')



def with_token(path: str, token: str) -> str:
    return f"{path}?token={quote(token, safe='')}"


def form(api: str, inner: str, button: str, *, method: str = "POST", reload: bool = True,
         done: str = "Saved.", label: str | None = None) -> str:
    labelled = f' aria-label="{e(label)}"' if label else ""
    return (f'<form data-api="{e(api)}" data-method="{e(method)}" '
            f'data-reload="{"yes" if reload else "no"}" data-done="{e(done)}"{labelled}>'
            f'{inner}<button type="submit">{e(button)}</button>'
            f' <span class="status" role="status"></span></form>')


def score_text(value: float | None) -> str:
    return "does not apply" if value is None else f"{value:g}"


def score_select(field_id: str, name: str, label: str, chosen: float | None | str, *,
                 applies_always: bool = False) -> str:
    options = ['<option value="">Choose…</option>']
    if not applies_always:
        options.append(f'<option value="na"{" selected" if chosen == "na" else ""}>'
                       "does not apply</option>")
    for step in SCALE:
        selected = " selected" if chosen is not None and chosen != "na" and chosen == step else ""
        options.append(f'<option value="{step:g}"{selected}>{step:g}</option>')
    return (f'<label for="{e(field_id)}">{e(label)}</label>'
            f'<select id="{e(field_id)}" name="{e(name)}" data-kind="score" required>'
            f'{"".join(options)}</select>')


def rubric_fields(prefix: str, chosen: Mapping[str, float | None] | None) -> str:
    """One select per dimension; ``chosen`` preselects (None there: "does not apply")."""
    fields = []
    for dim in DIMENSIONS:
        value: float | None | str = ""
        if chosen is not None and dim in chosen:
            value = "na" if chosen[dim] is None else on_scale(chosen[dim])
        fields.append(score_select(f"{prefix}-{dim}", f"labels.{dim}", skill_name(dim), value,
                                   applies_always=dim == "tone"))
    return "<fieldset><legend>Rating (0 to 1, or does not apply)</legend>" \
           + " ".join(fields) + "</fieldset>"


def conversation(channel: str, history: Sequence[TurnOut], customer: str, reply: str) -> str:
    earlier = ""
    if history:
        turns = "".join(f"<p><strong>{e(turn.role)}:</strong></p><blockquote>{e(turn.text)}"
                        "</blockquote>" for turn in history)
        earlier = f"<details><summary>Earlier in the conversation</summary>{turns}</details>"
    return (f"<p>Channel: {e(channel_name(channel))}</p>{earlier}"
            f"<p><strong>Customer:</strong></p><blockquote>{e(customer or '(no words)')}"
            f"</blockquote><p><strong>Reply:</strong></p><blockquote>{e(reply)}</blockquote>")


# ---- leads: circles --------------------------------------------------------------------------

def circles_page(listing: CircleListOut, token: str, nonce: str) -> str:
    rows = "".join(
        f"<tr><td><a href=\"{e(with_token('/team/calibration/' + c.circle_id, token))}\">"
        f"{e(c.title)}</a></td><td>{e(c.status)}</td><td>{c.items}</td><td>{c.agreed}</td>"
        f"<td>{sum(r.submitted for r in c.reviewers)} of {len(c.reviewers)}</td></tr>"
        for c in listing.circles)
    table = ("<table><caption>Circles</caption><thead><tr><th scope=\"col\">Circle</th>"
             "<th scope=\"col\">State</th><th scope=\"col\">Replies</th>"
             "<th scope=\"col\">Agreed</th><th scope=\"col\">Reviewers submitted</th></tr>"
             f"</thead><tbody>{rows}</tbody></table>") if listing.circles \
        else "<p>No circles yet.</p>"
    channels = "".join(f'<option value="{e(c.value)}">{e(channel_name(c.value))}</option>'
                       for c in Channel)
    dims = "".join(f'<option value="{e(d)}">{e(skill_name(d))}</option>' for d in DIMENSIONS)
    inner = (
        '<p><label for="title">Title</label><input id="title" name="title" required '
        'maxlength="200"></p>'
        '<p><label for="reviewers">Reviewers (helpdesk user ids, one a line)</label><br>'
        '<textarea id="reviewers" name="reviewers" data-kind="lines" rows="3" required>'
        "</textarea></p>"
        '<p><label for="date_from">Replies from</label><input type="date" id="date_from" '
        'name="date_from" required> <label for="date_to">Replies until (inclusive)</label>'
        '<input type="date" id="date_to" name="date_to" required></p>'
        f'<p><label for="channel">Channel</label><select id="channel" name="channel">'
        f'<option value="">any</option>{channels}</select> '
        f'<label for="dimension">Skill</label><select id="dimension" name="dimension">'
        f'<option value="">any</option>{dims}</select></p>'
        '<p><input type="checkbox" id="disagreement" name="disagreement"> '
        '<label for="disagreement">Only replies where the model is likely wrong (far from the '
        "team's usual score, or a person already rated them differently)</label></p>"
        '<p><label for="sample_size">Replies to rate</label><input type="number" '
        'id="sample_size" name="sample_size" data-kind="number" min="2" max="40" value="8">'
        "</p>")
    create = form(f"/v1/teams/{listing.team_id}/circles", inner, "Create circle",
                  done="Circle created.", label="New circle")
    nav = f"<p><a href=\"{e(with_token('/team/disputes', token))}\">Disputes queue</a></p>"
    return page(f"Calibration circles of {listing.team_id}",
                f"{nav}{table}<h2>New circle</h2>{create}", nonce)


def circle_page(circle: CircleOut, results: ResultsOut | None, token: str, nonce: str) -> str:
    f = circle.filters
    described = (f"<p>Replies from {e(f.date_from)} to {e(f.date_to)}"
                 f"{', channel ' + e(channel_name(f.channel)) if f.channel else ''}"
                 f"{', skill ' + e(skill_name(f.dimension)) if f.dimension else ''}"
                 f"{', where the model is likely wrong' if f.disagreement else ''}; "
                 f"{circle.items} to rate.</p>")
    people = "".join(f"<li>{e(r.reviewer_id)}: {r.rated} of {circle.items} rated"
                     f"{', submitted' if r.submitted else ''}</li>" for r in circle.reviewers)
    body = (f"<p><a href=\"{e(with_token('/team/calibration', token))}\">All circles</a></p>"
            f"{described}<h2>Reviewers</h2><ul>{people}</ul>")
    if results is None:
        body += form(f"/v1/circles/{circle.circle_id}/reveal", "", "Reveal the results",
                     done="Revealed.", label="Reveal")
        return page(circle.title, body, nonce)
    export = with_token(f"/team/calibration/{circle.circle_id}/labels.jsonl", token)
    body += (f"{agreement_table(results)}<p>{circle.agreed} of {circle.items} replies agreed. "
             f"<a href=\"{e(export)}\" download>Download the agreed ratings as human labels "
             "(JSONL)</a></p>")
    body += "".join(result_section(results, item, editable=True, circle_id=circle.circle_id)
                    for item in results.items)
    return page(circle.title, body, nonce)


def agreement_table(results: ResultsOut) -> str:
    def alpha(value: float | None) -> str:
        return "not enough data" if value is None else f"{value:.2f}"

    rows = "".join(f"<tr><th scope=\"row\">{e(skill_name(d.dimension))}</th>"
                   f"<td>{d.rated_replies}</td><td>{alpha(d.reviewers_alpha)}</td>"
                   f"<td>{alpha(d.model_alpha)}</td></tr>" for d in results.dimensions)
    versions = ", ".join(results.model_versions)
    return ("<h2>Agreement</h2><p>Krippendorff's alpha: 1 is perfect agreement, 0 no better "
            "than chance. The model's scores are rounded to the reviewers' scale. Model "
            f"version: {e(versions)}.</p><table><caption>Agreement by skill</caption><thead><tr>"
            "<th scope=\"col\">Skill</th><th scope=\"col\">Replies rated</th>"
            "<th scope=\"col\">Between reviewers</th><th scope=\"col\">Model vs reviewers"
            f"</th></tr></thead><tbody>{rows}</tbody></table>")


def result_section(results: ResultsOut, item: ResultItemOut, *, editable: bool,
                   circle_id: str) -> str:
    heads = "".join(f"<th scope=\"col\">Reviewer {i + 1}</th>" for i in range(results.reviewers))
    rows = []
    for dim in DIMENSIONS:
        cells = "".join(f"<td>{score_text(r.get(dim))}</td>" for r in item.ratings)
        agreed = score_text(getattr(item.agreed, dim)) if item.agreed else "–"
        rows.append(f"<tr><th scope=\"row\">{e(skill_name(dim))}</th>{cells}"
                    f"<td>{score_text(item.consensus.get(dim))}</td>"
                    f"<td>{score_text(item.model.get(dim))}</td><td>{agreed}</td></tr>")
    table = (f"<table><caption>Ratings of reply {item.position + 1}</caption><thead><tr>"
             f"<th scope=\"col\">Skill</th>{heads}<th scope=\"col\">Consensus</th>"
             "<th scope=\"col\">Model</th><th scope=\"col\">Agreed</th></tr></thead>"
             f"<tbody>{''.join(rows)}</tbody></table>")
    note = f"<p>Note: {e(item.note)}</p>" if item.note and not editable else ""
    agreed_form = ""
    if editable:
        chosen = item.agreed.as_dict() if item.agreed else item.consensus
        inner = (rubric_fields(f"agreed-{item.position}", chosen)
                 + f'<p><label for="note-{item.position}">Note</label><br>'
                 f'<textarea id="note-{item.position}" name="note" rows="2" maxlength="2000">'
                 f"{e(item.note or '')}</textarea></p>")
        agreed_form = form(f"/v1/circles/{circle_id}/items/{item.position}/agreed", inner,
                           "Save the agreed rating", method="PUT", reload=False,
                           label=f"Agreed rating of reply {item.position + 1}")
    return (f"<section aria-labelledby=\"reply-{item.position}\"><h2 id=\"reply-"
            f"{item.position}\">Reply {item.position + 1} (disagreement "
            f"{item.disagreement:.2f})</h2>"
            f"{conversation(item.channel, item.history, item.customer, item.reply)}"
            f"{table}{note}{agreed_form}</section>")


# ---- reviewers -------------------------------------------------------------------------------

def reviews_page(listing: ReviewListOut, token: str, nonce: str) -> str:
    items = "".join(
        f"<li><a href=\"{e(with_token('/review/' + c.circle_id, token))}\">{e(c.title)}</a>: "
        f"{c.rated} of {c.items} rated{', submitted' if c.submitted else ''}"
        f"{', results revealed' if c.status == 'revealed' else ''}</li>"
        for c in listing.circles)
    body = f"<ul>{items}</ul>" if items else "<p>No circles to rate.</p>"
    return page("Your calibration circles", body, nonce)


def review_page(circle: ReviewOut, results: ResultsOut | None, token: str, nonce: str) -> str:
    back = f"<p><a href=\"{e(with_token('/review', token))}\">All your circles</a></p>"
    if results is not None:
        body = back + agreement_table(results) + "".join(
            result_section(results, item, editable=False, circle_id=circle.circle_id)
            for item in results.items)
        return page(circle.title, body, nonce)
    if circle.submitted:
        return page(circle.title, back + "<p>Your ratings are handed in. The results show "
                                          "here once the lead reveals them.</p>", nonce)
    intro = ("<p>Rate each reply on every skill, on your own: nobody sees your ratings, and "
             "you do not see the model's or anyone else's, until the lead reveals them.</p>")
    sections = []
    for item in circle.items:
        inner = rubric_fields(f"r{item.position}",
                              item.my_rating.as_dict() if item.my_rating else None)
        sections.append(
            f"<section aria-labelledby=\"reply-{item.position}\"><h2 id=\"reply-"
            f"{item.position}\">Reply {item.position + 1}</h2>"
            f"{conversation(item.channel, item.history, item.customer, item.reply)}"
            + form(f"/v1/circles/{circle.circle_id}/ratings/{item.position}",
                   inner, "Save my rating", method="PUT", reload=False,
                   label=f"Your rating of reply {item.position + 1}") + "</section>")
    submit = form(f"/v1/circles/{circle.circle_id}/submit", "", "Hand in my ratings",
                  done="Handed in.", label="Hand in")
    return page(circle.title, back + intro + "".join(sections) + submit, nonce)


# ---- disputes ----------------------------------------------------------------------------------

def dispute_summary(dispute: DisputeOut) -> str:
    outcome = {"open": "waiting for your lead",
               "upheld": "the score stands",
               "corrected": f"corrected to {score_text(dispute.corrected_score)}"}[dispute.status]
    note = f" Your lead's note: {e(dispute.resolution_note)}" if dispute.resolution_note else ""
    return (f"<li>{e(skill_name(dispute.dimension))} on your {e(channel_name(dispute.channel))} "
            f"reply of {dispute.message_at:%d %b %Y}: scored {dispute.model_score:.2f}; "
            f"<strong>{e(outcome)}</strong>.{note}</li>")


def agent_disputes_page(messages: ScoredMessagesOut, disputes: Iterable[DisputeOut],
                        nonce: str) -> str:
    mine = "".join(dispute_summary(d) for d in disputes)
    body = "<h2>Your disputes</h2>" + (f"<ul>{mine}</ul>" if mine else "<p>None yet.</p>")
    body += ("<h2>Your recent scored replies</h2><p>If a score looks wrong, say why: your team "
             "lead reads it and either keeps the score or corrects it.</p>")
    for index, message in enumerate(messages.messages):
        scores = "".join(f"<tr><th scope=\"row\">{e(skill_name(d))}</th>"
                         f"<td>{score_text(message.scores.get(d))}</td></tr>"
                         for d in DIMENSIONS)
        open_dims = [d for d in DIMENSIONS
                     if message.scores.get(d) is not None and d not in message.disputed]
        reply = (f"<blockquote>{e(message.reply)}</blockquote>" if message.reply
                 else "<p>(The text of this reply is not available.)</p>")
        section = (f"<section aria-labelledby=\"m{index}\"><h3 id=\"m{index}\">"
                   f"{e(channel_name(message.channel))} reply, {message.message_at:%d %b %Y %H:%M}"
                   f"</h3>{reply}<table><caption>Scores</caption><tbody>{scores}</tbody>"
                   "</table>")
        if open_dims:
            options = "".join(f'<option value="{e(d)}">{e(skill_name(d))}</option>'
                              for d in open_dims)
            inner = (f'<input type="hidden" name="message_id" value="{e(message.message_id)}">'
                     f'<p><label for="dim{index}">Skill</label><select id="dim{index}" '
                     f'name="dimension" required>{options}</select></p>'
                     f'<p><label for="comment{index}">Why the score looks wrong</label><br>'
                     f'<textarea id="comment{index}" name="comment" rows="2" required '
                     'maxlength="2000"></textarea></p>')
            section += form(f"/v1/agents/{messages.agent_id}/disputes", inner,
                            "Dispute this score", done="Sent to your lead.",
                            label=f"Dispute a score of reply {index + 1}")
        sections = section + "</section>"
        body += sections
    return page("Disputes", body, nonce)


def queue_page(team_id: str, open_disputes: Sequence[DisputeOut],
               resolved: Sequence[DisputeOut], token: str, nonce: str) -> str:
    nav = f"<p><a href=\"{e(with_token('/team/calibration', token))}\">Calibration circles</a></p>"
    body = nav + f"<h2>Open ({len(open_disputes)})</h2>"
    if not open_disputes:
        body += "<p>No open disputes.</p>"
    for d in open_disputes:
        text = (conversation(d.channel, [], d.customer or "", d.reply)
                if d.reply else "<p>(The reply's text is not available.)</p>")
        choice = (f'<fieldset><legend>Outcome</legend><input type="radio" id="up-{d.dispute_id}"'
                  f' name="outcome" value="upheld" required><label for="up-{d.dispute_id}">'
                  f'Keep the score</label><input type="radio" id="fix-{d.dispute_id}" '
                  f'name="outcome" value="corrected"><label for="fix-{d.dispute_id}">Correct it'
                  "</label></fieldset>")
        options = "".join(f'<option value="{step:g}">{step:g}</option>' for step in SCALE)
        inner = (choice + f'<p><label for="score-{d.dispute_id}">Corrected score</label>'
                 f'<select id="score-{d.dispute_id}" name="score" data-kind="score">'
                 f'<option value="">(none: keep)</option>{options}</select></p>'
                 f'<p><label for="note-{d.dispute_id}">Note to the agent</label><br>'
                 f'<textarea id="note-{d.dispute_id}" name="note" rows="2" maxlength="2000">'
                 "</textarea></p>")
        body += (f"<section aria-labelledby=\"d-{d.dispute_id}\"><h3 id=\"d-{d.dispute_id}\">"
                 f"{e(skill_name(d.dimension))}: scored {d.model_score:.2f}</h3>{text}"
                 f"<p><strong>The agent's comment:</strong></p><blockquote>{e(d.comment)}"
                 "</blockquote>"
                 + form(f"/v1/disputes/{d.dispute_id}/resolution", inner, "Answer",
                        done="Answered.", label=f"Answer the dispute on {skill_name(d.dimension)}")
                 + "</section>")
    done = "".join(f"<li>{e(skill_name(d.dimension))}, scored {d.model_score:.2f}: {e(d.status)}"
                   + (f" to {score_text(d.corrected_score)}" if d.corrected_score is not None
                      else "") + "</li>" for d in resolved)
    body += "<h2>Answered</h2>" + (f"<ul>{done}</ul>" if done else "<p>None yet.</p>")
    return page(f"Disputes of {team_id}", body, nonce)
