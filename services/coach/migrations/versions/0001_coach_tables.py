"""Coach tables: applied score events, skill profiles, channels, assignments, practice attempts.

Revision ID: coach_0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300


def upgrade() -> None:
    op.create_table(
        "coach_score_events",
        sa.Column("event_id", sa.String(ID), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "coach_dimension_profiles",
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("dimension", sa.String(40), primary_key=True),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("anchor_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sum_w", sa.Float, nullable=False),
        sa.Column("sum_wx", sa.Float, nullable=False),
        sa.Column("sum_wxx", sa.Float, nullable=False),
        sa.Column("scored_count", sa.Integer, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_dimension_profiles_team_id", "coach_dimension_profiles",
                    ["team_id"])
    op.create_table(
        "coach_agent_channels",
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("channel", sa.String(40), primary_key=True),
        sa.Column("message_count", sa.Integer, nullable=False),
        sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "coach_assignments",
        sa.Column("assignment_id", sa.String(ID + 40), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("week", sa.String(8), nullable=False),
        sa.Column("slot", sa.Integer, nullable=False),
        sa.Column("scenario_id", sa.String(120), nullable=False),
        sa.Column("target_dimension", sa.String(40), nullable=False),
        sa.Column("difficulty", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("reason", sa.JSON, nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True)),
        sa.Column("completed_at", sa.DateTime(timezone=True)),
        sa.Column("practice_score", sa.Float),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("agent_id", "week", "slot",
                            name="uq_coach_assignments_agent_week_slot"),
    )
    op.create_index("ix_coach_assignments_agent_id", "coach_assignments", ["agent_id"])
    op.create_index("ix_coach_assignments_week", "coach_assignments", ["week"])
    op.create_index("ix_coach_assignments_published_at", "coach_assignments", ["published_at"])
    op.create_table(
        "coach_attempts",
        sa.Column("attempt_id", sa.String(40), primary_key=True),
        sa.Column("assignment_id", sa.String(ID + 40),
                  sa.ForeignKey("coach_assignments.assignment_id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("turn", sa.Integer, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("scores", sa.JSON, nullable=False),
        sa.Column("overall", sa.Float, nullable=False),
        sa.Column("target_score", sa.Float),
        sa.Column("evidence", sa.JSON, nullable=False),
        sa.Column("suggestions", sa.JSON, nullable=False),
        sa.Column("model_version", sa.String(120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_attempts_assignment_id", "coach_attempts", ["assignment_id"])


def downgrade() -> None:
    op.drop_table("coach_attempts")
    op.drop_table("coach_assignments")
    op.drop_table("coach_agent_channels")
    op.drop_table("coach_dimension_profiles")
    op.drop_table("coach_score_events")
