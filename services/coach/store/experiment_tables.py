"""Tables of before/after experiments and the per-message scores they read (migration 0007).

Defined on ``tables.metadata`` (``tables`` imports this module), so erasure and the tests see
them with the rest of the coach's tables.
"""

from __future__ import annotations

import sqlalchemy as sa

from services.coach.store.tables import ID, metadata
from shared.events.scores import DIMENSIONS

# One row per scored agent message: its agent, team, time, channel and one score per rubric
# dimension (null where the dimension did not apply). The profile's recency-weighted sums and the
# weekly sums cannot answer "mean score on a skill between two dates", which an experiment asks.
# Keyed by the message, so a rescore by a newer model replaces the scores rather than doubling
# the message. No text: the scores only. Kept ``message_scores_days`` (retention.py).
message_scores = sa.Table(
    "coach_message_scores", metadata,
    sa.Column("message_id", sa.String(ID), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("team_id", sa.String(ID), nullable=False),
    sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("channel", sa.String(40), nullable=False),
    sa.Column("model_version", sa.String(120), nullable=False),
    *(sa.Column(dimension, sa.Float) for dimension in DIMENSIONS),
    sa.Index("ix_coach_message_scores_team_at", "team_id", "message_at"),
)

# A lead's experiment: which skill, the two windows (dates, both ends inclusive, UTC) and the
# seed its bootstrap uses, so the same data always gives the same interval. Holds no person:
# who is in it lives in ``coach_experiment_members``.
experiments = sa.Table(
    "coach_experiments", metadata,
    sa.Column("experiment_id", sa.String(40), primary_key=True),
    sa.Column("team_id", sa.String(ID), nullable=False, index=True),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("dimension", sa.String(40), nullable=False),
    sa.Column("baseline_from", sa.Date, nullable=False),
    sa.Column("baseline_to", sa.Date, nullable=False),
    sa.Column("practice_from", sa.Date, nullable=False),
    sa.Column("practice_to", sa.Date, nullable=False),
    sa.Column("seed", sa.Integer, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# The cohort (who practised) and the comparison group (who did not), one row per agent.
experiment_members = sa.Table(
    "coach_experiment_members", metadata,
    sa.Column("experiment_id", sa.String(40),
              sa.ForeignKey("coach_experiments.experiment_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("group_name", sa.String(20), nullable=False),  # "cohort" | "comparison"
)

# What the helpdesk says about each conversation, from ``support.interactions.v1``: its latest
# satisfaction rating (normalised to 0..1; every rating, low ones included, because an
# experiment's average needs them all) and whether it was reopened after it was first closed.
# One row per conversation with an assignee (the agent it is attributed to); no text and no
# customer id. Kept as long as the per-message scores (``message_scores_days``).
conversation_outcomes = sa.Table(
    "coach_conversation_outcomes", metadata,
    sa.Column("conversation_key", sa.String(ID), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("team_id", sa.String(ID), nullable=False),
    sa.Column("rating_score", sa.Float),
    sa.Column("rated_at", sa.DateTime(timezone=True)),
    sa.Column("first_closed_at", sa.DateTime(timezone=True)),
    sa.Column("reopened_at", sa.DateTime(timezone=True)),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)
