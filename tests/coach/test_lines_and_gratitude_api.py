"""Best lines and the gratitude spotlight through the API, on SQLite and PostgreSQL.

Every new endpoint is called by each kind of caller: the agent themself, another agent of the
same team, an agent of another team, the team's lead, another team's lead, a reviewer and the
admin; each boundary answers 403 (or 401 without a token), and what is allowed works.
"""

from __future__ import annotations

import pytest

from services.coach.store.erasure import erasure_steps
from services.coach.store.lines_tables import gratitude, shared_lines
from shared.erasure import Person, erase
from tests.coach.conftest import CoachHarness
from tests.coach.lines_samples import (
    A_LINE,
    HIGH_COMMENT,
    LEAD,
    LOW_COMMENT,
    OTHER_LEAD,
    OTHER_TEAM,
    TEAM,
    WARM_THANKS,
    A,
    B,
    C,
    count_rows,
    score_events,
    seed_texts_and_praise,
    staff_headers,
)

pytestmark = pytest.mark.kafka


def seed(coach: CoachHarness) -> None:
    coach.seed_scores(score_events())
    seed_texts_and_praise(coach.engine)


def test_an_agent_shares_lines_and_the_lead_decides_within_their_team_only(
        coach: CoachHarness) -> None:
    seed(coach)
    client, as_a, as_b, as_c = coach.client, coach.as_agent(A), coach.as_agent(B), \
        coach.as_agent(C)
    lead, other_lead = staff_headers(LEAD, TEAM), staff_headers(OTHER_LEAD, OTHER_TEAM)
    reviewer = staff_headers("zendesk:1:rev-1", TEAM, role="reviewer")

    # Candidates: A's own high-scoring reply, with the skills it scored high on.
    candidates = client.get(f"/v1/agents/{A}/reply-candidates", headers=as_a).json()
    [reply] = candidates["replies"]
    assert reply["message_id"] == "zendesk:1:c1:m1"
    assert reply["high_scores"] == {"acknowledgment": 0.9, "next_steps": 0.85}
    assert client.get(f"/v1/agents/{B}/reply-candidates", headers=as_b).json()["replies"] == []
    for headers in (as_b, lead, reviewer):
        assert client.get(f"/v1/agents/{A}/reply-candidates",
                          headers=headers).status_code == 403

    # Lines named in role-play debriefs: the agent's own list only (none yet).
    assert client.get(f"/v1/agents/{A}/debrief-lines", headers=as_a).json()["lines"] == []
    for headers in (as_b, lead, reviewer):
        assert client.get(f"/v1/agents/{A}/debrief-lines", headers=headers).status_code == 403

    share = {"dimension": "acknowledgment", "emotion": "fear", "channel": "email",
             "source": "reply", "message_id": reply["message_id"]}
    # The line must be words of that reply, for a skill it scored high on.
    refused = client.post(f"/v1/agents/{A}/lines", headers=as_a,
                          json={**share, "text": "Something I never wrote in it."})
    assert refused.status_code == 422
    assert "words of that reply" in refused.json()["detail"]
    refused = client.post(f"/v1/agents/{A}/lines", headers=as_a,
                          json={**share, "text": A_LINE, "dimension": "apology"})
    assert refused.status_code == 422
    assert "acknowledgment, next_steps" in refused.json()["detail"]
    # Nobody shares in someone else's name, nor a reply that is not theirs.
    assert client.post(f"/v1/agents/{A}/lines", headers=as_b,
                       json={**share, "text": A_LINE}).status_code == 403
    assert client.post(f"/v1/agents/{B}/lines", headers=as_b,
                       json={**share, "text": A_LINE}).status_code == 422
    assert client.post(f"/v1/agents/{A}/lines", json={**share, "text": A_LINE}).status_code \
        == 401

    from_reply = client.post(f"/v1/agents/{A}/lines", headers=as_a,
                             json={**share, "text": A_LINE})
    assert from_reply.status_code == 201, from_reply.text
    assert from_reply.json()["channel"] == "chat"  # the reply's channel, not the one sent
    assert from_reply.json()["status"] == "pending"
    assert client.post(f"/v1/agents/{A}/lines", headers=as_a,
                       json={**share, "text": A_LINE}).status_code == 409
    # A debrief line is typed freely, and redacted as ingest redacts deliveries.
    debrief = client.post(f"/v1/agents/{A}/lines", headers=as_a, json={
        "text": "I will call you back on +44 20 7946 0958 or write to dana@example.com today.",
        "dimension": "next_steps", "emotion": "anger", "channel": "voice",
        "source": "debrief"})
    assert debrief.status_code == 201, debrief.text
    assert debrief.json()["text"] == "I will call you back on [PHONE] or write to [EMAIL] today."
    assert debrief.json()["redacted"] == 2
    assert client.post(f"/v1/agents/{A}/lines", headers=as_a, json={
        "text": "A debrief line with a reply id", "dimension": "tone", "emotion": "neutral",
        "channel": "chat", "source": "debrief",
        "message_id": "zendesk:1:c1:m1"}).status_code == 422

    # The queue: the team's lead (and the admin) only.
    queue = client.get(f"/v1/teams/{TEAM}/lines", headers=lead).json()["lines"]
    assert [line["agent_id"] for line in queue] == [A, A]
    assert client.get(f"/v1/teams/{TEAM}/lines", headers=coach.as_admin).status_code == 200
    for headers in (as_a, other_lead, reviewer):
        assert client.get(f"/v1/teams/{TEAM}/lines", headers=headers).status_code == 403
    assert client.get("/v1/teams/not-a-team/lines", headers=lead).status_code == 422

    line_ids = {line["text"]: line["line_id"] for line in queue}
    approve, reject = line_ids[A_LINE], line_ids[debrief.json()["text"]]
    for headers in (as_a, other_lead, reviewer):
        assert client.post(f"/v1/lines/{approve}/decision", headers=headers,
                           json={"decision": "approve"}).status_code == 403
    assert client.post("/v1/lines/no-such-line/decision", headers=lead,
                       json={"decision": "approve"}).status_code == 404
    decided = client.post(f"/v1/lines/{approve}/decision", headers=lead,
                          json={"decision": "approve"})
    assert decided.status_code == 200
    assert decided.json()["status"] == "approved"
    assert client.post(f"/v1/lines/{approve}/decision", headers=lead,
                       json={"decision": "reject"}).status_code == 409
    assert client.post(f"/v1/lines/{reject}/decision", headers=lead, json={
        "decision": "reject", "note": "Lovely, but say when you will call."}).status_code == 200

    # The agent sees each outcome and the lead's note; nobody else reads their list.
    mine = {line["line_id"]: line for line in
            client.get(f"/v1/agents/{A}/lines", headers=as_a).json()["lines"]}
    assert mine[approve]["status"] == "approved"
    assert mine[reject]["status"] == "rejected"
    assert mine[reject]["note"] == "Lovely, but say when you will call."
    for headers in (as_b, lead, reviewer):
        assert client.get(f"/v1/agents/{A}/lines", headers=headers).status_code == 403

    # The phrasebook: approved lines only, no author, for the team's agents and its lead.
    for headers in (as_a, as_b, lead, coach.as_admin):
        book = client.get(f"/v1/teams/{TEAM}/phrasebook", headers=headers).json()
        assert book["lines"] == [{"text": A_LINE, "dimension": "acknowledgment",
                                  "emotion": "fear", "channel": "chat"}]
    for headers in (as_c, other_lead, reviewer):
        assert client.get(f"/v1/teams/{TEAM}/phrasebook", headers=headers).status_code == 403
    filtered = client.get(f"/v1/teams/{TEAM}/phrasebook?emotion=anger", headers=as_b).json()
    assert filtered["lines"] == []

    # The practice page's examples: the team's lines for the skill asked (or the focus).
    examples = client.get(f"/v1/agents/{B}/phrasebook?dimension=acknowledgment",
                          headers=as_b).json()
    assert [line["text"] for line in examples["lines"]] == [A_LINE]
    assert client.get(f"/v1/agents/{B}/phrasebook?dimension=tone",
                      headers=as_b).json()["lines"] == []
    assert client.get(f"/v1/agents/{B}/phrasebook", headers=lead).status_code == 200
    for headers in (as_a, other_lead, reviewer):
        assert client.get(f"/v1/agents/{B}/phrasebook", headers=headers).status_code == 403


