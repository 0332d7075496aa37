"""Deliveries seen, for idempotency across restarts.

A row is claimed (``pending``) before the event is published and marked ``done`` after the
broker acknowledged it; a failed publish deletes the row so the sender's retry is not taken
for a duplicate. ``claimed_at`` lets a retry take over a claim whose process died.

Revision ID: ingest_0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ingest_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_deliveries",
        sa.Column("dedupe_key", sa.String(300), primary_key=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("event_id", sa.String(300), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("done_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("ingest_deliveries")
