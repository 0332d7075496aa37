"""Which words the model sees for each agent reply."""

from __future__ import annotations

from services.scorer.conversation_context import (
    Skipped,
    StoredMessage,
    is_scorable_candidate,
    requests_for,
)
from services.scorer.scoring_model import ScoreRequest, Turn


def msg(message_id: str, role: str, body: str, *, public: bool = True) -> StoredMessage:
    return StoredMessage(message_id=message_id, role=role, public=public, body=body)


CONVERSATION = [
    msg("c1", "customer", "My order never came."),
    msg("a1", "agent", "Sorry about that, let me check."),
    msg("n1", "agent", "internal: customer is a VIP", public=False),
    msg("c2", "customer", "It was a birthday present."),
    msg("s1", "system", "Ticket reassigned to Tier 2"),
    msg("b1", "bot", "An agent will be with you shortly."),
    msg("c3", "customer", "The party is on Saturday."),
    msg("a2", "agent", "I've sent a replacement by express; it arrives Friday."),
    msg("a3", "agent", "Tracking number to follow by e-mail."),
]


def plan(targets: set[str], max_history_turns: int = 8) -> dict[str, ScoreRequest | Skipped]:
    return requests_for(CONVERSATION, targets, channel="chat", max_history_turns=max_history_turns)


def test_customer_is_every_customer_message_since_the_previous_agent_reply() -> None:
    request = plan({"a2"})["a2"]
    assert isinstance(request, ScoreRequest)
    assert request.customer == "It was a birthday present.\nThe party is on Saturday."
    assert request.reply == "I've sent a replacement by express; it arrives Friday."
    assert request.channel == "chat"


def test_history_holds_earlier_visible_turns_but_never_notes_or_system_messages() -> None:
    request = plan({"a2"})["a2"]
    assert isinstance(request, ScoreRequest)
    assert request.history == (
        Turn("customer", "My order never came."),
        Turn("agent", "Sorry about that, let me check."),
        Turn("bot", "An agent will be with you shortly."),
    )


def test_a_follow_up_reply_has_no_new_customer_words_but_keeps_the_history() -> None:
    request = plan({"a3"})["a3"]
    assert isinstance(request, ScoreRequest)
    assert request.customer == ""
    assert request.history[-1] == Turn("agent", CONVERSATION[7].body)


def test_history_is_cut_to_the_latest_turns() -> None:
    request = plan({"a3"}, max_history_turns=2)["a3"]
    assert isinstance(request, ScoreRequest)
    assert [turn.text for turn in request.history] == [CONVERSATION[6].body, CONVERSATION[7].body]


def test_an_agent_opening_the_conversation_is_skipped_with_the_model_s_reason() -> None:
    planned = requests_for([msg("a0", "agent", "Hi! How can I help?")], {"a0"}, channel="email",
                           max_history_turns=8)
    assert isinstance(planned["a0"], Skipped)
    assert "customer" in planned["a0"].reason


def test_an_empty_reply_is_skipped() -> None:
    conversation = [msg("c1", "customer", "hello?"), msg("a1", "agent", "   ")]
    planned = requests_for(conversation, {"a1"}, channel="chat", max_history_turns=8)
    assert isinstance(planned["a1"], Skipped)
    assert "empty" in planned["a1"].reason


def test_only_public_agent_messages_are_candidates() -> None:
    assert is_scorable_candidate("agent", True)
    assert not is_scorable_candidate("agent", False)
    assert not any(is_scorable_candidate(role, True) for role in ("customer", "bot", "system"))
