"""Who plays what in a role-play round: roles rotate by position, one step per round.

Participant ``i`` of ``n`` takes slot ``(i + round) mod n`` in round ``round``: slot 0 is the
agent, slot 1 the customer, every other slot an observer. With three people that is
``(i + round) mod 3`` over agent, customer, observer: each person plays the agent, then the
customer, then observes, and the agent's seat passes to the previous position; with more,
exactly one agent and one customer per round and the extra people observe. After ``n``
rounds everyone has been the agent once.
"""

from __future__ import annotations

from typing import Literal

Role = Literal["agent", "customer", "observer"]
MIN_PARTICIPANTS = 3


def role_of(position: int, round_index: int, participant_count: int) -> Role:
    if participant_count < MIN_PARTICIPANTS:
        raise ValueError(f"a role-play needs at least {MIN_PARTICIPANTS} participants, "
                         f"got {participant_count}")
    if not 0 <= position < participant_count:
        raise ValueError(f"position {position} is outside 0..{participant_count - 1}")
    if round_index < 0:
        raise ValueError(f"round {round_index} is negative")
    slot = (position + round_index) % participant_count
    return "agent" if slot == 0 else "customer" if slot == 1 else "observer"


def roles_in_round(round_index: int, participant_count: int) -> list[Role]:
    """Each position's role in the round, in position order."""
    return [role_of(position, round_index, participant_count)
            for position in range(participant_count)]


def position_playing(role: Literal["agent", "customer"], round_index: int,
                     participant_count: int) -> int:
    """The one position that plays the agent (or the customer) in the round."""
    return roles_in_round(round_index, participant_count).index(role)
