"""Drills over HTTP: profile, assignments, scenarios, live-scored attempts, completion, page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from services.coach.app import create_app
from services.coach.domain.practice_script import script_steps
from shared.settings import KafkaSettings
from tests.coach.conftest import CoachHarness, Scorer, coach_settings
from tests.coach.factories import FixedClock, score_event, uniform_scores
from tests.coach.http_servers import closed_port_url

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


def assigned(coach: CoachHarness) -> list[dict[str, object]]:
    coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                       for i in range(12)]
                      + [score_event(B, i, uniform_scores(0.6)) for i in range(12)])
    run = coach.client.post("/v1/admin/assign?week=2026-W48", headers=coach.as_admin)
    assert run.status_code == 200
    listed = coach.client.get(f"/v1/agents/{A}/assignments", headers=coach.as_agent(A))
    return list(listed.json()["assignments"])


def test_the_profile_explains_the_focus_with_its_figures(coach: CoachHarness) -> None:
    assigned(coach)
    profile = coach.client.get(f"/v1/agents/{A}/profile", headers=coach.as_agent(A)).json()
    by_dim = {d["dimension"]: d for d in profile["dimensions"]}
    weak = by_dim["acknowledgment"]
    assert weak["scored_messages"] == 12
    assert weak["raw_mean"] == pytest.approx(0.15)
    assert weak["interval_low"] <= weak["estimate"] <= weak["interval_high"]
    assert 0.15 < weak["estimate"] < weak["team_mean"]  # shrunk a little towards the team
    focus = profile["focus"]
    assert focus["dimension"] == "acknowledgment"
    assert focus["evidence_count"] == 12
    assert focus["explanation"].startswith("Acknowledgment")
    assert profile["channels"] == ["chat"]
    assert profile["team_id"] == "zendesk:10000001"


def test_assignments_carry_scenario_target_status_and_reason(coach: CoachHarness) -> None:
    drills = assigned(coach)
    assert 1 <= len(drills) <= 3
    for drill in drills:
        assert drill["target_dimension"] == "acknowledgment"
        assert drill["status"] == "assigned"
        assert drill["week"] == "2026-W48"
        reason = drill["reason"]
        assert isinstance(reason, dict)
        assert reason["evidence_count"] == 12
        assert "lowest skill" in reason["explanation"]
        scenario = coach.client.get(f"/v1/scenarios/{drill['scenario_id']}",
                                    headers=coach.as_agent(A)).json()
        assert "acknowledgment" in scenario["dimensions"]
        assert scenario["channel"] == "chat"
    again = coach.client.post("/v1/admin/assign?week=2026-W48", headers=coach.as_admin).json()
    assert again["assignments_created"] == 0  # the week is planned already


def test_scenarios_can_be_listed_filtered_and_fetched(coach: CoachHarness) -> None:
    listed = coach.client.get("/v1/scenarios?dimension=boundaries",
                              headers=coach.as_agent(A)).json()
    assert listed
    assert all("boundaries" in s["dimensions"] for s in listed)
    missing = coach.client.get("/v1/scenarios/no-such-scenario", headers=coach.as_agent(A))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


def test_a_practice_reply_is_scored_live_with_its_history(coach: CoachHarness,
                                                           scorer: Scorer) -> None:
    drill = assigned(coach)[0]
    url = f"/v1/assignments/{drill['assignment_id']}"
    detail = coach.client.get(url, headers=coach.as_agent(A)).json()
    script = detail["practice"]["script"]
    first_line = script[0]["text"]
    specific = " ".join(re.findall(r"[A-Za-z0-9$.']{4,}", first_line)[:4])
    first = coach.client.post(f"{url}/attempts", headers=coach.as_agent(A),
                              json={"turn": 0, "reply": f"I hear you: {specific}. I'll fix it."})
    assert first.status_code == 201
    body = first.json()
    assert body["target_dimension"] == "acknowledgment"
    assert body["target_score"] == body["scores"]["acknowledgment"] > 0.5
    assert body["feedback"]
    assert body["model_version"] == "stand-in-1"
    vague = coach.client.post(f"{url}/attempts", headers=coach.as_agent(A),
                              json={"turn": 1, "reply": "We apologise for any inconvenience."})
    assert vague.json()["target_score"] < 0.5
    assert "Mention what the customer told you" in vague.json()["feedback"]
    sent = scorer.received[-1]
    assert sent["customer"] == script[1]["text"]
    assert sent["history"] == [{"role": "customer", "text": first_line},
                               {"role": "agent", "text": f"I hear you: {specific}. I'll fix it."}]
    assert coach.client.get(url, headers=coach.as_agent(A)).json()["status"] == "in_progress"


def test_completing_a_drill_records_its_practice_score_once(coach: CoachHarness) -> None:
    drill = assigned(coach)[0]
    url = f"/v1/assignments/{drill['assignment_id']}"
    coach.client.post(f"{url}/attempts", headers=coach.as_agent(A),
                      json={"turn": 0, "reply": "Sorry, that is not great."})
    done = coach.client.post(f"{url}/complete", headers=coach.as_agent(A))
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert done.json()["practice_score"] is not None
    again = coach.client.post(f"{url}/complete", headers=coach.as_agent(A))
    assert again.json()["completed_at"] == done.json()["completed_at"]
    late = coach.client.post(f"{url}/attempts", headers=coach.as_agent(A),
                             json={"turn": 0, "reply": "One more try"})
    assert late.status_code == 409
    coach.clock.advance(timedelta(weeks=1))
    statuses = {d["assignment_id"]: d["status"] for d in coach.client.get(
        f"/v1/agents/{A}/assignments", headers=coach.as_agent(A)).json()["assignments"]}
    assert statuses.pop(drill["assignment_id"]) == "completed"
    assert set(statuses.values()) == {"expired"}  # last week's unfinished drills


def test_bad_attempts_are_refused_with_problems(coach: CoachHarness) -> None:
    drill = assigned(coach)[0]
    url = f"/v1/assignments/{drill['assignment_id']}/attempts"
    too_far = coach.client.post(url, headers=coach.as_agent(A), json={"turn": 99, "reply": "x"})
    blank = coach.client.post(url, headers=coach.as_agent(A), json={"turn": 0, "reply": "   "})
    unknown = coach.client.post("/v1/assignments/asg_nope/attempts", headers=coach.as_agent(A),
                                json={"turn": 0, "reply": "hi"})
    # The schema says integer: false is not turn 0 (schemathesis found it accepted).
    boolean = coach.client.post(url, headers=coach.as_agent(A), json={"turn": False,
                                                                       "reply": "hi"})
    assert (too_far.status_code, blank.status_code, unknown.status_code,
            boolean.status_code) == (422, 422, 404, 422)


def test_a_scorer_that_is_down_gives_a_503_and_stores_nothing(
        kafka_settings: KafkaSettings, database_url: str, clock: FixedClock) -> None:
    settings = coach_settings(kafka_settings, database_url, scorer_url=closed_port_url())
    with TestClient(create_app(settings, clock=clock)) as client:
        coach = CoachHarness(client, client.app, settings, clock)  # type: ignore[arg-type]
        drill = assigned(coach)[0]
        url = f"/v1/assignments/{drill['assignment_id']}"
        response = client.post(f"{url}/attempts", headers=coach.as_agent(A),
                               json={"turn": 0, "reply": "I'm on it."})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert int(response.headers["retry-after"]) > 0
        detail = client.get(url, headers=coach.as_agent(A)).json()
        assert detail["attempts"] == []
        assert detail["status"] == "assigned"


def test_the_practice_page_is_self_contained_and_accessible(coach: CoachHarness) -> None:
    drill = assigned(coach)[0]
    page = coach.client.get(f"/practice/{drill['assignment_id']}",
                            params={"token": coach.token(A)})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert 'aria-live="polite"' in html
    assert '<label for="reply"' in html
    assert "http://" not in html
    assert "https://" not in html
    nonce = re.search(r"'nonce-([^']+)'", page.headers["content-security-policy"])
    assert nonce
    assert f'<script nonce="{nonce.group(1)}">' in html
    assert page.headers["referrer-policy"] == "no-referrer"
    assert f'data-assignment-id="{drill["assignment_id"]}"' in html
    assert coach.client.get(f"/practice/{drill['assignment_id']}",
                            params={"token": coach.token(B)}).status_code == 403
    assert coach.client.get(f"/practice/{drill['assignment_id']}",
                            params={"token": "forged.token"}).status_code == 401
    assert coach.client.get("/practice", params={"token": coach.token(A)}).status_code == 200


def test_the_script_lands_the_curveball_after_its_turn(coach: CoachHarness) -> None:
    with_curveball = [s for s in coach.context.library.all() if s.curveball is not None]
    scenario = with_curveball[0]
    steps = script_steps(scenario)
    assert scenario.curveball is not None
    assert steps[scenario.curveball.after_turn].kind == "curveball"
    assert [s.text for s in steps if s.kind == "customer"] == list(scenario.customer_turns)
    assert 0 < scenario.curveball.after_turn < len(steps) - 1


def test_openapi_documents_response_models_and_metrics_have_no_agent_ids(
        coach: CoachHarness) -> None:
    assigned(coach)
    spec = coach.client.get("/openapi.json").json()
    schema = spec["components"]["schemas"]["AssignmentOut"]["properties"]
    assert {"scenario_id", "target_dimension", "status", "reason"} <= set(schema)
    attempts = spec["paths"]["/v1/assignments/{assignment_id}/attempts"]["post"]["responses"]
    assert {"201", "401", "403", "503"} <= set(attempts)
    metrics = coach.client.get("/metrics").text
    assert 'rapport_coach_assignments_total{dimension="acknowledgment"}' in metrics
    assert "rapport_coach_decision_duration_seconds_bucket" in metrics
    assert "rapport_coach_consumer_lag" in metrics
    assert "902000000001" not in metrics
    assert "zendesk:" not in metrics
