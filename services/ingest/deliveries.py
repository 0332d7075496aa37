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
        self._insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert

    def claim(self, keys: Sequence[DeliveryKey], *, now: datetime) -> list[ClaimStatus]:
        """Claim each key in one transaction; keys must be distinct."""
        with self.engine.begin() as connection:
            return [self._claim_one(connection, key, now) for key in keys]

    def _claim_one(self, connection: sa.Connection, key: DeliveryKey,
                   now: datetime) -> ClaimStatus:
        inserted = connection.execute(
            self._insert(deliveries)
            .values(dedupe_key=key.dedupe_key, provider=key.provider, event_id=key.dedupe_key,
                    state=PENDING, received_at=now, claimed_at=now)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
        )
        if inserted.rowcount == 1:
            return ClaimStatus.CLAIMED
        taken_over = connection.execute(
            sa.update(deliveries)
            .where(deliveries.c.dedupe_key == key.dedupe_key, deliveries.c.state == PENDING,
                   deliveries.c.claimed_at < now - self.claim_ttl)
            .values(claimed_at=now)
        )
        if taken_over.rowcount == 1:
            return ClaimStatus.CLAIMED
        state = connection.execute(
            sa.select(deliveries.c.state).where(deliveries.c.dedupe_key == key.dedupe_key)
        ).scalar_one_or_none()
        return ClaimStatus.DONE if state == DONE else ClaimStatus.IN_FLIGHT

    def mark_done(self, dedupe_keys: Sequence[str], *, now: datetime) -> None:
        if not dedupe_keys:
            return
        with self.engine.begin() as connection:
            connection.execute(
                sa.update(deliveries).where(deliveries.c.dedupe_key.in_(dedupe_keys))
                .values(state=DONE, done_at=now)
            )

    def release(self, dedupe_keys: Sequence[str]) -> None:
        """Forget claims whose publish failed, so the sender's retry publishes again."""
        if not dedupe_keys:
            return
        with self.engine.begin() as connection:
            connection.execute(
                sa.delete(deliveries).where(deliveries.c.dedupe_key.in_(dedupe_keys),
                                            deliveries.c.state == PENDING)
            )

    def state_of(self, dedupe_key: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                sa.select(deliveries.c.state).where(deliveries.c.dedupe_key == dedupe_key)
            ).scalar_one_or_none()