def test_the_spotlight_shows_praise_only_to_the_agent_and_their_lead(
        coach: CoachHarness) -> None:
    seed(coach)
    client, as_a, as_b = coach.client, coach.as_agent(A), coach.as_agent(B)
    lead, other_lead = staff_headers(LEAD, TEAM), staff_headers(OTHER_LEAD, OTHER_TEAM)
    reviewer = staff_headers("zendesk:1:rev-1", TEAM, role="reviewer")

    mine = client.get(f"/v1/agents/{A}/gratitude", headers=as_a)
    assert mine.status_code == 200
    assert mine.headers["cache-control"] == "no-store"
    items = mine.json()["items"]
    assert {(i["kind"], i["customer_words"]) for i in items} == {
        ("rating", HIGH_COMMENT), ("thanks", WARM_THANKS)}
    # Each with the agent's public reply that earned it (not the internal note after it).
    assert {i["reply"] for i in items} == {
        "I can see how worrying a missing parcel is, especially before a birthday. I have "
        "opened a trace with the courier and I will email you at dana@example.com by 5pm."}
    assert client.get(f"/v1/agents/{B}/gratitude", headers=as_b).json()["items"] == []

    assert client.get(f"/v1/agents/{A}/gratitude", headers=lead).status_code == 200
    for headers in (as_b, other_lead, reviewer):
        assert client.get(f"/v1/agents/{A}/gratitude", headers=headers).status_code == 403
    assert client.get(f"/v1/agents/{A}/gratitude").status_code == 401

    team = client.get(f"/v1/teams/{TEAM}/gratitude", headers=lead).json()
    assert {(i["agent_id"], i["kind"]) for i in team["items"]} == {(A, "rating"), (A, "thanks")}
    everything = str(team)
    for absent in (LOW_COMMENT, "It was fine", "Quick refund"):  # low, middling, other team
        assert absent not in everything
    for headers in (as_a, other_lead, reviewer):
        assert client.get(f"/v1/teams/{TEAM}/gratitude", headers=headers).status_code == 403
    assert client.get(f"/v1/teams/{TEAM}/gratitude?days=0", headers=lead).status_code == 422
    assert client.get(f"/v1/teams/{OTHER_TEAM}/gratitude",
                      headers=coach.as_admin).json()["items"][0]["agent_id"] == C

    # A customer's erasure takes their praise with it; an agent's takes theirs.
    assert count_rows(coach.engine, gratitude) == 3
    customer = Person("customer", "zendesk:2:cust-1")
    assert dict(erase(coach.engine, customer, erasure_steps(customer)))["coach_gratitude"] == 1
    agent = Person("agent", A)
    assert dict(erase(coach.engine, agent, erasure_steps(agent)))["coach_gratitude"] == 2
    assert count_rows(coach.engine, gratitude) == 0
    assert count_rows(coach.engine, shared_lines) == 0
