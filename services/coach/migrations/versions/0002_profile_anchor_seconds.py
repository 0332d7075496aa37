"""Profile anchors as seconds since the epoch (a float) instead of a timestamp.

The consumer reads and rewrites every touched profile row in each batch; a float anchor spares it
a datetime conversion per row on both sides. Existing anchors are converted, not dropped.

Revision ID: coach_0002
Revises: coach_0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0002"
down_revision: str | None = "coach_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = "coach_dimension_profiles"

# Timestamps are stored in UTC (SQLite keeps them as "YYYY-MM-DD HH:MM:SS.ffffff" text).
TO_SECONDS = {
    "postgresql": "EXTRACT(EPOCH FROM anchor_at)",
    # Whole seconds, plus the milliseconds SQLite's date functions keep.
    "sqlite": ("CAST(strftime('%s', anchor_at) AS REAL) + CAST(strftime('%f', anchor_at) AS REAL)"
               " - CAST(strftime('%S', anchor_at) AS REAL)"),
}
FROM_SECONDS = {
    "postgresql": "to_timestamp(anchor_s)",
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', anchor_s, 'unixepoch') || '.000000'",
}


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("anchor_s", sa.Float, nullable=True))
    op.execute(f"UPDATE {TABLE} SET anchor_s = {TO_SECONDS[dialect]}")
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("anchor_s", existing_type=sa.Float, nullable=False)
        batch.drop_column("anchor_at")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    with op.batch_alter_table(TABLE) as batch:
        batch.add_column(sa.Column("anchor_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(f"UPDATE {TABLE} SET anchor_at = {FROM_SECONDS[dialect]}")
    with op.batch_alter_table(TABLE) as batch:
        batch.alter_column("anchor_at", existing_type=sa.DateTime(timezone=True),
                           nullable=False)
        batch.drop_column("anchor_s")
