"""Checks that text meant for a shared channel says nothing about any one agent."""

from __future__ import annotations

from services.coach.domain.focus import display_name
from shared.events.scores import DIMENSIONS


def assert_names_nobody_and_no_skill(text: str, agent_ids: list[str]) -> None:
    """No rubric dimension in any spelling, no word of weakness, no agent id or part of one."""
    lowered = text.lower()
    for dimension in DIMENSIONS:
        for spelling in (dimension, dimension.replace("_", " "), display_name(dimension)):
            assert spelling.lower() not in lowered, (spelling, text)
    for judgement in ("focus", "weak", "struggl", "low"):
        assert judgement not in lowered, (judgement, text)
    for agent_id in agent_ids:
        for part in (agent_id, *agent_id.split(":")):
            assert part not in text, (part, text)
