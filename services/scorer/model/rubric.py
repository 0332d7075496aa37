"""The rubric's vocabulary: dimensions, customer signals, channels and the overall weighting.

Dimension and channel names come from ``shared.events`` so the scorer cannot drift from the
``support.scores.v1`` schema that carries its output.
"""

from __future__ import annotations

from shared.events.interactions import Channel
from shared.events.scores import DIMENSIONS

__all__ = [
    "CHANNELS",
    "CHANNEL_ALIASES",
    "DIMENSIONS",
    "EMOTIONS",
    "OVERALL_WEIGHTS",
    "VULNERABILITIES",
    "canonical_channel",
    "overall_score",
]

EMOTIONS: tuple[str, ...] = ("anger", "fear", "disappointment", "confusion", "neutral", "positive")
VULNERABILITIES: tuple[str, ...] = ("health", "financial_strain", "safety", "bereavement")
CHANNELS: tuple[str, ...] = tuple(channel.value for channel in Channel)

# Helpdesks name the same channel many ways; these map the common spellings onto the schema's
# channels so a Zendesk "web" or an Intercom "whatsapp" scores with the right channel norms.
CHANNEL_ALIASES: dict[str, str] = {
    "e-mail": "email",
    "mail": "email",
    "live_chat": "chat",
    "livechat": "chat",
    "webchat": "chat",
    "web_chat": "chat",
    "whatsapp": "messaging",
    "messenger": "messaging",
    "telegram": "messaging",
    "phone": "voice",
    "call": "voice",
    "telephone": "voice",
    "twitter": "social",
    "x": "social",
    "facebook": "social",
    "instagram": "social",
    "text": "sms",
    "form": "web_form",
    "web": "web_form",
    "contact_form": "web_form",
}

# The weights of ``overall``: the moves that most change how a customer feels about the answer
# (being understood, someone taking the case, knowing what happens next) count most; exploration
# counts least because a good reply often needs no question at all.
OVERALL_WEIGHTS: dict[str, float] = {
    "acknowledgment": 1.5,
    "apology": 1.0,
    "ownership": 1.25,
    "next_steps": 1.25,
    "exploration": 0.75,
    "tone": 1.25,
    "boundaries": 1.0,
    "personalization": 1.0,
}


def canonical_channel(name: str) -> str:
    """Map a channel name or a known alias onto a schema channel; ValueError otherwise."""
    key = name.strip().lower().replace("-", "_").replace(" ", "_")
    if key in CHANNELS:
        return key
    if key in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[key]
    if name.strip().lower() in CHANNEL_ALIASES:
        return CHANNEL_ALIASES[name.strip().lower()]
    allowed = ", ".join(CHANNELS)
    raise ValueError(f"unknown channel {name!r}; allowed: {allowed} (or a common alias)")


def overall_score(scores: dict[str, float | None]) -> float:
    """Weighted mean of the applicable dimension scores (``None`` = does not apply)."""
    return expected_overall(
        {dim: value or 0.0 for dim, value in scores.items()},
        {dim: float(value is not None) for dim, value in scores.items()},
    )


def expected_overall(scores: dict[str, float], applicability: dict[str, float]) -> float:
    """Weighted mean of the scores, each weight scaled by the probability the dimension applies.

    With 0/1 applicability this is ``overall_score``. With the model's probabilities, a dimension
    sitting at the applicability threshold moves the overall smoothly instead of making it jump
    when it flips between shown and hidden.
    """
    weighted = [(OVERALL_WEIGHTS[dim] * applicability[dim], value) for dim, value in scores.items()]
    total_weight = sum(weight for weight, _ in weighted)
    if total_weight == 0:
        return 0.0
    return sum(weight * value for weight, value in weighted) / total_weight
