"""A model verdict on one agent message -> the ``support.scores.v1`` event that carries it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.scorer.scoring_model import ScoreResult
from shared.events import ScoreEvent


def score_event_id(message_id: str, model_version: str) -> str:
    """The dedupe key of a score: one per message and model version, stable across replays."""
    return f"{message_id}@{model_version}"


def build_score_event(
    result: ScoreResult,
    *,
    conversation_key: str,
    message_id: str,
    agent_id: str,
    channel: str,
    message_at: datetime,
    scored_at: datetime,
) -> ScoreEvent:
    """Numbers come from ``to_dict()``, so the event matches the CLI and HTTP output exactly."""
    output: dict[str, Any] = result.to_dict()
    return ScoreEvent.model_validate({
        "event_id": score_event_id(message_id, result.model_version),
        "conversation_key": conversation_key,
        "message_id": message_id,
        "agent_id": agent_id,
        "channel": channel,
        "model_version": result.model_version,
        "message_at": message_at,
        "scored_at": scored_at,
        "dimensions": {
            dimension: {"score": score, "evidence": output["evidence"].get(dimension, [])}
            for dimension, score in output["scores"].items()
        },
        "overall": output["overall"],
        "customer": output["customer"],
        "tone": output["tone"],
        "suggestions": output["suggestions"],
    })
