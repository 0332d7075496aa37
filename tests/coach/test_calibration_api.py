"""Calibration circles and disputes through the API, on SQLite and PostgreSQL, with every access
boundary: agents never see a circle or the queue; a lead sees their team only; a reviewer sees
the circle's replies and their own ratings, blind to others' and to the model's until the reveal.
The texts circles and disputes show arrive from support.interactions.v1 (real Kafka).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from prometheus_client import REGISTRY

from lab.scorer.human_labels import load_human_labels, read_annotations
from services.coach.commands.cli import run_cli
from services.coach.domain.calibration_math import consensus, interval_alpha, on_scale
from services.coach.domain.score_batches import aggregate_scores
from services.coach.store.calibration_tables import circle_items, conversation_messages
from services.coach.store.profile_store import load_profiles
from shared.events.scores import DIMENSIONS
from shared.events.topics import INTERACTIONS
from tests.coach.calibration_samples import (
    LEAD,
    OTHER_LEAD,
    OTHER_TEAM,
    OUTSIDER,
    REVIEWER_1,
    REVIEWER_2,
    TEAM,
    A,
    B,
    C,
    interaction,
    scores_for,
    seed_team,
    staff_headers,
)
from tests.coach.conftest import CoachHarness
from tests.coach.factories import score_event
from tests.coach.kafka_helpers import produce

pytestmark = pytest.mark.kafka
WINDOW = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def assert_problem(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"


def rating(position: int, shift: float = 0.0) -> dict[str, float | None]:
    """A reviewer's rating; ``shift`` makes the second reviewer differ a little."""
    base = (position % 5) / 4
    labels: dict[str, float | None] = {dim: on_scale(min(1.0, (base + i / 10) % 1 + shift))
                                       for i, dim in enumerate(DIMENSIONS)}
    labels["boundaries"] = None
    return labels


def token_of(headers: dict[str, str]) -> str:
    return headers["Authorization"].removeprefix("Bearer ")


