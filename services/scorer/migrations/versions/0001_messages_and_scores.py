"""Conversation messages (the context of later replies) and scores (idempotency per model).

Revision ID: scorer_0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scorer_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scorer_messages",
        # Arrival order breaks ties between messages with the same timestamp.
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
                  autoincrement=True),
        sa.Column("message_id", sa.String(300), nullable=False, unique=True),
        sa.Column("conversation_key", sa.String(300), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("author_id", sa.String(300), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_scorer_messages_conversation_order", "scorer_messages",
                    ["conversation_key", "created_at", "seq"])
    op.create_table(
        "scorer_scores",
        sa.Column("message_id", sa.String(300), primary_key=True),
        sa.Column("model_version", sa.String(120), primary_key=True),
        sa.Column("event_id", sa.String(500), nullable=False, unique=True),
        sa.Column("conversation_key", sa.String(300), nullable=False, index=True),
        sa.Column("agent_id", sa.String(300), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("skip_reason", sa.Text(), nullable=True),
        sa.Column("event_json", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("scorer_scores")
    op.drop_index("ix_scorer_messages_conversation_order", table_name="scorer_messages")
    op.drop_table("scorer_messages")
