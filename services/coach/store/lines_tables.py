"""Tables of the team phrasebook (best lines) and the gratitude spotlight (migration 0006).

Defined on ``tables.metadata`` (``tables`` imports this module), so erasure, retention and the
tests see them with the rest of the coach's tables. Every table has an ``agent_id``: erasing an
agent removes the lines they shared and the thanks they earned.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.coach.store.tables import ID, metadata

# A line an agent shared (from one of their own high-scoring replies, or typed from a role-play
# debrief), redacted as ingest redacts before it is stored; a lead of the agent's team approves
# it into the phrasebook or rejects it with a note. Organised by dimension, the customer's
# emotion and the channel it suits.
shared_lines = sa.Table(
    "coach_shared_lines", metadata,
    sa.Column("line_id", sa.String(40), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("team_id", sa.String(ID), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("dimension", sa.String(40), nullable=False),
    sa.Column("emotion", sa.String(20), nullable=False),
    sa.Column("channel", sa.String(40), nullable=False),
    sa.Column("source", sa.String(20), nullable=False),  # "reply" | "debrief"
    sa.Column("source_message_id", sa.String(ID)),  # the reply a line came from
    sa.Column("source_score", sa.Float),  # that reply's score on the dimension
    sa.Column("redacted", sa.Integer, nullable=False),  # personal data items replaced
    sa.Column("status", sa.String(20), nullable=False),  # "pending" | "approved" | "rejected"
    sa.Column("note", sa.Text),  # the lead's word with the decision
    sa.Column("shared_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("decided_at", sa.DateTime(timezone=True)),
    sa.Index("ix_coach_shared_lines_team_status", "team_id", "status", "dimension"),
)

# Customers' praise: a high satisfaction rating (kind "rating", one per conversation, its
# comment if any) or a message thanking the agent warmly (kind "thanks", one per message). The
# agent's reply that earned it is read from ``coach_conversation_messages`` when shown (the last
# reply of the agent before it). Low ratings are never stored, so no view can show them; a
# rating later lowered removes its row. ``customer_id`` is kept only for customer erasure.
gratitude = sa.Table(
    "coach_gratitude", metadata,
    sa.Column("gratitude_id", sa.String(ID + 20), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("team_id", sa.String(ID), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # "rating" | "thanks"
    sa.Column("conversation_key", sa.String(ID), nullable=False),
    sa.Column("customer_id", sa.String(ID)),
    sa.Column("channel", sa.String(40), nullable=False),
    sa.Column("rating_score", sa.Float),
    sa.Column("customer_words", sa.Text),
    sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_coach_gratitude_team_at", "team_id", "occurred_at"),
)
