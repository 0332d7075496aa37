"""The delivery ledger: which events were already published, across restarts and replicas.

Claim first (insert ``pending``), publish, then mark ``done``. A concurrent duplicate finds the
pending row and is told to come back (it gets a 503 and retries), so two requests never both
publish-and-2xx. A publish that fails releases (deletes) its claim so the retry is not mistaken
for a duplicate. A crash between the broker's ack and ``done`` leaves a pending row; once it is
older than ``claim_ttl_s`` a retry takes it over and publishes again - a duplicate event with the
same ``event_id``, which every sink dedupes, never a loss.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

metadata = sa.MetaData()
deliveries = sa.Table(
    "ingest_deliveries",
    metadata,
    sa.Column("dedupe_key", sa.String(300), primary_key=True),
    sa.Column("provider", sa.String(40), nullable=False),
    sa.Column("event_id", sa.String(300), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
)
PENDING, DONE = "pending", "done"


class ClaimStatus(StrEnum):
    CLAIMED = "claimed"  # ours to publish
    DONE = "done"  # published before: a duplicate
    IN_FLIGHT = "in_flight"  # another request is publishing it right now


@dataclass(frozen=True)
class DeliveryKey:
    dedupe_key: str
    provider: str


class DeliveryLedger:
    def __init__(self, engine: Engine, *, claim_ttl_s: float) -> None:
        self.engine = engine
        self.claim_ttl = timedelta(seconds=claim_ttl_s)
        insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
        # One statement, built once and executed with a list of rows: SQLAlchemy compiles it
        # once (cached) and sends the rows as multi-row VALUES pages ("insertmanyvalues"). A
        # ``.values(rows)`` statement instead is compiled anew for every batch, which cost more
        # CPU than the database work itself.
        self._claim = (insert(deliveries)
                       .on_conflict_do_nothing(index_elements=["dedupe_key"])
                       .returning(deliveries.c.dedupe_key))

    def claim(self, keys: Sequence[DeliveryKey], *, now: datetime) -> list[ClaimStatus]:
        """Claim each key, in one transaction."""
        with self.engine.begin() as connection:
            return self.claim_in(connection, keys, now=now)

    def mark_done(self, dedupe_keys: Sequence[str], *, now: datetime) -> None:
        with self.engine.begin() as connection:
            self.mark_done_in(connection, dedupe_keys, now=now)

    def release(self, dedupe_keys: Sequence[str]) -> None:
        """Forget claims whose publish failed, so the sender's retry publishes again."""
        with self.engine.begin() as connection:
            self.release_in(connection, dedupe_keys)

    # The *_in forms run inside a caller's transaction (``LedgerWriter`` batches them).

    def claim_in(self, connection: sa.Connection, keys: Sequence[DeliveryKey], *,
                 now: datetime) -> list[ClaimStatus]:
        """One multi-row insert claims every new key; the others are looked at one by one.

        A key may repeat (two requests for one event in one batch): only its first occurrence
        can be the one that inserted it.
        """
        if not keys:
            return []
        rows = [{"dedupe_key": key.dedupe_key, "provider": key.provider,
                 "event_id": key.dedupe_key, "state": PENDING, "received_at": now,
                 "claimed_at": now} for key in keys]
        # RETURNING, not rowcount: psycopg reports -1 for INSERT ... ON CONFLICT DO NOTHING.
        inserted = set(connection.execute(self._claim, rows).scalars())
        statuses = []
        for key in keys:
            if key.dedupe_key in inserted:
                inserted.discard(key.dedupe_key)
                statuses.append(ClaimStatus.CLAIMED)
            else:
                statuses.append(self._existing_claim(connection, key, now))
        return statuses

    def _existing_claim(self, connection: sa.Connection, key: DeliveryKey,
                        now: datetime) -> ClaimStatus:
        taken_over = connection.execute(
            sa.update(deliveries)
            .where(deliveries.c.dedupe_key == key.dedupe_key, deliveries.c.state == PENDING,
                   deliveries.c.claimed_at < now - self.claim_ttl)
            .values(claimed_at=now)
            .returning(deliveries.c.dedupe_key)
        ).first()
        if taken_over is not None:
            return ClaimStatus.CLAIMED
        state = connection.execute(
            sa.select(deliveries.c.state).where(deliveries.c.dedupe_key == key.dedupe_key)
        ).scalar_one_or_none()
        return ClaimStatus.DONE if state == DONE else ClaimStatus.IN_FLIGHT

    def mark_done_in(self, connection: sa.Connection, dedupe_keys: Sequence[str], *,
                     now: datetime) -> None:
        if dedupe_keys:
            connection.execute(
                sa.update(deliveries).where(deliveries.c.dedupe_key.in_(dedupe_keys))
                .values(state=DONE, done_at=now)
            )

    def release_in(self, connection: sa.Connection, dedupe_keys: Sequence[str]) -> None:
        if dedupe_keys:
            connection.execute(
                sa.delete(deliveries).where(deliveries.c.dedupe_key.in_(dedupe_keys),
                                            deliveries.c.state == PENDING)
            )

    def state_of(self, dedupe_key: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(deliveries.c.state).where(deliveries.c.dedupe_key == dedupe_key)
            ).scalar_one_or_none()