def wait_until(condition: Callable[[], bool], timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


def test_a_circle_from_its_sample_to_exported_human_labels(coach: CoachHarness,
                                                            tmp_path: Path) -> None:
    seed_team(coach)
    http = coach.client
    lead = staff_headers(LEAD, "lead", TEAM, coach)
    other_lead = staff_headers(OTHER_LEAD, "lead", OTHER_TEAM, coach)
    first = staff_headers(REVIEWER_1, "reviewer", TEAM, coach)
    second = staff_headers(REVIEWER_2, "reviewer", TEAM, coach)
    outsider = staff_headers(OUTSIDER, "reviewer", TEAM, coach)
    elsewhere = staff_headers(REVIEWER_1, "reviewer", OTHER_TEAM, coach)
    body = {"title": "November chat", "reviewers": [REVIEWER_1, REVIEWER_2],
            "sample_size": 5, "channel": "chat", **WINDOW}

    # Only the team's lead creates a circle, and only with the team's people.
    for headers in (coach.as_agent(A), other_lead, first):
        assert_problem(http.post(f"/v1/teams/{TEAM}/circles", json=body, headers=headers), 403)
    assert_problem(http.post(f"/v1/teams/{TEAM}/circles", headers=lead,
                             json={**body, "reviewers": [REVIEWER_1, C]}), 422)
    assert_problem(http.post("/v1/teams/not-a-team/circles", json=body, headers=lead), 422)
    created = http.post(f"/v1/teams/{TEAM}/circles", json=body, headers=lead)
    assert created.status_code == 201, created.text
    circle = created.json()
    circle_id, items = circle["circle_id"], circle["items"]
    assert items == 5
    assert circle["status"] == "rating"
    with coach.engine.connect() as connection:
        sampled = set(connection.scalars(sa.select(circle_items.c.agent_id)
                                         .where(circle_items.c.circle_id == circle_id)))
    assert sampled <= {A, B}  # never another team's replies
    for headers in (coach.as_agent(A), other_lead, first):
        assert_problem(http.get(f"/v1/circles/{circle_id}", headers=headers), 403)
        assert_problem(http.get(f"/v1/teams/{TEAM}/circles", headers=headers), 403)

    # Reviewers see the replies, blind: no model scores, no agent, no one else's rating.
    review = http.get(f"/v1/circles/{circle_id}/review", headers=first).json()
    assert set(review["items"][0]) == {"position", "channel", "customer", "history", "reply",
                                       "my_rating"}
    assert "order" in review["items"][0]["reply"]
    assert A not in json.dumps(review)
    for headers in (outsider, elsewhere, lead, coach.as_agent(A)):
        assert_problem(http.get(f"/v1/circles/{circle_id}/review", headers=headers), 403)
    assert http.get("/v1/reviews", headers=first).json()["circles"][0]["circle_id"] == circle_id
    assert http.get("/v1/reviews", headers=outsider).json()["circles"] == []
    assert_problem(http.get("/v1/reviews", headers=lead), 403)

    for position in range(items):
        saved = http.put(f"/v1/circles/{circle_id}/ratings/{position}", headers=first,
                         json={"labels": rating(position)})
        assert saved.status_code == 204, saved.text
    assert_problem(http.put(f"/v1/circles/{circle_id}/ratings/0", headers=second,
                            json={"labels": {**rating(0), "tone": 0.3}}), 422)
    assert http.get(f"/v1/circles/{circle_id}/review",
                    headers=second).json()["items"][0]["my_rating"] is None
    assert_problem(http.post(f"/v1/circles/{circle_id}/submit", headers=second), 409)
    for position in range(items):
        http.put(f"/v1/circles/{circle_id}/ratings/{position}", headers=second,
                 json={"labels": rating(position, 0.25 if position % 2 else 0.0)})
    assert_problem(http.post(f"/v1/circles/{circle_id}/reveal", headers=lead), 409)
    assert_problem(http.get(f"/v1/circles/{circle_id}/results", headers=lead), 409)
    for headers in (first, second):
        assert http.post(f"/v1/circles/{circle_id}/submit", headers=headers).status_code == 204
    assert_problem(http.put(f"/v1/circles/{circle_id}/ratings/0", headers=first,
                            json={"labels": rating(0)}), 409)
    progress = http.get(f"/v1/circles/{circle_id}", headers=lead).json()["reviewers"]
    assert [(r["rated"], r["submitted"]) for r in progress] == [(items, True)] * 2
    assert_problem(http.get(f"/v1/circles/{circle_id}/results", headers=first), 409)
    assert_problem(http.post(f"/v1/circles/{circle_id}/reveal", headers=first), 403)
    assert http.post(f"/v1/circles/{circle_id}/reveal", headers=lead).json()["status"] == \
        "revealed"

    results = http.get(f"/v1/circles/{circle_id}/results", headers=lead).json()
    assert http.get(f"/v1/circles/{circle_id}/results", headers=first).status_code == 200
    for headers in (outsider, other_lead, coach.as_agent(A)):
        assert_problem(http.get(f"/v1/circles/{circle_id}/results", headers=headers), 403)
    by_position = {item["position"]: item for item in results["items"]}
    firsts = [rating(p) for p in range(items)]
    seconds = [rating(p, 0.25 if p % 2 else 0.0) for p in range(items)]
    tone = {row["dimension"]: row for row in results["dimensions"]}["tone"]
    assert tone["reviewers_alpha"] == pytest.approx(
        interval_alpha([[r["tone"] for r in firsts], [r["tone"] for r in seconds]]))
    agreed_tone = [consensus([f, s])["tone"] for f, s in zip(firsts, seconds, strict=True)]
    model_tone = [by_position[p]["model"]["tone"] for p in range(items)]
    assert tone["model_alpha"] == pytest.approx(interval_alpha([model_tone, agreed_tone]))
    assert [item["disagreement"] for item in results["items"]] == sorted(
        (item["disagreement"] for item in results["items"]), reverse=True)
    assert by_position[1]["ratings"] == [firsts[1], seconds[1]]
    version = results["model_versions"][0]
    gauge = REGISTRY.get_sample_value("rapport_coach_calibration_model_alpha",
                                      {"dimension": "tone", "model_version": version})
    assert gauge == pytest.approx(tone["model_alpha"])

    # The lead records what the circle agreed; that is what the export holds. The circle reads
    # the first reply's tone at the far end of the scale from the model and the second's as the
    # model does, whatever replies the sample drew.
    model_tone_0 = by_position[0]["model"]["tone"]
    agreed_labels = [{**firsts[0], "tone": 1.0 if model_tone_0 < 0.5 else 0.0},
                     {**firsts[1], "tone": by_position[1]["model"]["tone"]}]
    for position in (0, 1):
        agreed = http.put(f"/v1/circles/{circle_id}/items/{position}/agreed", headers=lead,
                          json={"labels": agreed_labels[position], "note": "we read it as warm"})
        assert agreed.status_code == 204, agreed.text
    assert_problem(http.put(f"/v1/circles/{circle_id}/items/0/agreed", headers=first,
                            json={"labels": firsts[0]}), 403)
    assert_problem(http.get(f"/v1/circles/{circle_id}/export", headers=first), 403)
    exported = http.get(f"/v1/circles/{circle_id}/export", headers=lead)
    assert exported.headers["content-type"].startswith("application/x-ndjson")
    api_file = tmp_path / "api.jsonl"
    api_file.write_text(exported.text, encoding="utf-8")
    assert len(read_annotations(api_file)) == 2
    examples = load_human_labels([api_file])
    assert [e.scores["ownership"] for e in examples] == [firsts[0]["ownership"],
                                                         firsts[1]["ownership"]]
    # A second circle on the replies the model most likely got wrong: those the first circle
    # agreed on far from the model come first.
    hard = http.post(f"/v1/teams/{TEAM}/circles", headers=lead, json={
        **body, "title": "Tone, model in doubt", "dimension": "tone", "disagreement": True,
        "sample_size": 2})
    assert hard.status_code == 201, hard.text
    with coach.engine.connect() as connection:
        agreed_far = {row.message_id for row in connection.execute(
            sa.select(circle_items.c.message_id, circle_items.c.model_scores,
                      circle_items.c.agreed_labels)
            .where(circle_items.c.circle_id == circle_id,
                   circle_items.c.agreed_labels.is_not(None)))
            if abs(row.agreed_labels["tone"] - row.model_scores["tone"]) >= 0.25}
        picked = list(connection.scalars(
            sa.select(circle_items.c.message_id)
            .where(circle_items.c.circle_id == hard.json()["circle_id"])
            .order_by(circle_items.c.position)))
        far_reply = connection.scalar(sa.select(circle_items.c.message_id).where(
            circle_items.c.circle_id == circle_id, circle_items.c.position == 0))
    # Only the first agreed tone sits a scale step or more from the model's; it leads the sample.
    assert agreed_far == {far_reply}
    assert picked[0] == far_reply
    # The pages check the link's token as the API does.
    pages = {f"/team/calibration/{circle_id}": (lead, [coach.as_agent(A), other_lead, first]),
             f"/team/calibration/{circle_id}/labels.jsonl": (lead, [first, other_lead]),
             f"/review/{circle_id}": (first, [outsider, elsewhere, lead]),
             "/team/calibration": (lead, [coach.as_agent(A), first]),
             "/team/disputes": (lead, [coach.as_agent(A), first])}
    for path, (allowed, refused) in pages.items():
        assert http.get(path, params={"token": token_of(allowed)}).status_code == 200
        for headers in refused:
            page = http.get(path, params={"token": token_of(headers)})
            assert page.status_code == 403, path
            assert page.headers["content-type"].startswith("text/html")
    assert http.get("/team/calibration").status_code == 401
    cli_file = tmp_path / "cli.jsonl"
    assert run_cli(["export-labels", "--circle", circle_id, "--out", str(cli_file)],
                   settings=coach.settings) == 0
    assert cli_file.read_text(encoding="utf-8") == exported.text
    assert run_cli(["export-labels", "--circle", "nope", "--out", str(cli_file)],
                   settings=coach.settings) == 1


def test_a_dispute_from_the_agent_to_the_lead_corrects_the_profile_exactly(
        coach: CoachHarness, tmp_path: Path) -> None:
    events = seed_team(coach)
    # A conversation that reaches the coach the real way, through support.interactions.v1.
    live = score_event(A, 7, scores_for(7))
    produce(coach.settings.kafka, coach.settings.kafka.topic(INTERACTIONS),
            [interaction(live, 7)])
    http = coach.client
    lead = staff_headers(LEAD, "lead", TEAM, coach)
    other_lead = staff_headers(OTHER_LEAD, "lead", OTHER_TEAM, coach)
    reviewer = staff_headers(REVIEWER_1, "reviewer", TEAM, coach)
    mine = http.get(f"/v1/agents/{A}/scored-messages", headers=coach.as_agent(A)).json()
    assert len(mine["messages"]) == 6
    assert all(m["reply"] for m in mine["messages"])
    assert_problem(http.get(f"/v1/agents/{A}/scored-messages", headers=coach.as_agent(B)), 403)
    assert_problem(http.get(f"/v1/agents/{A}/scored-messages", headers=lead), 403)

    target = events[1]  # A's second reply
    dispute = {"message_id": target.message_id, "dimension": "tone",
               "comment": "The customer thanked me for the warm tone."}
    assert_problem(http.post(f"/v1/agents/{A}/disputes", json=dispute,
                             headers=coach.as_agent(B)), 403)
    assert_problem(http.post(f"/v1/agents/{B}/disputes", json=dispute,
                             headers=coach.as_agent(B)), 404)  # not B's reply
    assert_problem(http.post(f"/v1/agents/{A}/disputes", headers=coach.as_agent(A),
                             json={**dispute, "dimension": "boundaries"}), 422)
    filed = http.post(f"/v1/agents/{A}/disputes", json=dispute, headers=coach.as_agent(A))
    assert filed.status_code == 201, filed.text
    dispute_id = filed.json()["dispute_id"]
    assert filed.json()["status"] == "open"
    assert filed.json()["reply"]
    assert_problem(http.post(f"/v1/agents/{A}/disputes", json=dispute,
                             headers=coach.as_agent(A)), 409)

    for headers in (coach.as_agent(A), other_lead, reviewer):
        assert_problem(http.get(f"/v1/teams/{TEAM}/disputes", headers=headers), 403)
        assert_problem(http.post(f"/v1/disputes/{dispute_id}/resolution", headers=headers,
                                 json={"outcome": "upheld"}), 403)
    queue = http.get(f"/v1/teams/{TEAM}/disputes?status=open", headers=lead).json()["disputes"]
    assert [d["dispute_id"] for d in queue] == [dispute_id]
    assert http.get(f"/v1/teams/{OTHER_TEAM}/disputes", headers=other_lead).json() == \
        {"disputes": []}

    before = http.get(f"/v1/agents/{A}/profile", headers=coach.as_agent(A)).json()
    old = target.dimensions["tone"].score
    assert old is not None
    assert old != 1.0
    resolved = http.post(f"/v1/disputes/{dispute_id}/resolution", headers=lead,
                         json={"outcome": "corrected", "score": 1.0, "note": "Agreed."})
    assert resolved.status_code == 200, resolved.text
    assert_problem(http.post(f"/v1/disputes/{dispute_id}/resolution", headers=lead,
                             json={"outcome": "upheld"}), 409)

    # The profile is the one the consumer would have built had the scorer said 1.0.
    fixed = [event if event is not target else score_event(
        A, 1, {**scores_for(1), "tone": 1.0}, at=target.message_at, channel=target.channel)
        for event in events if event.agent_id == A]
    expected = aggregate_scores(fixed, 30 * 86_400).stats[(A, "tone")]
    with coach.engine.connect() as connection:
        stored = load_profiles(connection, [A])[A]["tone"]
    for name in ("sum_w", "sum_wx", "sum_wxx", "anchor_s"):
        assert getattr(stored, name) == pytest.approx(getattr(expected, name), rel=1e-9)
    after = http.get(f"/v1/agents/{A}/profile", headers=coach.as_agent(A)).json()
    tone_of = {d["dimension"]: d["raw_mean"] for d in after["dimensions"]}
    assert tone_of["tone"] == pytest.approx(expected.mean)
    assert tone_of["tone"] > {d["dimension"]: d["raw_mean"]
                              for d in before["dimensions"]}["tone"]

    outcome = http.get(f"/v1/agents/{A}/disputes", headers=coach.as_agent(A)).json()
    assert [(d["status"], d["corrected_score"], d["resolution_note"])
            for d in outcome["disputes"]] == [("corrected", 1.0, "Agreed.")]
    assert_problem(http.get(f"/v1/agents/{A}/disputes", headers=coach.as_agent(B)), 403)
    for headers in (coach.as_agent(A), other_lead, reviewer):
        assert_problem(http.get(f"/v1/teams/{TEAM}/disputes/export", headers=headers), 403)
    assert http.get("/disputes", params={"token": token_of(lead)}).status_code == 403
    assert "corrected to 1" in http.get("/disputes",
                                        params={"token": token_of(coach.as_agent(A))}).text
    exported = http.get(f"/v1/teams/{TEAM}/disputes/export", headers=lead)
    path = tmp_path / "corrections.jsonl"
    path.write_text(exported.text, encoding="utf-8")
    [example] = load_human_labels([path])
    assert example.scores["tone"] == 1.0
    assert example.request.reply == interaction(target, 1).messages[1].body
    cli_file = tmp_path / "cli.jsonl"
    assert run_cli(["export-labels", "--disputes", "--team", TEAM, "--out", str(cli_file)],
                   settings=coach.settings) == 0
    assert cli_file.read_text(encoding="utf-8") == exported.text

    def texts() -> list[tuple[str, str | None]]:
        with coach.engine.connect() as connection:
            return sorted((row.role, row.agent_id) for row in connection.execute(
                sa.select(conversation_messages.c.role, conversation_messages.c.agent_id)
                .where(conversation_messages.c.conversation_key == live.conversation_key)))

    assert wait_until(lambda: len(texts()) == 2)
    assert texts() == [("agent", A), ("customer", A)]
