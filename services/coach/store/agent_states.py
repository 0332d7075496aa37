"""Reading what the policy needs about a set of agents, in a handful of bulk queries."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.policy import AgentState, AssignmentPolicy
from services.coach.domain.profile_math import DimensionEstimate, agent_estimates, team_levels
from services.coach.domain.score_batches import team_id
from services.coach.domain.timeutil import shift_week
from services.coach.settings import ProfileSettings
from services.coach.store.assignment_store import history
from services.coach.store.profile_store import load_channels, load_profiles, load_team_members
from shared.events.scores import Dimension

# The difficulty ladder looks back this far for the latest drill with an outcome.
DIFFICULTY_LOOKBACK_WEEKS = 12


def load_estimates(connection: sa.Connection, agent_ids: Collection[str], *, as_of: datetime,
                   settings: ProfileSettings, team_needs_evidence: int = 0,
                   ) -> dict[str, dict[Dimension, DimensionEstimate]]:
    """Estimates per agent. With ``team_needs_evidence``, team levels are only read for agents
    with that many scored messages in some dimension: below it no focus can be chosen anyway,
    and a new agent's every batch would otherwise re-read the whole team."""
    profiles = load_profiles(connection, agent_ids)
    teams = {team_id(agent_id) for agent_id, own in profiles.items()
             if max(stats.count for stats in own.values()) >= team_needs_evidence}
    members = load_team_members(connection, teams)
    levels = {team: team_levels(stats, as_of, settings) for team, stats in members.items()}
    return {
        agent_id: agent_estimates(own, levels.get(team_id(agent_id), {}), as_of, settings)
        for agent_id, own in profiles.items()
    }


def load_agent_states(connection: sa.Connection, agent_ids: Collection[str], *, week: str,
                      as_of: datetime, settings: ProfileSettings,
                      policy: AssignmentPolicy) -> dict[str, AgentState]:
    estimates = load_estimates(connection, agent_ids, as_of=as_of, settings=settings,
                               team_needs_evidence=policy.min_evidence)
    channels = load_channels(connection, agent_ids)
    window = max(policy.no_repeat_weeks, DIFFICULTY_LOOKBACK_WEEKS)
    past = history(connection, agent_ids, from_week=shift_week(week, -window),
                   to_week=shift_week(week, window))
    return {
        agent_id: AgentState(
            agent_id=agent_id,
            estimates=estimates.get(agent_id, {}),
            channels=channels.get(agent_id, frozenset()),
            history=tuple(record.as_past() for record in past.get(agent_id, [])),
        )
        for agent_id in agent_ids
    }
