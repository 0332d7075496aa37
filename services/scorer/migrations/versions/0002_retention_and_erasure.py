"""Indexes for retention and erasure, and the conversation's customer on each stored message.

``customer_id`` lets ``erase --customer`` find a conversation the customer never wrote in (only
agent replies arrived, or their messages carried no author id). The partial index holds only
messages that still have a body, so the body sweep reads what it blanks and not the blanked rows
that stay until their scores expire.

Revision ID: scorer_0002
Revises: scorer_0001
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "scorer_0002"
down_revision: str | None = "scorer_0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

HAS_BODY = sa.text("body <> ''")


def upgrade() -> None:
    op.add_column("scorer_messages", sa.Column("customer_id", sa.String(300), nullable=True))
    op.create_index("ix_scorer_messages_customer", "scorer_messages", ["customer_id"])
    op.create_index("ix_scorer_messages_author", "scorer_messages", ["author_id"])
    op.create_index("ix_scorer_messages_created", "scorer_messages", ["created_at"])
    op.create_index("ix_scorer_messages_with_body_created", "scorer_messages", ["created_at"],
                    postgresql_where=HAS_BODY, sqlite_where=HAS_BODY)
    op.create_index("ix_scorer_scores_recorded", "scorer_scores", ["recorded_at"])
    op.create_index("ix_scorer_scores_agent", "scorer_scores", ["agent_id"])


def downgrade() -> None:
    op.drop_index("ix_scorer_scores_agent", table_name="scorer_scores")
    op.drop_index("ix_scorer_scores_recorded", table_name="scorer_scores")
    op.drop_index("ix_scorer_messages_with_body_created", table_name="scorer_messages")
    op.drop_index("ix_scorer_messages_created", table_name="scorer_messages")
    op.drop_index("ix_scorer_messages_author", table_name="scorer_messages")
    op.drop_index("ix_scorer_messages_customer", table_name="scorer_messages")
    with op.batch_alter_table("scorer_messages") as batch:
        batch.drop_column("customer_id")
