"""Backfill cursors: where each history import stopped, so it resumes there.

Revision ID: ingest_0002
Revises: ingest_0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ingest_0002"
down_revision: str | None = "ingest_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "ingest_backfill_cursors",
        sa.Column("source_key", sa.String(200), primary_key=True),
        sa.Column("provider", sa.String(40), nullable=False),
        sa.Column("cursor", sa.JSON(), nullable=False),
        sa.Column("records_imported", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("ingest_backfill_cursors")
