"""Tables for calibration circles, disputes and the lead/reviewer roles (issue 15).

Leads and reviewers need no table: their sign-in links carry the role and the team (a helpdesk
account). ``coach_conversation_messages`` keeps the public turns of conversations (redacted by
ingest) so a circle or a dispute can show the reply with its customer's words; circles, their
items, reviewers and blind ratings, and disputes hold the rest (services/coach/
calibration_tables.py).

Revision ID: coach_0005
Revises: coach_0004
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0005"
down_revision: str | None = "coach_0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300


def upgrade() -> None:
    op.create_table(
        "coach_conversation_messages",
        sa.Column("message_id", sa.String(ID), primary_key=True),
        sa.Column("conversation_key", sa.String(ID), nullable=False, index=True),
        sa.Column("agent_id", sa.String(ID), index=True),
        sa.Column("customer_id", sa.String(ID), index=True),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "coach_calibration_circles",
        sa.Column("circle_id", sa.String(40), primary_key=True),
        sa.Column("team_id", sa.String(ID), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("filters", sa.JSON, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revealed_at", sa.DateTime(timezone=True)),
    )
    circle = sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE")
    op.create_table(
        "coach_calibration_items",
        sa.Column("circle_id", sa.String(40), circle, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("message_id", sa.String(ID), nullable=False),
        sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
        sa.Column("customer_id", sa.String(ID), index=True),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("model_version", sa.String(120), nullable=False),
        sa.Column("model_scores", sa.JSON, nullable=False),
        sa.Column("customer", sa.Text, nullable=False),
        sa.Column("history", sa.JSON, nullable=False),
        sa.Column("reply", sa.Text, nullable=False),
        sa.Column("agreed_labels", sa.JSON),
        sa.Column("note", sa.Text),
        sa.Column("agreed_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "coach_calibration_reviewers",
        sa.Column("circle_id", sa.String(40),
                  sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("reviewer_id", sa.String(ID), primary_key=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "coach_calibration_ratings",
        sa.Column("circle_id", sa.String(40),
                  sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("reviewer_id", sa.String(ID), primary_key=True),
        sa.Column("labels", sa.JSON, nullable=False),
        sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "coach_disputes",
        sa.Column("dispute_id", sa.String(40), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
        sa.Column("team_id", sa.String(ID), nullable=False, index=True),
        sa.Column("customer_id", sa.String(ID), index=True),
        sa.Column("message_id", sa.String(ID), nullable=False),
        sa.Column("dimension", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("model_version", sa.String(120), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("model_scores", sa.JSON, nullable=False),
        sa.Column("customer", sa.Text),
        sa.Column("history", sa.JSON),
        sa.Column("reply", sa.Text),
        sa.Column("comment", sa.Text, nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("corrected_score", sa.Float),
        sa.Column("resolution_note", sa.Text),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("agent_id", "message_id", "dimension",
                            name="uq_coach_disputes_score"),
    )


def downgrade() -> None:
    for table in ("coach_disputes", "coach_calibration_ratings", "coach_calibration_reviewers",
                  "coach_calibration_items", "coach_calibration_circles",
                  "coach_conversation_messages"):
        op.drop_table(table)
