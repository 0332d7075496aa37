"""The coach's tables (SQLAlchemy Core). Migrations in ``migrations/versions`` create them."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

ID = 300  # qualified ids ("zendesk:10000001:902000000001") and event ids with a model version

# One row per score event applied: a redelivered event finds its id here and changes nothing.
score_events = sa.Table(
    "coach_score_events", metadata,
    sa.Column("event_id", sa.String(ID), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False),
    sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
)

# Recency-weighted sums per agent and dimension (see profile_math.WeightedStats). The anchor is
# the latest scored message in seconds since the epoch (UTC): a float keeps the per-batch read
# and bulk upsert free of datetime conversions.
dimension_profiles = sa.Table(
    "coach_dimension_profiles", metadata,
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("dimension", sa.String(40), primary_key=True),
    sa.Column("team_id", sa.String(ID), nullable=False, index=True),
    sa.Column("anchor_s", sa.Float, nullable=False),
    sa.Column("sum_w", sa.Float, nullable=False),
    sa.Column("sum_wx", sa.Float, nullable=False),
    sa.Column("sum_wxx", sa.Float, nullable=False),
    sa.Column("scored_count", sa.Integer, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

# Which channels an agent actually works, so drills match them.
agent_channels = sa.Table(
    "coach_agent_channels", metadata,
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("channel", sa.String(40), primary_key=True),
    sa.Column("message_count", sa.Integer, nullable=False),
    sa.Column("last_message_at", sa.DateTime(timezone=True), nullable=False),
)

assignments = sa.Table(
    "coach_assignments", metadata,
    sa.Column("assignment_id", sa.String(ID + 40), primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),
    sa.Column("week", sa.String(8), nullable=False, index=True),
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
    # Outbox: set once coach.assignments.v1 acknowledged the event; NULL rows are re-published.
    sa.Column("published_at", sa.DateTime(timezone=True), index=True),
    sa.UniqueConstraint("agent_id", "week", "slot", name="uq_coach_assignments_agent_week_slot"),
)

attempts = sa.Table(
    "coach_attempts", metadata,
    sa.Column("attempt_id", sa.String(40), primary_key=True),
    sa.Column("assignment_id", sa.String(ID + 40),
              sa.ForeignKey("coach_assignments.assignment_id", ondelete="CASCADE"),
              nullable=False, index=True),
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

# An agent's answers to a drill's reflection questions; saving a question again replaces its
# answer. The question text is kept as asked (scenario wording may change later).
reflections = sa.Table(
    "coach_reflections", metadata,
    sa.Column("assignment_id", sa.String(ID + 40),
              sa.ForeignKey("coach_assignments.assignment_id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("question_index", sa.Integer, primary_key=True),
    sa.Column("question", sa.Text, nullable=False),
    sa.Column("answer", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# An agent's scores summed per dimension and ISO week of the message (the home page's chart and
# "what changed since last week"): plain sums, so a batch adds to them in SQL.
weekly_scores = sa.Table(
    "coach_weekly_scores", metadata,
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("dimension", sa.String(40), primary_key=True),
    sa.Column("week", sa.String(8), primary_key=True),
    sa.Column("sum_score", sa.Float, nullable=False),
    sa.Column("scored_count", sa.Integer, nullable=False),
)

# The few most recent evidence sentences per agent and dimension (the scorer's quotes of the
# agent's own reply), shown back to that agent as the evidence behind the focus. Slots
# 0..n-1, newest first; a batch rewrites the slots of what it touched, so rows never pile up.
recent_evidence = sa.Table(
    "coach_recent_evidence", metadata,
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("dimension", sa.String(40), primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.String(ID), nullable=False),
    sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("channel", sa.String(40), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    # JSON text: the bulk upsert sends columns as PostgreSQL arrays, which
    # flatten JSON lists.
    sa.Column("sentences", sa.Text, nullable=False),
)

# Issue 15's tables, in modules of their own; imported here so ``metadata`` holds them all.
from services.coach.store import calibration_tables as _calibration_tables  # noqa: E402,F401
from services.coach.store import experiment_tables as _experiment_tables  # noqa: E402,F401
from services.coach.store import lines_tables as _lines_tables  # noqa: E402,F401
from services.coach.store import roleplay_tables as _roleplay_tables  # noqa: E402,F401
