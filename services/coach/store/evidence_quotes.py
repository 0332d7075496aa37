"""The agent's own scored sentences: the latest few evidence quotes per agent and dimension.

The scorer quotes the sentence(s) of a reply that drove each dimension's score. The home page
shows a few of them back to the agent as the evidence behind their focus, so the coach keeps
the ``KEPT_PER_DIMENSION`` newest per agent and dimension and nothing more: a bounded table,
and no archive of anyone's replies. They are shown only to the agent themself (and the admin).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.timeutil import as_utc
from services.coach.store.tables import recent_evidence
from services.coach.store.upserts import bulk_upsert
from shared.events.scores import Dimension, ScoreEvent

KEPT_PER_DIMENSION = 5
_CHUNK = 900
QuoteKey = tuple[str, Dimension]  # (agent id, dimension)


@dataclass(frozen=True)
class Quote:
    event_id: str
    dimension: Dimension
    message_at: datetime
    channel: str
    score: float
    sentences: tuple[str, ...]


def newest_quotes(events: Iterable[ScoreEvent]) -> dict[QuoteKey, list[Quote]]:
    """Each (agent, dimension)'s newest scored quotes in these events, newest first."""
    found: dict[QuoteKey, dict[str, Quote]] = {}
    for event in events:
        for dimension, result in event.dimensions.items():
            if result.score is None or not result.evidence:
                continue
            found.setdefault((event.agent_id, dimension), {})[event.event_id] = Quote(
                event_id=event.event_id, dimension=dimension,
                message_at=as_utc(event.message_at), channel=event.channel.value,
                score=result.score, sentences=tuple(result.evidence))
    return {key: _newest(quotes.values()) for key, quotes in found.items()}


def record_quotes(connection: sa.Connection, events: Sequence[ScoreEvent]) -> None:
    """Merge fresh events' quotes into the stored ones, keeping the newest per dimension."""
    fresh = newest_quotes(events)
    if not fresh:
        return
    stored = _load(connection, {agent_id for agent_id, _ in fresh})
    rows: list[dict[str, object]] = []
    for key, quotes in fresh.items():
        kept = _newest({q.event_id: q for q in [*stored.get(key, []), *quotes]}.values())
        rows.extend(_row(key[0], slot, quote) for slot, quote in enumerate(kept))
    names = ("event_id", "message_at", "channel", "score", "sentences")
    # The kept list never shrinks, so rewriting slots 0..n-1 leaves no stale slot behind.
    bulk_upsert(connection, recent_evidence, rows, conflict=("agent_id", "dimension", "slot"),
                update=lambda excluded: {name: excluded[name] for name in names})


def load_quotes(connection: sa.Connection, agent_id: str,
                dimension: Dimension) -> list[Quote]:
    """One agent's stored quotes for one dimension, newest first."""
    return _load(connection, {agent_id}, dimension).get((agent_id, dimension), [])


def _load(connection: sa.Connection, agent_ids: Collection[str],
          dimension: Dimension | None = None) -> dict[QuoteKey, list[Quote]]:
    found: dict[QuoteKey, list[Quote]] = {}
    ids = sorted(agent_ids)
    for start in range(0, len(ids), _CHUNK):
        query = sa.select(recent_evidence).where(
            recent_evidence.c.agent_id.in_(ids[start:start + _CHUNK]))
        if dimension is not None:
            query = query.where(recent_evidence.c.dimension == dimension)
        for row in connection.execute(query.order_by(recent_evidence.c.slot)):
            quote = Quote(event_id=row.event_id, dimension=as_dimension(row.dimension),
                          message_at=as_utc(row.message_at), channel=row.channel,
                          score=row.score, sentences=tuple(json.loads(row.sentences)))
            found.setdefault((row.agent_id, quote.dimension), []).append(quote)
    return found


def _newest(quotes: Iterable[Quote]) -> list[Quote]:
    ordered = sorted(quotes, key=lambda q: (q.message_at, q.event_id), reverse=True)
    return ordered[:KEPT_PER_DIMENSION]


def _row(agent_id: str, slot: int, quote: Quote) -> dict[str, object]:
    return {"agent_id": agent_id, "dimension": quote.dimension, "slot": slot,
            "event_id": quote.event_id, "message_at": quote.message_at,
            "channel": quote.channel, "score": quote.score,
            "sentences": json.dumps(list(quote.sentences))}
