"""Tables for before/after experiments and the team view (issue 15).

``coach_message_scores`` keeps each scored message's dimension scores with its agent, team and
time (no text), so an experiment can average a skill between two dates;
``coach_conversation_outcomes`` each conversation's satisfaction rating and whether it was
reopened (the helpdesk outcomes an experiment shows); ``coach_experiments`` and
``coach_experiment_members`` hold what a lead defined. The team view reads existing tables.

Revision ID: coach_0007
Revises: coach_0006
Create Date: 2026-12-06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "coach_0007"
down_revision: str | None = "coach_0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = 300
# The rubric as of this revision (a migration does not follow later code changes).
DIMENSIONS = ("acknowledgment", "apology", "ownership", "next_steps", "exploration", "tone",
              "boundaries", "personalization")


def upgrade() -> None:
    op.create_table(
        "coach_message_scores",
        sa.Column("message_id", sa.String(ID), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("model_version", sa.String(120), nullable=False),
        *(sa.Column(dimension, sa.Float) for dimension in DIMENSIONS),
    )
    op.create_index("ix_coach_message_scores_agent_id", "coach_message_scores", ["agent_id"])
    op.create_index("ix_coach_message_scores_team_at", "coach_message_scores",
                    ["team_id", "message_at"])
    op.create_table(
        "coach_experiments",
        sa.Column("experiment_id", sa.String(40), primary_key=True),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("dimension", sa.String(40), nullable=False),
        sa.Column("baseline_from", sa.Date, nullable=False),
        sa.Column("baseline_to", sa.Date, nullable=False),
        sa.Column("practice_from", sa.Date, nullable=False),
        sa.Column("practice_to", sa.Date, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_experiments_team_id", "coach_experiments", ["team_id"])
    op.create_table(
        "coach_experiment_members",
        sa.Column("experiment_id", sa.String(40),
                  sa.ForeignKey("coach_experiments.experiment_id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("agent_id", sa.String(ID), primary_key=True),
        sa.Column("group_name", sa.String(20), nullable=False),
    )
    op.create_table(
        "coach_conversation_outcomes",
        sa.Column("conversation_key", sa.String(ID), primary_key=True),
        sa.Column("agent_id", sa.String(ID), nullable=False),
        sa.Column("team_id", sa.String(ID), nullable=False),
        sa.Column("rating_score", sa.Float),
        sa.Column("rated_at", sa.DateTime(timezone=True)),
        sa.Column("first_closed_at", sa.DateTime(timezone=True)),
        sa.Column("reopened_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_coach_conversation_outcomes_agent_id", "coach_conversation_outcomes",
                    ["agent_id"])


def downgrade() -> None:
    op.drop_index("ix_coach_conversation_outcomes_agent_id",
                  table_name="coach_conversation_outcomes")
    op.drop_table("coach_conversation_outcomes")
    op.drop_table("coach_experiment_members")
    op.drop_index("ix_coach_experiments_team_id", table_name="coach_experiments")
    op.drop_table("coach_experiments")
    op.drop_index("ix_coach_message_scores_team_at", table_name="coach_message_scores")
    op.drop_index("ix_coach_message_scores_agent_id", table_name="coach_message_scores")
    op.drop_table("coach_message_scores")
