"""``python -m services.scorer erase``: one person's rows in the scorer's tables.

- An agent: the messages they wrote and every score of theirs (``agent_id``, or a score of a
  message they wrote). Other people's messages in the same conversations stay: they are the
  customer's and the other agents' data.
- A customer: every conversation they took part in, as its customer (``customer_id``) or as the
  author of a message, goes whole: the agents' replies in it and their scores answer and
  describe that customer (a score carries the customer's emotion and vulnerability).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy import Connection

from services.scorer.repository import messages, scores
from shared.erasure import ErasureStep, Person, matches, rowcount

# Keeps every IN (...) list well under both databases' bound-parameter limits.
_IN_CHUNK = 500


def erasure_steps(person: Person) -> list[ErasureStep]:
    if person.kind == "agent":
        return [ErasureStep(scores.name, _agent_scores),
                ErasureStep(messages.name, _agent_messages)]
    return [ErasureStep(scores.name, _customer_scores),
            ErasureStep(messages.name, _customer_messages)]


def _agent_scores(connection: Connection, person: Person) -> int:
    written = sa.select(messages.c.message_id).where(matches(messages.c.author_id, person))
    return rowcount(connection, sa.delete(scores).where(
        sa.or_(matches(scores.c.agent_id, person), scores.c.message_id.in_(written))))


def _agent_messages(connection: Connection, person: Person) -> int:
    return rowcount(connection, sa.delete(messages).where(matches(messages.c.author_id, person)))


def _customer_scores(connection: Connection, person: Person) -> int:
    return sum(rowcount(connection, sa.delete(scores).where(scores.c.conversation_key.in_(keys)))
               for keys in _chunks(_customer_conversations(connection, person)))


def _customer_messages(connection: Connection, person: Person) -> int:
    return sum(rowcount(connection,
                        sa.delete(messages).where(messages.c.conversation_key.in_(keys)))
               for keys in _chunks(_customer_conversations(connection, person)))


def _customer_conversations(connection: Connection, person: Person) -> list[str]:
    query = sa.select(messages.c.conversation_key).distinct().where(
        sa.or_(matches(messages.c.customer_id, person), matches(messages.c.author_id, person)))
    return sorted(connection.execute(query).scalars())


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[start:start + _IN_CHUNK] for start in range(0, len(values), _IN_CHUNK)]
