"""Realistic traffic for the benchmark: the held-out split's conversations, as helpdesk events.

Each held-out example (earlier turns, the customer's latest message, the agent's reply) becomes
one conversation. Its first event carries the whole thread, so the scorer stores the turns and
reads them back as context; cycling past the end of the split starts new conversations.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from services.scorer.conversation_context import (
    Skipped,
    StoredMessage,
    is_scorable_candidate,
    requests_for,
)
from services.scorer.scoring_model import ScoreRequest, Turn
from shared.events import InteractionEvent

HELD_OUT = Path(__file__).resolve().parents[2] / "services" / "scorer" / "data" / "test.jsonl"
PROVIDER, ACCOUNT = "zendesk", "20000002"
_T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Example:
    channel: str
    history: tuple[tuple[str, str], ...]
    customer: str
    reply: str

    def request(self) -> ScoreRequest:
        return ScoreRequest(channel=self.channel, customer=self.customer, reply=self.reply,
                            history=tuple(Turn(role, text) for role, text in self.history))

    def body(self) -> dict[str, Any]:
        """The live endpoint's input."""
        return {"channel": self.channel, "customer": self.customer, "reply": self.reply,
                "history": [{"role": role, "text": text} for role, text in self.history]}


def load_examples(path: Path = HELD_OUT) -> list[Example]:
    if not path.is_file():
        raise SystemExit(f"{path} is missing: generate it with python -m services.scorer.data"
                         ".generate")
    examples = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        history = tuple((turn["role"], turn["text"]) for turn in record.get("history", ()))
        examples.append(Example(record["channel"], history, record["customer"], record["reply"]))
    return examples


def interaction_events(examples: list[Example], count: int, run_id: str
                       ) -> Iterator[InteractionEvent]:
    """``count`` events, one agent reply each, cycling through the examples."""
    for index in range(count):
        example = examples[index % len(examples)]
        conversation_id = f"{run_id}-{index}"
        turns = [*example.history, ("customer", example.customer), ("agent", example.reply)]
        yield InteractionEvent.model_validate({
            "event_id": f"bench-{run_id}-{index}", "provider": PROVIDER, "account": ACCOUNT,
            "event_type": "ticket.comment_added", "occurred_at": _T0, "received_at": _T0,
            "conversation": {"conversation_id": conversation_id, "channel": example.channel},
            "messages": [_message(conversation_id, position, role, text)
                         for position, (role, text) in enumerate(turns)],
        })


def _message(conversation_id: str, position: int, role: str, text: str) -> dict[str, Any]:
    author = "902000000001" if role == "agent" else "903000000001"
    return {
        "message_id": f"{PROVIDER}:{ACCOUNT}:{conversation_id}:{position}",
        "author_role": role, "author_id": f"{PROVIDER}:{ACCOUNT}:{author}",
        "body": text, "public": True, "created_at": _T0 + timedelta(minutes=position),
    }


def scorable_replies(event: InteractionEvent) -> int:
    """How many score events the scorer owes for this event (the service's own rule)."""
    conversation = [StoredMessage(m.message_id, m.author_role.value, m.public, m.body)
                    for m in event.messages]
    targets = {m.message_id for m in event.messages
               if is_scorable_candidate(m.author_role.value, m.public)}
    planned = requests_for(conversation, targets, channel=event.conversation.channel.value,
                           max_history_turns=8)
    return sum(1 for plan in planned.values() if not isinstance(plan, Skipped))
