"""Reflection answers: what an agent wrote to a drill's reflection questions at its end.

One answer per question of a drill; saving again replaces it. The question is stored with its
answer, so the agent's history reads right even after the scenario's wording changes.

Revision ID: coach_0003
Revises: coach_0002
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0003"
down_revision: str | None = "coach_0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300


def upgrade() -> None:
    op.create_table(
        "coach_reflections",
        sa.Column("assignment_id", sa.String(ID + 40),
                  sa.ForeignKey("coach_assignments.assignment_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("question_index", sa.Integer, primary_key=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("coach_reflections")
