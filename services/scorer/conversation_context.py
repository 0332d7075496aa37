"""What the model sees for each agent reply: the customer's latest words and the turns before.

Pure functions over a conversation's stored messages in order. Only what the customer could see
counts as context: internal notes never do, and system messages ("ticket reassigned") are not
turns. For an agent reply, ``customer`` is every customer message since the previous agent reply
and ``history`` the visible turns before them (bots included: the customer read them too).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from services.scorer.scoring_model import ScoreRequest, Turn

VISIBLE_ROLES = frozenset({"customer", "agent", "bot"})


@dataclass(frozen=True)
class StoredMessage:
    message_id: str
    role: str
    public: bool
    body: str


@dataclass(frozen=True)
class Skipped:
    """An agent reply that cannot be scored, and why (recorded, never retried)."""

    reason: str


def is_scorable_candidate(role: str, public: bool) -> bool:
    """Public agent messages are scored; notes, bots and system messages never are."""
    return role == "agent" and public


def requests_for(
    conversation: Sequence[StoredMessage],
    targets: Collection[str],
    *,
    channel: str,
    max_history_turns: int,
) -> dict[str, ScoreRequest | Skipped]:
    """One request (or the reason there is none) per target message id found in the conversation."""
    planned: dict[str, ScoreRequest | Skipped] = {}
    turns: list[StoredMessage] = []
    for message in conversation:
        if message.message_id in targets:
            planned[message.message_id] = _request(turns, message, channel, max_history_turns)
        if message.public and message.role in VISIBLE_ROLES and message.body.strip():
            turns.append(message)
    return planned


def _request(
    earlier: Sequence[StoredMessage], reply: StoredMessage, channel: str, max_history_turns: int
) -> ScoreRequest | Skipped:
    last_agent = max((i for i, turn in enumerate(earlier) if turn.role == "agent"), default=-1)
    since_agent = earlier[last_agent + 1:]
    customer = "\n".join(turn.body for turn in since_agent if turn.role == "customer")
    history = [*earlier[:last_agent + 1], *(t for t in since_agent if t.role != "customer")]
    try:
        return ScoreRequest(
            channel=channel,
            customer=customer,
            reply=reply.body,
            history=_turns(history[-max_history_turns:] if max_history_turns else []),
        )
    except ValueError as exc:  # the model's own verdict: empty reply, no context at all
        return Skipped(str(exc))


def _turns(messages: Iterable[StoredMessage]) -> tuple[Turn, ...]:
    return tuple(Turn(role=message.role, text=message.body) for message in messages)
