"""What the model sees for each agent reply: the customer's latest words and the turns before.

Pure functions over a conversation's stored messages in order. Only what the customer could see
counts as context: internal notes never do, and system messages ("ticket reassigned") are not
turns. For an agent reply, ``customer`` is every customer message since the previous agent reply
and ``history`` the visible turns before them (bots included: the customer read them too).

A reply needs only the end of its conversation: the customer's words since the previous agent
reply and ``max_history_turns`` turns before them. ``load_context`` reads that much (the last
rows, by index, with a LIMIT) and widens the read only while it provably falls short, so the cost
of a new reply does not grow with the length of its conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

from services.scorer.scoring_model import ScoreRequest, Turn

VISIBLE_ROLES = frozenset({"customer", "agent", "bot"})
# Rows read beyond the history and the replies themselves at first: room for the customer's
# messages since the last agent reply (usually one or two) and for what arrived after a reply.
FIRST_READ_SLACK = 8


@dataclass(frozen=True)
class StoredMessage:
    message_id: str
    role: str
    public: bool
    body: str


@dataclass(frozen=True)
class ContextWindow:
    """The last ``limit`` stored messages of one conversation."""

    conversation_key: str
    limit: int


# Reads the windows' messages, each conversation's oldest first.
FetchWindows = Callable[[Sequence[ContextWindow]], Mapping[str, Sequence[StoredMessage]]]


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
        if _is_turn(message):
            turns.append(message)
    return planned


def load_context(fetch: FetchWindows, targets: Mapping[str, Collection[str]], *,
                 max_history_turns: int) -> dict[str, list[StoredMessage]]:
    """For each conversation key, its last messages: enough that ``requests_for`` plans every
    target message exactly as it would from the whole conversation. A window that falls short
    (a long run of customer messages, a target far back) is read again twice as long."""
    limits = {key: max_history_turns + len(ids) + FIRST_READ_SLACK for key, ids in targets.items()}
    found: dict[str, list[StoredMessage]] = {}
    pending = dict(targets)
    while pending:
        fetched = fetch([ContextWindow(key, limits[key]) for key in sorted(pending)])
        short: dict[str, Collection[str]] = {}
        for key, ids in pending.items():
            window = list(fetched.get(key, ()))
            whole = len(window) < limits[key]
            if whole or window_suffices(window, ids, max_history_turns=max_history_turns):
                found[key] = window
            else:
                limits[key] *= 2
                short[key] = ids
        pending = short
    return found


def window_suffices(window: Sequence[StoredMessage], targets: Collection[str], *,
                    max_history_turns: int) -> bool:
    """Whether the last messages of a conversation plan each target as the whole would: the
    target is there, and so is an agent turn before it (the customer's words since then are
    complete) with at least ``max_history_turns`` history turns up to it."""
    turns: list[StoredMessage] = []
    seen: set[str] = set()
    for message in window:
        if message.message_id in targets:
            seen.add(message.message_id)
            if not _history_complete(turns, max_history_turns):
                return False
        if _is_turn(message):
            turns.append(message)
    return seen == set(targets)


def _history_complete(earlier: Sequence[StoredMessage], max_history_turns: int) -> bool:
    last_agent = _last_agent_index(earlier)
    if last_agent < 0:
        return False
    since_agent = earlier[last_agent + 1:]
    history = last_agent + 1 + sum(1 for turn in since_agent if turn.role != "customer")
    return history >= max_history_turns


def _is_turn(message: StoredMessage) -> bool:
    return message.public and message.role in VISIBLE_ROLES and bool(message.body.strip())


def _last_agent_index(turns: Sequence[StoredMessage]) -> int:
    return max((i for i, turn in enumerate(turns) if turn.role == "agent"), default=-1)


def _request(
    earlier: Sequence[StoredMessage], reply: StoredMessage, channel: str, max_history_turns: int
) -> ScoreRequest | Skipped:
    last_agent = _last_agent_index(earlier)
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
