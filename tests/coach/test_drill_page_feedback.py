"""Feedback on the drill page names its move and framework, quotes the agent and notices growth;
a company note reaches the scorer as a system event, never as the customer's words. Pure."""

from __future__ import annotations

from datetime import timedelta

from services.coach.domain.practice_script import ScriptStep, scoring_context
from services.coach.store.attempt_store import AttemptRecord
from services.coach.workflows.practice import feedback_in_order
from tests.coach.factories import NOW

ACK_TIP = {"dimension": "acknowledgment", "framework": "NURSE (Name, Understand)",
           "text": "Before fixing anything, say what happened and how it feels."}
TONE_TIP = {"dimension": "tone", "framework": "NVC (observation)", "text": "Fit the channel."}


def attempt(turn: int, scores: dict[str, float | None], suggestions: list[dict[str, str]], *,
            reply: str = "ok", evidence: dict[str, list[str]] | None = None) -> AttemptRecord:
    return AttemptRecord(
        attempt_id=f"a{turn}", assignment_id="d1", turn=turn, reply=reply, scores=scores,
        overall=0.5, target_score=scores.get("acknowledgment"), evidence=evidence or {},
        suggestions=suggestions, model_version="test", created_at=NOW + timedelta(minutes=turn))


def test_a_tip_names_its_move_and_framework_and_quotes_the_agents_words() -> None:
    reply = "Sorry for any inconvenience.\nWe will look into it."
    weak = attempt(0, {"acknowledgment": 0.1}, [ACK_TIP], reply=reply,
                   evidence={"acknowledgment": ["Sorry for any\ninconvenience."]})
    [(_, shown)] = feedback_in_order([weak], "acknowledgment")
    assert shown.kind == "tip"
    assert shown.move is not None
    assert shown.move.named() == "NURSE: Name, Understand"
    assert shown.move.framework.steps == "Name, Understand, Respect, Support, Explore"
    assert shown.quotes == ("Sorry for any inconvenience.",)  # the agent's words, one line
    assert shown.growth is None  # nothing to compare with yet


def test_praise_names_the_move_it_practised_and_growth_is_celebrated() -> None:
    first = attempt(0, {"acknowledgment": 0.2}, [ACK_TIP])
    second = attempt(1, {"acknowledgment": 0.8}, [],
                     evidence={"acknowledgment": ["Nine days of waiting is awful.", "Truly."]})
    [_, (_, shown)] = feedback_in_order([first, second], "acknowledgment")
    assert shown.kind == "praise"
    assert "Nine days of waiting is awful." in shown.text
    assert shown.quotes == ("Truly.",)  # the first quote is in the praise itself
    assert shown.move is not None
    assert shown.move.framework.name == "NURSE"
    assert shown.growth is not None
    assert "from 20% to 80%" in shown.growth


def test_no_growth_is_claimed_for_a_small_or_negative_change() -> None:
    first = attempt(0, {"acknowledgment": 0.6}, [])
    second = attempt(1, {"acknowledgment": 0.65}, [])
    third = attempt(2, {"acknowledgment": 0.3}, [ACK_TIP])
    shown = [given for _, given in feedback_in_order([first, second, third], "acknowledgment")]
    assert [given.growth for given in shown] == [None, None, None]


def test_a_framework_label_without_its_part_falls_back_to_the_skills_own_move() -> None:
    tone = attempt(0, {"acknowledgment": 0.9, "tone": 0.2},
                   [{**TONE_TIP, "framework": "NVC"}])
    [(_, shown)] = feedback_in_order([tone], "acknowledgment")
    assert shown.dimension == "tone"
    assert shown.move is not None
    assert shown.move.named() == "NVC: observation, feeling"
    assert shown.move.framework.full_name == "Nonviolent Communication"


def test_a_company_note_is_a_system_event_and_the_customer_is_still_the_customer() -> None:
    steps = [ScriptStep(0, "customer", "Can you extend the v1 API?"),
             ScriptStep(1, "curveball", "Compliance: v1 card endpoints close on 17 March.",
                        "policy_change"),
             ScriptStep(2, "customer", "You're closing them EARLIER?"),
             ScriptStep(3, "curveball", "I'm copying in your CEO.", "escalation_demand")]
    replies = {0: "I'll check today.", 1: "An update: they close on 17 March."}
    at_note = scoring_context(steps, 1, replies)
    assert at_note.customer == "Can you extend the v1 API?"
    assert at_note.history == [("customer", "Can you extend the v1 API?"),
                               ("agent", "I'll check today."),
                               ("system", "Compliance: v1 card endpoints close on 17 March.")]
    after = scoring_context(steps, 2, replies)
    assert after.customer == "You're closing them EARLIER?"
    assert after.history[-2:] == [("system", "Compliance: v1 card endpoints close on 17 March."),
                                  ("agent", "An update: they close on 17 March.")]
    from_customer = scoring_context(steps, 3, replies)
    assert from_customer.customer == "I'm copying in your CEO."  # the customer's own curveball
    assert steps[3].from_customer
    assert not steps[1].from_customer
    assert steps[1].prompt != steps[0].prompt
