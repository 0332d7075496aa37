"""The drill page's data over HTTP: the whole brief, each step said for what it is, a reply's
line breaks kept, a note scored as context (not as the customer), feedback that explains itself."""

from __future__ import annotations

import pytest

from services.coach.domain.scenario_library import load_library
from tests.coach.conftest import CoachHarness, Scorer
from tests.coach.test_reflections_api import give_drill

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
SCENARIO = "api-sunset-extension-email"  # an email with a policy change after its first turn


def test_a_policy_change_is_a_note_and_replies_keep_their_paragraphs(
        coach: CoachHarness, scorer: Scorer) -> None:
    scenario = load_library().get(SCENARIO)
    drill = give_drill(coach, A, SCENARIO, slot=0)
    url = f"/v1/assignments/{drill}"
    practice = coach.client.get(url, headers=coach.as_agent(A)).json()["practice"]
    assert practice["channel_name"] == "email"
    assert practice["cultural_cues"] == list(scenario.cultural_cues)
    assert practice["stakes"] == scenario.stakes
    assert practice["customer_role"] == scenario.roles.customer
    assert practice["observer_focus"] == scenario.roles.observer
    assert practice["strong_example"] == scenario.examples.strong
    script = practice["script"]
    assert script[0]["text"].startswith("Subject: ")
    assert (script[0]["from_customer"], script[0]["label"]) == (True, "Customer")
    note = script[1]
    assert (note["kind"], note["from_customer"], note["label"]) == (
        "curveball", False, "Policy change")
    assert "not a customer message" in note["source"]
    assert note["prompt"] == "Your message to the customer about this"

    reply = "Hi Tomás,\n\nI can't extend v1 past the date.\n\nHere is what I will do today."
    first = coach.client.post(f"{url}/attempts", headers=coach.as_agent(A),
                              json={"turn": 0, "reply": reply})
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["reply"] == reply  # paragraphs kept
    assert body["feedback_move"]["framework"] == "NURSE"  # the stand-in's label, resolved
    assert body["feedback_move"]["framework_steps"].startswith("Name, Understand")
    assert body["target_meaning"]
    assert body["overall_meaning"]

    update = coach.client.post(f"{url}/attempts", headers=coach.as_agent(A), json={
        "turn": 1, "reply": "An update: v1 card endpoints now close on 17 March. I'll call you."})
    assert update.status_code == 201
    sent = scorer.received[-1]
    assert sent["customer"] == script[0]["text"]  # still answering the customer, not the note
    assert sent["history"] == [{"role": "customer", "text": script[0]["text"]},
                               {"role": "agent", "text": reply},
                               {"role": "system", "text": note["text"]}]
    stored = coach.client.get(url, headers=coach.as_agent(A)).json()["attempts"]
    assert [a["reply"] for a in sorted(stored, key=lambda a: a["turn"])] == [
        reply, update.json()["reply"]]
    assert all(a["feedback_move"] for a in stored)  # feedback of every turn, on every read
