"""The scorer's retention: message bodies blanked after ``message_bodies_days``, score rows (and
the bodiless message rows no score refers to any more) removed after ``score_events_days``.

A blanked body leaves the message's ids, role and time: its scores keep their conversation
order, and as context it counts as no turn at all, as an empty message always did.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy import Connection

from services.scorer import metrics
from services.scorer.repository import messages, scores
from services.scorer.settings import ScorerRetention
from shared.retention import RetentionMetrics, Sweep, delete_older_than

# A literal, not a bound parameter: it must read exactly as the partial index's predicate
# (migration scorer_0002) for either database to use that index.
HAS_BODY = messages.c.body != sa.literal_column("''")
NO_BODY = messages.c.body == sa.literal_column("''")

RETENTION_METRICS = RetentionMetrics(metrics.RETENTION_REMOVED, metrics.RETENTION_LAST_SUCCESS)


def blank_old_bodies(connection: Connection, cutoff: datetime, limit: int) -> int:
    chosen = sa.select(messages.c.seq).where(messages.c.created_at < cutoff, HAS_BODY).limit(limit)
    statement = sa.update(messages).where(messages.c.seq.in_(chosen)).values(body="")
    return int(connection.execute(statement).rowcount)


def delete_old_bodiless_messages(connection: Connection, cutoff: datetime, limit: int) -> int:
    unscored = ~sa.exists().where(scores.c.message_id == messages.c.message_id)
    chosen = (sa.select(messages.c.seq)
              .where(messages.c.created_at < cutoff, NO_BODY, unscored).limit(limit))
    return int(connection.execute(sa.delete(messages).where(messages.c.seq.in_(chosen))).rowcount)


def scorer_sweeps(retention: ScorerRetention) -> list[Sweep]:
    """In this order: bodies first, so a message past both ages goes in one run."""
    return [
        Sweep("message_bodies", retention.message_bodies_days, blank_old_bodies),
        Sweep("score_events", retention.score_events_days,
              delete_older_than(scores, scores.c.recorded_at)),
        Sweep("score_events", retention.score_events_days, delete_old_bodiless_messages),
    ]
