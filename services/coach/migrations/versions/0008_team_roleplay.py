"""Tables for role-play sessions: rounds, rotating roles, observer ratings, debriefs (issue 15).

``coach_roleplays`` holds a session (scenario, rounds, timebox, current round and phase);
``coach_roleplay_participants`` who takes part and in which position (roles rotate by it);
``coach_roleplay_replies`` what the round's agent typed; ``coach_roleplay_ratings`` the
observers' 0..1 ratings per dimension (human labels); ``coach_roleplay_debriefs`` and
``coach_roleplay_lines`` the debrief's "what worked" and lines worth keeping.

Revision ID: coach_0008
Revises: coach_0007
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0008"
down_revision: str | None = "coach_0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300
ROLEPLAY_ID = 40


def _session_key() -> sa.Column[str]:
    return sa.Column("roleplay_id", sa.String(ROLEPLAY_ID),
                     sa.ForeignKey("coach_roleplays.roleplay_id", ondelete="CASCADE"),
                     primary_key=True)


def upgrade() -> None:
    op.create_table(
        "coach_roleplays",
        sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), primary_key=True),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("scenario_id", sa.String(120), nullable=False),
        sa.Column("round_count", sa.Integer, nullable=False),
        sa.Column("timebox_minutes", sa.Integer, nullable=False),
        sa.Column("current_round", sa.Integer, nullable=False),
        sa.Column("phase", sa.String(20), nullable=False),
        sa.Column("round_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_roleplays_team_id", "coach_roleplays", ["team_id"])
    op.create_table(
        "coach_roleplay_participants",
        _session_key(),
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("roleplay_id", "position",
                            name="uq_coach_roleplay_participant_position"),
    )
    op.create_index("ix_coach_roleplay_participants_agent_id", "coach_roleplay_participants",
                    ["agent_id"])
    op.create_table(
        "coach_roleplay_replies",
        _session_key(),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("turn", sa.Integer, primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_roleplay_replies_agent_id", "coach_roleplay_replies", ["agent_id"])
    op.create_table(
        "coach_roleplay_ratings",
        _session_key(),
        sa.Column("round", sa.Integer, primary_key=True),
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("ratings", sa.JSON, nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_roleplay_ratings_agent_id", "coach_roleplay_ratings", ["agent_id"])
    op.create_table(
        "coach_roleplay_debriefs",
        _session_key(),
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("what_worked", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_roleplay_debriefs_agent_id", "coach_roleplay_debriefs",
                    ["agent_id"])
    op.create_table(
        "coach_roleplay_lines",
        _session_key(),
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("line_index", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_roleplay_lines_agent_id", "coach_roleplay_lines", ["agent_id"])


def downgrade() -> None:
    for table in ("coach_roleplay_lines", "coach_roleplay_debriefs", "coach_roleplay_ratings",
                  "coach_roleplay_replies", "coach_roleplay_participants"):
        op.drop_index(f"ix_{table}_agent_id", table_name=table)
        op.drop_table(table)
    op.drop_index("ix_coach_roleplays_team_id", table_name="coach_roleplays")
    op.drop_table("coach_roleplays")
