"""Tables of team role-play sessions (migration 0008): rounds with rotating roles, the agent's
typed replies, the observers' ratings (human labels) and the debrief.

Defined on ``tables.metadata`` (``tables`` imports this module), so erasure and the tests see
them with the rest of the coach's tables. Every table but ``coach_roleplays`` names its person
in ``agent_id``; a session itself names nobody and goes once no participant is left
(``services/coach/store/erasure.py``).
"""

from __future__ import annotations

import sqlalchemy as sa

from services.coach.store.tables import ID, metadata

ROLEPLAY_ID = 40

# One session: which scenario, how many rounds, where it stands. Roles are not stored: they
# follow from each participant's position and the round (``roleplay_roles``), so "next round"
# is one conditional update of ``current_round`` and two clicks at once cannot skip a round.
roleplays = sa.Table(
    "coach_roleplays", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), primary_key=True),
    sa.Column("team_id", sa.String(ID), nullable=False, index=True),
    sa.Column("scenario_id", sa.String(120), nullable=False),
    sa.Column("round_count", sa.Integer, nullable=False),
    sa.Column("timebox_minutes", sa.Integer, nullable=False),
    sa.Column("current_round", sa.Integer, nullable=False),  # 0-based
    sa.Column("phase", sa.String(20), nullable=False),  # "playing" | "debrief"
    sa.Column("round_started_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)



def _session() -> sa.ForeignKey:
    """A fresh foreign key to the session for each table (a ForeignKey has one parent)."""
    return sa.ForeignKey("coach_roleplays.roleplay_id", ondelete="CASCADE")


# Who takes part, in the order the lead listed them: the position drives the rotation.
roleplay_participants = sa.Table(
    "coach_roleplay_participants", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), _session(), primary_key=True),
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("position", sa.Integer, nullable=False),
    sa.UniqueConstraint("roleplay_id", "position", name="uq_coach_roleplay_participant_position"),
    sa.Index("ix_coach_roleplay_participants_agent_id", "agent_id"),
)

# What the round's agent typed (optional), so the observers rate something concrete.
roleplay_replies = sa.Table(
    "coach_roleplay_replies", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), _session(), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("turn", sa.Integer, primary_key=True),
    sa.Column("agent_id", sa.String(ID), nullable=False, index=True),  # who typed it
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
)

# One observer's ratings of one round: 0..1 or null ("does not apply") per rubric dimension,
# JSON keyed by dimension. Saving again replaces them. Exported as human labels.
roleplay_ratings = sa.Table(
    "coach_roleplay_ratings", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), _session(), primary_key=True),
    sa.Column("round", sa.Integer, primary_key=True),
    sa.Column("agent_id", sa.String(ID), primary_key=True),  # the observer
    sa.Column("ratings", sa.JSON, nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("rated_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_coach_roleplay_ratings_agent_id", "agent_id"),
)

# Each participant's debrief: what worked. Saving again replaces it.
roleplay_debriefs = sa.Table(
    "coach_roleplay_debriefs", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), _session(), primary_key=True),
    sa.Column("agent_id", sa.String(ID), primary_key=True),
    sa.Column("what_worked", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_coach_roleplay_debriefs_agent_id", "agent_id"),
)

# The lines worth keeping each participant named in the debrief, in their order; the team
# phrasebook reads them (``roleplay_store.list_debrief_lines``).
roleplay_lines = sa.Table(
    "coach_roleplay_lines", metadata,
    sa.Column("roleplay_id", sa.String(ROLEPLAY_ID), _session(), primary_key=True),
    sa.Column("agent_id", sa.String(ID), primary_key=True),  # who proposed it
    sa.Column("line_index", sa.Integer, primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("saved_at", sa.DateTime(timezone=True), nullable=False),
    sa.Index("ix_coach_roleplay_lines_agent_id", "agent_id"),
)
