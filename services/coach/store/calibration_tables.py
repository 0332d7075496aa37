"""Tables of calibration circles, disputes and the message texts they show (migration 0005).

Defined on ``tables.metadata`` (``tables`` imports this module), so erasure and the tests see
them with the rest of the coach's tables. Ratings are JSON objects ``{dimension: score or
null}`` over the eight rubric dimensions: a rating is always of the whole rubric, because a
human label with a dimension left out would read as "does not apply" when the scorer trains.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.coach.store.tables import ID, metadata

# The public turns of conversations (customer, agent, bot), as ingest redacted them, from
# ``support.interactions.v1``: what a circle's reviewers and a dispute's lead read. ``agent_id``
# is the author of an agent's reply, or the agent the conversation is assigned to for the
# customer's turns, so erasing an agent removes the conversations they held; ``customer_id``
# (here, in circle items and disputes, which copy the texts) lets a customer's erasure find
# their words.
conversation_messages = sa.Table(
    "coach_conversation_messages", metadata,
    sa.Column("message_id", sa.String(ID), primary_key=True),
    sa.Column("conversation_key", sa.String(ID), nullable=False, index=True),
    sa.Column("agent_id", sa.String(ID), index=True),
    sa.Column("customer_id", sa.String(ID), index=True),  # for a customer's erasure
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("body", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False, index=True),
)

# A lead's calibration circle. Names no person: who rates is in coach_calibration_reviewers,
# whose replies are in coach_calibration_items.
circles = sa.Table(
    "coach_calibration_circles", metadata,
    sa.Column("circle_id", sa.String(40), primary_key=True),
    sa.Column("team_id", sa.String(ID), nullable=False, index=True),
    sa.Column("title", sa.String(200), nullable=False),
    sa.Column("filters", sa.JSON, nullable=False),
    sa.Column("status", sa.String(20), nullable=False),  # "rating" | "revealed"
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("revealed_at", sa.DateTime(timezone=True)),
)

# The sampled replies, copied in as the circle was made (the texts expire, the circle stays a
# record of what was rated), with the model's scores and, once the circle agrees, its rating.
circle_items = sa.Table(
    "coach_calibration_items", metadata,
    sa.Column("circle_id", sa.String(40),
              sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("message_id", sa.String(ID), nullable=False),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("customer_id", sa.String(ID), index=True),
    sa.Column("channel", sa.String(40), nullable=False),
    sa.Column("model_version", sa.String(120), nullable=False),
    sa.Column("model_scores", sa.JSON, nullable=False),
    sa.Column("customer", sa.Text, nullable=False),
    sa.Column("history", sa.JSON, nullable=False),  # [{"role": ..., "text": ...}]
    sa.Column("reply", sa.Text, nullable=False),
    sa.Column("agreed_labels", sa.JSON),
    sa.Column("note", sa.Text),
    sa.Column("agreed_at", sa.DateTime(timezone=True)),
)

circle_reviewers = sa.Table(
    "coach_calibration_reviewers", metadata,
    sa.Column("circle_id", sa.String(40),
              sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("reviewer_id", sa.String(ID), primary_key=True),
    sa.Column("submitted_at", sa.DateTime(timezone=True)),
)

# One reviewer's blind rating of one reply; saving again replaces it until they submit.
circle_ratings = sa.Table(
    "coach_calibration_ratings", metadata,
    sa.Column("circle_id", sa.String(40),
              sa.ForeignKey("coach_calibration_circles.circle_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("reviewer_id", sa.String(ID), primary_key=True),
    sa.Column("labels", sa.JSON, nullable=False),
    sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
)

# An agent's dispute of one dimension's score on one of their replies, and the lead's answer.
# The reply's scores and texts are copied in when it is filed, as for a circle's items.
disputes = sa.Table(
    "coach_disputes", metadata,
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
    sa.Column("status", sa.String(20), nullable=False),  # "open" | "upheld" | "corrected"
    sa.Column("corrected_score", sa.Float),
    sa.Column("resolution_note", sa.Text),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("resolved_at", sa.DateTime(timezone=True)),
    sa.UniqueConstraint("agent_id", "message_id", "dimension", name="uq_coach_disputes_score"),
)
