"""Bearer tokens: agents see only their own data, the admin sees all, bad tokens get a 401."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.coach.web.links import issue_token
from tests.coach.conftest import CoachHarness
from tests.coach.factories import score_event, uniform_scores

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


def seed_team(coach: CoachHarness) -> None:
    coach.seed_scores([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15))
                       for i in range(12)]
                      + [score_event(B, i, uniform_scores(0.6)) for i in range(12)])


def assert_problem(response: Any, status: int) -> None:  # a TestClient response
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == status


def test_agents_read_their_own_data_and_not_each_others(coach: CoachHarness) -> None:
    seed_team(coach)
    own = coach.client.get(f"/v1/agents/{A}/profile", headers=coach.as_agent(A))
    assert own.status_code == 200
    assert own.json()["focus"]["dimension"] == "acknowledgment"
    for path in (f"/v1/agents/{B}/profile", f"/v1/agents/{B}/assignments"):
        assert_problem(coach.client.get(path, headers=coach.as_agent(A)), 403)
    assert coach.client.get(f"/v1/agents/{B}/profile", headers=coach.as_admin).status_code == 200


def test_an_agent_cannot_touch_another_agents_assignment(coach: CoachHarness) -> None:
    seed_team(coach)
    assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
    mine = coach.client.get(f"/v1/agents/{A}/assignments", headers=coach.as_agent(A)).json()
    assignment_id = mine["assignments"][0]["assignment_id"]
    other = coach.as_agent(B)
    assert_problem(coach.client.get(f"/v1/assignments/{assignment_id}", headers=other), 403)
    assert_problem(coach.client.post(f"/v1/assignments/{assignment_id}/attempts", headers=other,
                                     json={"turn": 0, "reply": "hello"}), 403)
    assert_problem(coach.client.post(f"/v1/assignments/{assignment_id}/complete",
                                     headers=other), 403)
    assert coach.client.get(f"/v1/assignments/{assignment_id}",
                            headers=coach.as_admin).status_code == 200


@pytest.mark.parametrize("case", ["missing", "expired", "tampered", "other-secret", "garbage"])
def test_bad_tokens_are_refused_with_401(coach: CoachHarness, case: str) -> None:
    good = coach.token(A)
    payload, signature = good.split(".")
    tokens = {
        "expired": coach.token(A, ttl=timedelta(seconds=-1)),
        # The payload re-signed for agent B by someone without the secret.
        "tampered": coach.token(B).split(".")[0] + "." + signature,
        "other-secret": issue_token(A, "another-secret-entirely", expires_at=coach.clock()
                                    + timedelta(hours=1)),
        "garbage": "not-a-token",
    }
    headers = {} if case == "missing" else {"Authorization": f"Bearer {tokens[case]}"}
    response = coach.client.get(f"/v1/agents/{A}/profile", headers=headers)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"].startswith("Bearer")
    if case == "expired":
        assert "expired" in response.json()["detail"]


def test_a_token_expires_while_the_clock_moves_on(coach: CoachHarness) -> None:
    headers = {"Authorization": f"Bearer {coach.token(A, ttl=timedelta(hours=2))}"}
    assert coach.client.get(f"/v1/agents/{A}/assignments", headers=headers).status_code == 200
    coach.clock.advance(timedelta(hours=2))
    assert_problem(coach.client.get(f"/v1/agents/{A}/assignments", headers=headers), 401)


def test_only_the_admin_may_run_the_assignment_for_everyone(coach: CoachHarness) -> None:
    assert_problem(coach.client.post("/v1/admin/assign", headers=coach.as_agent(A)), 403)
    assert_problem(coach.client.post("/v1/admin/assign?week=2026-48",
                                     headers=coach.as_admin), 422)


def test_the_admin_summary_lists_agents_with_their_focus_and_drills(coach: CoachHarness) -> None:
    seed_team(coach)
    assert_problem(coach.client.get("/v1/admin/summary", headers=coach.as_agent(A)), 403)
    assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
    summary = coach.client.get("/v1/admin/summary", headers=coach.as_admin).json()
    assert summary["score_events_applied"] == 24
    agents = {agent["agent_id"]: agent for agent in summary["agents"]}
    assert set(agents) == {A, B}
    assert agents[A]["scored_messages"] == 12
    assert agents[A]["focus_dimension"] == "acknowledgment"
    assert agents[A]["drills"]
    assert summary["assignments_this_week"] == sum(len(a["drills"]) for a in agents.values())
