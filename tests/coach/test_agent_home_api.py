"""The agent home's API on a running coach (real Kafka, SQLite and PostgreSQL): the focus with
its reason and the agent's own quoted sentences, weekly scores, what changed since last week,
picking a drill when none waits, past practice with reflections; and nobody else's home."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import timedelta
from typing import Any

import pytest

from services.coach.store import assignment_store
from services.coach.store.evidence_quotes import KEPT_PER_DIMENSION, load_quotes
from shared.events.scores import DIMENSIONS, DimensionResult, ScoreEvent
from tests.coach.conftest import CoachHarness
from tests.coach.factories import NOW, score_event, uniform_scores

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"
C = "zendesk:10000001:902000000003"  # only a few scored replies: no focus yet
PER_WEEK = 6
# Acknowledgment grows week by week; tone dips in the latest week; the rest hold at 75%.
ACK_MEANS = {"2026-W46": 0.2, "2026-W47": 0.3}
W48_ACK = [0.35 + 0.04 * i for i in range(PER_WEEK)]  # mean 0.45
WEEK_STARTS = {"2026-W46": NOW - timedelta(days=14), "2026-W47": NOW - timedelta(days=7),
               "2026-W48": NOW - timedelta(hours=2)}


def ack_sentence(week: str, index: int) -> str:
    return f"Week {week[-2:]} reply {index}: thanks for your patience with the order."


def with_evidence(event: ScoreEvent, evidence: dict[str, tuple[str, ...]]) -> ScoreEvent:
    dims = {dim: DimensionResult(score=result.score, evidence=evidence.get(dim, ()))
            for dim, result in event.dimensions.items()}
    return event.model_copy(update={"dimensions": dims})


def agent_a_events() -> list[ScoreEvent]:
    events: list[ScoreEvent] = []
    for week, start in WEEK_STARTS.items():
        for i in range(PER_WEEK):
            ack = W48_ACK[i] if week == "2026-W48" else ACK_MEANS[week]
            tone = 0.6 if week == "2026-W48" else 0.75
            event = score_event(A, len(events), uniform_scores(0.75, acknowledgment=ack,
                                                                 tone=tone),
                                at=start + timedelta(minutes=i))
            events.append(with_evidence(event, {"acknowledgment": (ack_sentence(week, i),),
                                                "tone": ("Happy to help.",)}))
    return events


def seed(coach: CoachHarness) -> list[ScoreEvent]:
    events = agent_a_events()
    coach.seed_scores(events + [score_event(B, i, uniform_scores(0.6)) for i in range(12)]
                      + [score_event(C, i, uniform_scores(0.6)) for i in range(3)])
    return events


def home(coach: CoachHarness, agent_id: str) -> dict[str, Any]:
    response = coach.client.get(f"/v1/agents/{agent_id}/home", headers=coach.as_agent(agent_id))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def assert_problem(response: Any, status: int, detail: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert detail in response.json()["detail"]


def test_the_home_shows_an_agent_their_own_progress_and_lets_them_pick_a_drill(
        coach: CoachHarness) -> None:
    events = seed(coach)
    mine = home(coach, A)
    assert mine["week"] == "2026-W48"
    assert mine["greeting"] == "Welcome to your practice space"
    focus = mine["focus"]
    assert focus["dimension"] == "acknowledgment"
    assert "acknowledgment has the most room to grow" in focus["reason"]
    assert "Your current level is " in focus["reason"]
    assert "(naming the customer's situation or feeling specifically)" in focus["reason"]
    # The lowest-scored three of the newest quotes kept, newest first: the agent's own words.
    assert [q["sentences"] for q in focus["evidence"]] == [
        [ack_sentence("2026-W48", i)] for i in (3, 2, 1)]
    assert [q["score"] for q in focus["evidence"]] == pytest.approx([W48_ACK[i] for i in (3, 2, 1)])
    assert [q["verdict"] for q in focus["evidence"]] == ["room to grow"] * 3

    series = {s["dimension"]: s for s in mine["series"]}
    assert sorted(series) == sorted(DIMENSIONS)
    ack = series["acknowledgment"]["points"]
    assert [p["week"] for p in ack] == list(WEEK_STARTS)
    assert [p["mean"] for p in ack] == pytest.approx([0.2, 0.3, 0.45])
    assert [p["scored_count"] for p in ack] == [PER_WEEK] * 3
    assert mine["compared_weeks"] == ["2026-W47", "2026-W48"]
    changes = {c["dimension"]: c for c in mine["changes"] if c["kind"] == "skill"}
    assert changes["acknowledgment"]["direction"] == "up"
    assert changes["acknowledgment"]["text"].startswith(
        "Acknowledgment grew from 30% last week to 45% this week")
    assert changes["tone"]["direction"] == "down"
    assert changes["ownership"]["direction"] == "steady"
    assert (mine["drills"], mine["history"]) == ([], [])
    assert mine["can_choose"] is True
    library = coach.context.library
    trains_focus = {s.id for s in library.by_dimension("acknowledgment")}
    assert {c["scenario_id"] for c in mine["choices"]} == trains_focus
    assert {c["dimension"] for c in mine["choices"]} == {"acknowledgment"}

    chart = coach.client.get(f"/v1/agents/{A}/score-chart.svg", headers=coach.as_agent(A))
    assert chart.status_code == 200
    assert chart.headers["content-type"] == "image/svg+xml"
    root = ET.fromstring(chart.text)
    drawn = [g.get("data-dimension", "") for g in root.iter("{http://www.w3.org/2000/svg}g")
             if g.get("class") == "series"]
    assert sorted(drawn) == sorted(DIMENSIONS)

    # Picking: only the week's focus, only a real scenario, then one drill at a time.
    other_skill = next(s for s in library.all() if "acknowledgment" not in s.dimensions)
    path, as_a = f"/v1/agents/{A}/drills", coach.as_agent(A)
    assert_problem(coach.client.post(path, headers=as_a, json={
        "scenario_id": other_skill.id, "dimension": other_skill.dimensions[0]}), 422,
        "this week's focus is acknowledgment")
    assert_problem(coach.client.post(path, headers=as_a, json={"scenario_id": other_skill.id}),
                   422, f"scenario '{other_skill.id}' does not train acknowledgment")
    assert_problem(coach.client.post(path, headers=as_a, json={"scenario_id": "no-such-drill"}),
                   422, "no scenario with id 'no-such-drill'")
    chosen = mine["choices"][0]
    created = coach.client.post(path, headers=as_a, json={"scenario_id": chosen["scenario_id"]})
    assert created.status_code == 201, created.text
    drill = created.json()
    assert (drill["assignment_id"], drill["status"], drill["target_dimension"]) == (
        f"asg_2026-W48_{A}_1", "assigned", "acknowledgment")
    with coach.engine.connect() as connection:  # through the outbox onto the topic
        assert assignment_store.unpublished(connection) == []
    assert_problem(coach.client.post(path, headers=as_a, json={
        "scenario_id": mine["choices"][-1]["scenario_id"]}), 409, "drills waiting")

    # The policy fills the rest of the week around it, on the same focus.
    assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
    after = home(coach, A)
    assert (after["can_choose"], after["choices"]) == (False, [])
    drills = {d["assignment_id"]: d for d in after["drills"]}
    picked = drills.pop(drill["assignment_id"])
    assert picked["self_chosen"] is True
    assert picked["why"] == ("You picked this one yourself to practise acknowledgment. "
                             "Great initiative.")
    assert picked["timebox_minutes"] == library.get(chosen["scenario_id"]).timebox_minutes
    assert drills, "the policy should add this week's remaining drills"
    for planned in drills.values():
        assert planned["self_chosen"] is False
        assert planned["why"].startswith("It trains acknowledgment, your focus this week: ")
        scenario = library.get(_scenario_of(coach, planned["assignment_id"]))
        assert planned["timebox_minutes"] == scenario.timebox_minutes

    # Practise and complete it, reflect: it moves into the history with the answers.
    drill_path = f"/v1/assignments/{drill['assignment_id']}"
    assert coach.client.post(f"{drill_path}/attempts", headers=as_a, json={
        "turn": 0, "reply": "I hear you, I'll sort the order by 5pm."}).status_code == 201
    assert coach.client.post(f"{drill_path}/complete", headers=as_a).status_code == 200
    saved = coach.client.put(f"{drill_path}/reflections", headers=as_a, json={
        "answers": [{"question_index": 0, "answer": "Name the delay before the fix."}]})
    assert saved.status_code == 200, saved.text
    done = home(coach, A)
    assert done["greeting"] == "Welcome back"
    assert done["encouragement"] == "You have completed 1 drill so far. Every one counts."
    [past] = done["history"]
    assert past["assignment_id"] == drill["assignment_id"]
    assert past["practice_score"] is not None
    assert [(r["question"], r["answer"]) for r in past["reflections"]] == [
        (library.get(chosen["scenario_id"]).reflection_questions[0],
         "Name the delay before the fix.")]
    practice = next(c for c in done["changes"] if c["kind"] == "practice")
    assert practice["text"] == "You completed 1 drill this week (last week: 0). Every drill counts."

    # A replayed batch changes nothing; the quotes stay bounded.
    coach.seed_scores(events)
    assert home(coach, A)["series"] == done["series"]
    with coach.engine.connect() as connection:
        assert len(load_quotes(connection, A, "acknowledgment")) == KEPT_PER_DIMENSION


def _scenario_of(coach: CoachHarness, assignment_id: str) -> str:
    with coach.engine.connect() as connection:
        record = assignment_store.get_assignment(connection, assignment_id)
    assert record is not None
    return record.scenario_id


def test_before_a_focus_exists_the_agent_picks_from_every_skill(coach: CoachHarness) -> None:
    seed(coach)
    theirs = home(coach, C)
    assert theirs["focus"] is None
    assert "once enough of your replies are scored" in theirs["focus_note"]
    assert len({c["dimension"] for c in theirs["choices"]}) >= 4
    choice = next(c for c in theirs["choices"] if c["dimension"] == "tone")
    created = coach.client.post(f"/v1/agents/{C}/drills", headers=coach.as_agent(C),
                                json={"scenario_id": choice["scenario_id"], "dimension": "tone"})
    assert created.status_code == 201, created.text
    assert created.json()["target_dimension"] == "tone"
    assert home(coach, C)["drills"][0]["self_chosen"] is True


def test_another_agents_token_cannot_read_or_change_this_agents_home(
        coach: CoachHarness) -> None:
    seed(coach)
    as_b = coach.as_agent(B)
    for path in (f"/v1/agents/{A}/home", f"/v1/agents/{A}/score-chart.svg"):
        assert_problem(coach.client.get(path, headers=as_b), 403,
                       "this token belongs to another agent")
        assert_problem(coach.client.get(path), 401, "Authorization")
        assert coach.client.get(path, headers=coach.as_admin).status_code == 200
    choice = home(coach, A)["choices"][0]["scenario_id"]
    assert_problem(coach.client.post(f"/v1/agents/{A}/drills", headers=as_b,
                                     json={"scenario_id": choice}), 403,
                   "this token belongs to another agent")
    assert home(coach, A)["drills"] == []  # nothing was created for A
    leaked = coach.client.get(f"/v1/agents/{B}/home", headers=as_b).text
    assert ack_sentence("2026-W48", 3) not in leaked  # B's own home holds nothing of A's
    assert A not in leaked
    assert_problem(coach.client.get("/v1/agents/not-an-agent/home", headers=coach.as_admin),
                   422, "")
