"""Score history for the agent's home page: weekly sums per dimension, recent evidence quotes.

The profile keeps only recency-weighted sums, which cannot say how a skill moved week by week
nor which of the agent's sentences were scored. Both tables stay small: one row per agent,
dimension and week, and at most a handful of quotes per agent and dimension.

Revision ID: coach_0004
Revises: coach_0003
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0004"
down_revision: str | None = "coach_0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300


def upgrade() -> None:
    op.create_table(
        "coach_weekly_scores",
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("dimension", sa.String(40), primary_key=True),
        sa.Column("week", sa.String(8), primary_key=True),
        sa.Column("sum_score", sa.Float, nullable=False),
        sa.Column("scored_count", sa.Integer, nullable=False),
    )
    op.create_table(
        "coach_recent_evidence",
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("dimension", sa.String(40), primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True),
        sa.Column("event_id", sa.String(ID), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("sentences", sa.Text, nullable=False),  # a JSON list of strings
    )


def downgrade() -> None:
    op.drop_table("coach_recent_evidence")
    op.drop_table("coach_weekly_scores")
