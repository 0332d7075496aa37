"""Tables for best lines (the team phrasebook) and the gratitude spotlight (issue 15).

``coach_shared_lines`` holds lines agents shared (redacted) and the lead's decision on each;
``coach_gratitude`` customers' high ratings and warm thanks (never a low rating).

Revision ID: coach_0006
Revises: coach_0005
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0006"
down_revision: str | None = "coach_0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300


def upgrade() -> None:
    op.create_table(
        "coach_shared_lines",
        sa.Column("line_id", sa.String(40), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("dimension", sa.String(40), nullable=False),
        sa.Column("emotion", sa.String(20), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("source_message_id", sa.String(ID)),
        sa.Column("source_score", sa.Float),
        sa.Column("redacted", sa.Integer, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("note", sa.Text),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_coach_shared_lines_agent_id", "coach_shared_lines", ["agent_id"])
    op.create_index("ix_coach_shared_lines_team_status", "coach_shared_lines",
                    ["team_id", "status", "dimension"])
    op.create_table(
        "coach_gratitude",
        sa.Column("gratitude_id", sa.String(ID + 20), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("conversation_key", sa.String(ID), nullable=False),
        sa.Column("customer_id", sa.String(ID)),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("rating_score", sa.Float),
        sa.Column("customer_words", sa.Text),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_gratitude_agent_id", "coach_gratitude", ["agent_id"])
    op.create_index("ix_coach_gratitude_team_at", "coach_gratitude", ["team_id", "occurred_at"])


def downgrade() -> None:
    op.drop_table("coach_gratitude")
    op.drop_table("coach_shared_lines")
