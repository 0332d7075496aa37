"""Role-play sessions over HTTP on both databases: a lead starts one, roles rotate, the agent's
replies and the observers' ratings are kept, the debrief collects lines; and who may call what.

Every endpoint refuses a missing token (401), a token of someone not taking part or leading
another team (403) and an unknown session (404); the ones that change a session refuse the
wrong role (403) and a round or phase that has moved on (409).
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from services.coach.web.links import issue_staff_token
from shared.events.scores import DIMENSIONS
from tests.coach.conftest import LINK_SECRET, CoachHarness

pytestmark = pytest.mark.kafka

TEAM = "zendesk:10000001"
P1, P2, P3 = (f"{TEAM}:90200000000{i}" for i in (1, 2, 3))
OUTSIDER = f"{TEAM}:902000000009"  # same team, not taking part
STRANGER = "zendesk:20000002:902000000001"  # another team
SCENARIO = "card-frozen-abroad-chat"
RATINGS: dict[str, float | None] = dict.fromkeys(DIMENSIONS, None) | {
    "acknowledgment": 0.75, "next_steps": 1.0, "tone": 0.5}


def lead_of(coach: CoachHarness, team: str) -> dict[str, str]:
    token = issue_staff_token(f"{team}:900000000001", "lead", team, LINK_SECRET,
                              expires_at=coach.clock() + timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


def start(coach: CoachHarness, **overrides: Any) -> dict[str, Any]:
    body = {"scenario_id": SCENARIO, "participants": [P1, P2, P3], "rounds": 2} | overrides
    response = coach.client.post("/v1/roleplays", json=body, headers=lead_of(coach, TEAM))
    assert response.status_code == 201, response.text
    created: dict[str, Any] = response.json()
    return created


def test_a_three_person_roleplay_rotates_keeps_ratings_and_collects_a_debrief(
        coach: CoachHarness) -> None:
    session = start(coach)
    rid = session["roleplay_id"]
    base = f"/v1/roleplays/{rid}"
    assert session["round"] == 1
    assert session["round_count"] == 2
    assert session["phase"] == "playing"
    assert session["page_path"] == f"/roleplay/{rid}"
    assert session["timebox_minutes"] == 4
    assert session["remaining_seconds"] == 240
    assert [p["role"] for p in session["participants"]] == ["agent", "customer", "observer"]

    mine = coach.client.get(base, headers=coach.as_agent(P2)).json()
    assert mine["your_role"] == "customer"
    # Co-participants are "Participant n" to each other; each sees their own id only.
    assert [p["agent_id"] for p in mine["participants"]] == [None, P2, None]

    coach.clock.advance(timedelta(seconds=100))
    reply = coach.client.post(f"{base}/replies", headers=coach.as_agent(P1),
                              json={"round": 1, "text": "  Let's get you in. "})
    assert reply.status_code == 201
    assert reply.json() == {"round": 1, "turn": 1, "text": "Let's get you in."}
    state = coach.client.get(f"{base}/state", headers=coach.as_agent(P3)).json()
    assert state["remaining_seconds"] == 140
    assert [r["text"] for r in state["replies"]] == ["Let's get you in."]

    rated = coach.client.put(f"{base}/rounds/1/ratings",
                             json={"ratings": RATINGS, "note": "first line was the fix"},
                             headers=coach.as_agent(P3))
    assert rated.status_code == 200
    assert rated.json()["ratings"]["tone"] == 0.5
    view = coach.client.get(f"/roleplay/{rid}/view", headers=coach.as_agent(P3))
    assert view.status_code == 200
    assert "Your role card: Observer" in view.text
    assert 'value="0.75" selected' in view.text  # the saved rating is shown back

    moved = coach.client.post(f"{base}/advance", json={"from_round": 1},
                              headers=coach.as_agent(P2))
    assert moved.status_code == 200
    assert [p["role"] for p in moved.json()["participants"]] == ["customer", "observer", "agent"]
    assert moved.json()["remaining_seconds"] == 240  # the new round's timebox starts now
    again = coach.client.post(f"{base}/advance", json={"from_round": 1},
                              headers=coach.as_agent(P3))
    assert again.status_code == 409
    assert "someone moved the session on" in again.json()["detail"]
    # The observer of round 1 may still finish rating it; round 2's observer is P2.
    assert coach.client.put(f"{base}/rounds/1/ratings", json={"ratings": RATINGS},
                            headers=coach.as_agent(P3)).status_code == 200
    assert coach.client.put(f"{base}/rounds/2/ratings", json={"ratings": RATINGS},
                            headers=coach.as_agent(P3)).status_code == 403

    early = coach.client.put(f"{base}/debrief", json={"what_worked": "x"},
                             headers=coach.as_agent(P1))
    assert early.status_code == 409
    assert coach.client.post(f"{base}/advance", json={"from_round": 2},
                             headers=lead_of(coach, TEAM)).json()["phase"] == "debrief"
    saved = coach.client.put(f"{base}/debrief", headers=coach.as_agent(P1), json={
        "what_worked": "Putting the fix first.", "lines": ["Let's get you in.", "  ", "x"]})
    assert saved.status_code == 200
    assert saved.json()["debriefs"] == [{"position": 1, "what_worked": "Putting the fix first.",
                                         "lines": ["Let's get you in.", "x"]}]

    lines = coach.client.get(f"/v1/teams/{TEAM}/roleplay-lines", headers=lead_of(coach, TEAM))
    assert [(line["text"], line["agent_id"]) for line in lines.json()] == [
        ("Let's get you in.", P1), ("x", P1)]
    labels = coach.client.get(f"{base}/labels", headers=lead_of(coach, TEAM))
    assert labels.headers["content-type"].startswith("application/x-ndjson")
    records = [json.loads(line) for line in labels.text.splitlines()]
    assert [(r["id"], r["reply"], r["labels"]["next_steps"]) for r in records] == [
        (f"roleplay-{rid}-round-1", "Let's get you in.", 1.0)]
    listed = coach.client.get(f"/v1/agents/{P3}/roleplays", headers=coach.as_agent(P3))
    assert [s["roleplay_id"] for s in listed.json()["roleplays"]] == [rid]


def test_every_roleplay_endpoint_checks_who_is_calling(coach: CoachHarness) -> None:
    rid = start(coach)["roleplay_id"]
    base = f"/v1/roleplays/{rid}"
    outsider, stranger = coach.as_agent(OUTSIDER), coach.as_agent(STRANGER)
    other_lead, lead = lead_of(coach, "zendesk:20000002"), lead_of(coach, TEAM)
    rating = {"ratings": RATINGS}
    reads = [("GET", base, None), ("GET", f"{base}/state", None),
             ("GET", f"{base}/debrief", None), ("GET", f"/roleplay/{rid}/view", None)]
    writes = [("POST", f"{base}/advance", {"from_round": 1}),
              ("POST", f"{base}/replies", {"round": 1, "text": "hi"}),
              ("PUT", f"{base}/rounds/1/ratings", rating),
              ("PUT", f"{base}/debrief", {"what_worked": "x"})]
    lead_only = [("GET", f"{base}/labels", None),
                 ("GET", f"/v1/teams/{TEAM}/roleplay-lines", None)]
    create = ("POST", "/v1/roleplays", {"scenario_id": SCENARIO, "participants": [P1, P2, P3]})

    def call(method: str, path: str, body: Any, headers: dict[str, str] | None) -> int:
        response = coach.client.request(method, path, json=body, headers=headers or {})
        if response.status_code >= 400:
            assert response.headers["content-type"].startswith("application/problem+json")
        return response.status_code

    for method, path, body in [*reads, *writes, *lead_only, create,
                               ("GET", f"/v1/agents/{P1}/roleplays", None)]:
        assert call(method, path, body, None) == 401, path
    for method, path, body in [*reads, *writes, *lead_only]:
        for who in (outsider, stranger, other_lead):
            assert call(method, path, body, who) == 403, (path, who)
        if not path.startswith("/v1/teams"):
            unknown = path.replace(rid, "rp-unknown")
            assert call(method, unknown, body, coach.as_admin) == 404, unknown
    for method, path, body in reads:
        for who in (coach.as_agent(P1), lead, coach.as_admin):
            assert call(method, path, body, who) == 200, path
    for method, path, body in lead_only:
        assert call(method, path, body, coach.as_agent(P1)) == 403, path
        assert call(method, path, body, lead) == 200, path
    # Creating: a lead of the participants' team or the admin, never an agent.
    assert call(*create, coach.as_agent(P1)) == 403
    assert call(*create, other_lead) == 403
    assert call(*create, coach.as_admin) == 201
    # Someone else's list of sessions: only their lead and the admin.
    assert call("GET", f"/v1/agents/{P1}/roleplays", None, coach.as_agent(P2)) == 403
    assert call("GET", f"/v1/agents/{P1}/roleplays", None, other_lead) == 403
    assert call("GET", f"/v1/agents/{P1}/roleplays", None, lead) == 200
    # Round 1: P1 is the agent, P2 the customer, P3 observes. Each does only their part.
    assert call("POST", f"{base}/replies", {"round": 1, "text": "hi"}, coach.as_agent(P2)) == 403
    assert call("POST", f"{base}/replies", {"round": 1, "text": "hi"}, lead) == 403
    assert call("POST", f"{base}/replies", {"round": 2, "text": "hi"},
                coach.as_agent(P1)) == 409
    assert call("PUT", f"{base}/rounds/1/ratings", rating, coach.as_agent(P1)) == 403
    assert call("PUT", f"{base}/rounds/2/ratings", rating, coach.as_agent(P3)) == 409
    assert call("PUT", f"{base}/rounds/3/ratings", rating, coach.as_agent(P3)) == 404
    assert call("PUT", f"{base}/debrief", {"what_worked": "x"}, lead) == 403


@pytest.mark.parametrize(("body", "problem"), [
    ({"participants": [P1, P2]}, "at least 3"),
    ({"participants": [P1, P2, P2]}, "listed twice"),
    ({"participants": [P1, P2, STRANGER]}, "of one team"),
    ({"participants": [P1, P2, "agent-7"]}, "agent-7"),
    ({"scenario_id": "card-frozen"}, "did you mean card-frozen-abroad-chat"),
])
def test_a_session_needs_three_people_of_one_team_and_a_known_scenario(
        coach: CoachHarness, body: dict[str, Any], problem: str) -> None:
    request = {"scenario_id": SCENARIO, "participants": [P1, P2, P3]} | body
    response = coach.client.post("/v1/roleplays", json=request, headers=coach.as_admin)
    assert response.status_code == 422
    assert problem in json.dumps(response.json())


def test_ratings_must_cover_the_rubric_within_0_and_1_with_tone(coach: CoachHarness) -> None:
    rid = start(coach)["roleplay_id"]
    path = f"/v1/roleplays/{rid}/rounds/1/ratings"
    for ratings, problem in ((RATINGS | {"tone": None}, "tone always applies"),
                             ({"tone": 0.5}, "missing: acknowledgment"),
                             (RATINGS | {"apology": 1.5}, "between 0 and 1: apology")):
        response = coach.client.put(path, json={"ratings": ratings},
                                    headers=coach.as_agent(P3))
        assert response.status_code == 422
        assert problem in response.json()["detail"]
