"""Reflection answers over HTTP: saved per question, replaced when answered again, readable by
the agent (and the admin), writable only by the agent, and listed newest first for the home
page's history (``reflection_store.list_reflections``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.coach.domain.policy import PlannedAssignment
from services.coach.store import assignment_store
from services.coach.store.reflection_store import list_reflections
from shared.events.assignments import AssignmentReason
from tests.coach.conftest import CoachHarness

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


def give_drill(coach: CoachHarness, agent_id: str, scenario_id: str, *, slot: int) -> str:
    """An assignment of one named scenario, as the weekly plan would store it."""
    assignment_id = f"asg-{agent_id.rsplit(':', 1)[1]}-{slot}"
    reason = AssignmentReason(dimension="acknowledgment", estimate=0.3, interval_low=0.2,
                              interval_high=0.4, evidence_count=12, team_mean=0.6,
                              explanation="Acknowledgment is your focus this week.")
    planned = PlannedAssignment(assignment_id=assignment_id, agent_id=agent_id,
                                scenario_id=scenario_id, target_dimension="acknowledgment",
                                week="2026-W48", slot=slot, difficulty=3, reason=reason)
    with coach.engine.begin() as connection:
        assert assignment_store.insert_planned(connection, [planned], coach.clock()) == [
            assignment_id]
    return assignment_id


def test_reflections_are_saved_replaced_listed_and_kept_private(coach: CoachHarness) -> None:
    first = give_drill(coach, A, "wedding-dress-delayed-email", slot=0)
    second = give_drill(coach, A, "billing-double-charge-chat", slot=1)
    theirs = give_drill(coach, B, "billing-double-charge-chat", slot=0)
    questions = coach.client.get(f"/v1/assignments/{first}", headers=coach.as_agent(A)).json()[
        "practice"]["reflection_questions"]
    url = f"/v1/assignments/{first}/reflections"
    assert coach.client.get(url, headers=coach.as_agent(A)).json() == {
        "assignment_id": first, "reflections": []}

    answer = "It sounded like a tracking number.\n\nNext time: her name and the date first."
    saved = coach.client.put(url, headers=coach.as_agent(A), json={"answers": [
        {"question_index": 1, "answer": "The plan B, redone for 10 May."},
        {"question_index": 0, "answer": f"  {answer}  "}]})
    assert saved.status_code == 200, saved.text
    listed = saved.json()["reflections"]
    assert [(r["question_index"], r["question"], r["answer"]) for r in listed] == [
        (0, questions[0], answer), (1, questions[1], "The plan B, redone for 10 May.")]

    coach.clock.advance(timedelta(hours=1))
    again = coach.client.put(url, headers=coach.as_agent(A), json={"answers": [
        {"question_index": 1, "answer": "Every date moved: courier, fitting, plan B."}]}).json()
    assert [r["answer"] for r in again["reflections"]] == [
        answer, "Every date moved: courier, fitting, plan B."]  # replaced, not added
    coach.clock.advance(timedelta(hours=1))
    coach.client.put(f"/v1/assignments/{second}/reflections", headers=coach.as_agent(A),
                     json={"answers": [{"question_index": 0, "answer": "The $412.60."}]})
    coach.client.put(f"/v1/assignments/{theirs}/reflections", headers=coach.as_agent(B),
                     json={"answers": [{"question_index": 0, "answer": "B's own answer."}]})

    with coach.engine.connect() as connection:
        history = list_reflections(connection, A)
    assert [(r.assignment_id, r.question_index) for r in history] == [
        (second, 0), (first, 1), (first, 0)]  # newest first
    assert history[0].scenario_id == "billing-double-charge-chat"
    assert history[1].created_at - history[2].created_at == timedelta(hours=1)
    assert "B's own answer." not in {r.answer for r in history}

    # Another agent neither reads nor writes them; the admin reads but does not write.
    assert coach.client.get(url, headers=coach.as_agent(B)).status_code == 403
    forbidden = coach.client.put(url, headers=coach.as_agent(B), json={"answers": [
        {"question_index": 0, "answer": "not mine"}]})
    assert forbidden.status_code == 403
    assert coach.client.get(url, headers=coach.as_admin).status_code == 200
    by_admin = coach.client.put(url, headers=coach.as_admin, json={"answers": [
        {"question_index": 0, "answer": "written for them"}]})
    assert by_admin.status_code == 403
    assert "agent's own" in by_admin.json()["detail"]


def test_bad_reflections_are_refused_with_problems_that_name_the_fault(
        coach: CoachHarness) -> None:
    drill = give_drill(coach, A, "wedding-dress-delayed-email", slot=0)
    url = f"/v1/assignments/{drill}/reflections"

    def put(body: object) -> tuple[int, str]:
        response = coach.client.put(url, headers=coach.as_agent(A), json=body)
        assert response.headers["content-type"] == "application/problem+json"
        return response.status_code, response.json()["detail"]

    status, detail = put({"answers": [{"question_index": 7, "answer": "hm"}]})
    assert status == 422
    assert "question_index [7] does not exist" in detail
    assert "2 reflection questions" in detail
    status, detail = put({"answers": [{"question_index": 0, "answer": "a"},
                                      {"question_index": 0, "answer": "b"}]})
    assert (status, "once per request" in detail) == (422, True)
    assert put({"answers": [{"question_index": 0, "answer": "   "}]})[0] == 422
    assert put({"answers": []})[0] == 422
    assert put({"answers": [{"question_index": False, "answer": "x"}]})[0] == 422
    missing = coach.client.put("/v1/assignments/asg_nope/reflections", headers=coach.as_agent(A),
                               json={"answers": [{"question_index": 0, "answer": "x"}]})
    assert missing.status_code == 404
    assert coach.client.get(url).status_code == 401
    assert coach.client.get(url, headers=coach.as_agent(A)).json()["reflections"] == []
