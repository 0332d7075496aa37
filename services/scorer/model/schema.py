"""What goes into the scorer and what comes out: plain, validated, frozen data."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.scorer.model.rubric import DIMENSIONS, canonical_channel

ROLES: tuple[str, ...] = ("customer", "agent", "bot", "system")

# Four decimals keep the JSON readable; the model is not calibrated beyond that.
_OUTPUT_DECIMALS = 4


@dataclass(frozen=True)
class Turn:
    """One earlier message of the conversation."""

    role: str
    text: str

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValueError(f"history role must be one of {', '.join(ROLES)}, got {self.role!r}")
        if not isinstance(self.text, str):
            raise ValueError("history text must be a string")


@dataclass(frozen=True)
class ScoreRequest:
    """One agent reply in its context. ``channel`` is normalised to a schema channel.

    Raises ValueError with a specific reason: unknown channel (naming the allowed ones), an empty
    reply, or no customer context at all.
    """

    channel: str
    customer: str
    reply: str
    history: tuple[Turn, ...] = ()

    def __post_init__(self) -> None:
        for name in ("channel", "customer", "reply"):
            if not isinstance(getattr(self, name), str):
                raise ValueError(f"{name} must be a string")
        object.__setattr__(self, "channel", canonical_channel(self.channel))
        object.__setattr__(self, "history", tuple(self.history))
        if not self.reply.strip():
            raise ValueError("reply is empty; there is nothing to score")
        if not self.customer.strip() and not any(t.text.strip() for t in self.history):
            raise ValueError("customer message is empty and there is no history to score against")


@dataclass(frozen=True)
class Suggestion:
    dimension: str
    framework: str
    text: str


@dataclass(frozen=True)
class CustomerSignals:
    emotion: str
    emotion_confidence: float
    intensity: float
    vulnerability: str | None


@dataclass(frozen=True)
class ToneScores:
    raw: float
    channel_adjusted: float


@dataclass(frozen=True)
class ScoreResult:
    """The scorer's verdict on one reply. ``scores[d] is None`` means dimension d does not apply."""

    scores: dict[str, float | None]
    overall: float
    evidence: dict[str, list[str]]
    suggestions: list[Suggestion]
    customer: CustomerSignals
    tone: ToneScores
    model_version: str
    # Internal, for evaluation and calibration; not part of the output object.
    applicability: dict[str, float] = field(default_factory=dict, compare=False)
    unconditional_scores: dict[str, float] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The CLI/HTTP output object (the internal fields are not included)."""
        return {
            "scores": {dim: _round(self.scores[dim]) for dim in DIMENSIONS},
            "overall": _round(self.overall),
            "evidence": {dim: list(sentences) for dim, sentences in self.evidence.items()},
            "suggestions": [
                {"dimension": s.dimension, "framework": s.framework, "text": s.text}
                for s in self.suggestions
            ],
            "customer": {
                "emotion": self.customer.emotion,
                "emotion_confidence": _round(self.customer.emotion_confidence),
                "intensity": _round(self.customer.intensity),
                "vulnerability": self.customer.vulnerability,
            },
            "tone": {
                "raw": _round(self.tone.raw),
                "channel_adjusted": _round(self.tone.channel_adjusted),
            },
            "model_version": self.model_version,
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(float(value), _OUTPUT_DECIMALS)
