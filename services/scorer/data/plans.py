"""Sampling reply plans: which move, at which quality, each dimension gets.

A quality profile (excellent, canned, hostile...) sets the odds per dimension, and each dimension
is then drawn on its own, so quality is correlated across dimensions the way real replies are
without any dimension being predictable from another. The "canned" and "padded" profiles are the
anti-gaming cases: long, polite, stock, and weak; "short_excellent" is the opposite.
"""

from __future__ import annotations

import random

from services.scorer.data.conversation import Conversation
from services.scorer.data.fragments.channel import CHANNEL_REGISTERS, SHORT_CHANNELS
from services.scorer.data.render import ReplyPlan

Odds = dict[str, float]

PROFILES: dict[str, dict[str, Odds]] = {
    "excellent": {
        "acknowledgment": {"specific": 0.75, "factual": 0.2, "stock": 0.05},
        "apology": {"specific": 0.75, "plain": 0.2, "stock": 0.05},
        "ownership": {"owns": 0.8, "owns_generic": 0.2},
        "next_steps": {"concrete": 0.85, "partial": 0.15},
        "exploration": {"open": 0.85, "closed": 0.15},
        "boundaries": {"kind_alternative": 0.7, "kind_no_alternative": 0.3},
        "tone": {"warm": 0.6, "unmarked": 0.3, "neutral": 0.1},
    },
    "good": {
        "acknowledgment": {"specific": 0.4, "factual": 0.3, "generic": 0.15, "misnamed": 0.15},
        "apology": {"specific": 0.4, "plain": 0.4, "stock": 0.2},
        "ownership": {"owns": 0.5, "owns_generic": 0.35, "passive": 0.15},
        "next_steps": {"concrete": 0.5, "partial": 0.35, "vague": 0.15},
        "exploration": {"open": 0.5, "closed": 0.3, "generic": 0.2},
        "boundaries": {"kind_alternative": 0.4, "kind_no_alternative": 0.45, "waffle": 0.15},
        "tone": {"warm": 0.45, "unmarked": 0.3, "neutral": 0.25},
    },
    "mixed": {},  # every level equally likely
    "canned": {
        "acknowledgment": {"stock": 0.6, "generic": 0.4},
        "apology": {"stock": 0.6, "grovel": 0.2, "plain": 0.2},
        "ownership": {"passive": 0.6, "owns_generic": 0.3, "none": 0.1},
        "next_steps": {"vague": 0.8, "none": 0.2},
        "exploration": {"generic": 0.5, "interrogation": 0.2, "none": 0.3},
        "boundaries": {"bare": 0.3, "waffle": 0.3, "kind_no_alternative": 0.2, "cave": 0.2},
        "tone": {"neutral": 0.5, "warm": 0.3, "unmarked": 0.2},
    },
    "poor": {
        "acknowledgment": {"none": 0.6, "stock": 0.3, "misnamed": 0.1},
        "apology": {"none": 0.6, "stock": 0.2, "grovel": 0.2},
        "ownership": {"deflect": 0.35, "blame": 0.3, "none": 0.35},
        "next_steps": {"none": 0.5, "vague": 0.5},
        "exploration": {"none": 0.5, "interrogation": 0.3, "closed": 0.2},
        "boundaries": {"bare": 0.4, "cave": 0.3, "ignore": 0.15, "waffle": 0.15},
        "tone": {"cold": 0.35, "defensive": 0.35, "sarcastic": 0.3},
    },
    "short_excellent": {
        "acknowledgment": {"specific": 0.7, "factual": 0.3},
        "apology": {"none": 0.5, "specific": 0.5},
        "ownership": {"none": 0.6, "owns": 0.4},
        "next_steps": {"concrete": 1.0},
        "exploration": {"open": 0.6, "none": 0.4},
        "boundaries": {"kind_alternative": 1.0},
        "tone": {"unmarked": 0.8, "warm": 0.2},
    },
    "curt": {
        "acknowledgment": {"none": 0.8, "stock": 0.2},
        "apology": {"none": 0.7, "stock": 0.3},
        "ownership": {"none": 0.5, "passive": 0.3, "deflect": 0.2},
        "next_steps": {"vague": 0.6, "none": 0.4},
        "exploration": {"none": 1.0},
        "boundaries": {"bare": 0.8, "kind_no_alternative": 0.2},
        "tone": {"cold": 0.6, "neutral": 0.2, "unmarked": 0.2},
    },
}
PROFILE_WEIGHTS: dict[str, float] = {
    "excellent": 0.15, "good": 0.2, "mixed": 0.3, "canned": 0.14, "poor": 0.11,
    "short_excellent": 0.06, "curt": 0.04,
}
ALL_LEVELS: dict[str, tuple[str, ...]] = {
    "acknowledgment": ("specific", "factual", "misnamed", "generic", "stock", "none"),
    "apology": ("specific", "plain", "grovel", "stock", "none"),
    "ownership": ("owns", "owns_generic", "passive", "deflect", "blame", "none"),
    "next_steps": ("concrete", "partial", "vague", "none"),
    "exploration": ("open", "closed", "generic", "interrogation", "none"),
    "boundaries": ("kind_alternative", "kind_no_alternative", "bare", "waffle", "cave", "ignore"),
    "tone": ("warm", "unmarked", "neutral", "cold", "defensive", "sarcastic"),
}
FILLER_RATE = {"canned": 0.75, "mixed": 0.3, "good": 0.15, "excellent": 0.1, "poor": 0.15}
DETAIL_ECHO_RATE = {"excellent": 0.4, "good": 0.35, "mixed": 0.35, "canned": 0.35, "poor": 0.2}
DETAIL_SPECIFIC_SHARE = {"excellent": 0.85, "good": 0.65, "mixed": 0.5, "canned": 0.15, "poor": 0.3}
SPECIFIC_ACKNOWLEDGMENTS = ("specific", "factual", "misnamed")


def sample_plan(conversation: Conversation, rng: random.Random) -> tuple[str, ReplyPlan]:
    profile = _weighted(rng, PROFILE_WEIGHTS)
    odds = PROFILES[profile]
    situation = conversation.situation
    levels = {dim: _weighted(rng, odds.get(dim) or _uniform(dim)) for dim in ALL_LEVELS}
    # Moves that make no sense for the situation mostly stay out (an occasional stray apology or
    # question remains: the label for a non-applicable dimension is null whatever is written).
    if not situation.fault:
        # Nothing went wrong, so only a reflexive "sorry" ever appears here.
        levels["apology"] = "none" if rng.random() < 0.85 else rng.choice(("stock", "plain"))
    if not situation.refuse:
        levels["boundaries"] = "ignore"
    if not situation.ambiguous:
        # No situation-specific question exists here; a stray question can only be a generic one.
        stray = rng.random() < 0.25 and levels["exploration"] != "none"
        levels["exploration"] = rng.choice(("generic", "interrogation")) if stray else "none"
    if situation.positive and levels["ownership"] == "blame":
        levels["ownership"] = "none"  # nobody blames a customer for a compliment
    if _content_free(levels):
        levels["next_steps"] = "vague"  # every reply says *something*
    filler = 0
    if rng.random() < FILLER_RATE.get(profile, 0.0):
        filler = rng.randint(2, 5)
    return profile, ReplyPlan(
        levels=levels,
        register=_register(conversation, profile, rng),
        filler=filler,
        greeting_name=rng.random() < 0.7,
        detail_echo=_detail_echo(profile, rng),
        vulnerability_acknowledged=rng.random() < (
            0.6 if levels["acknowledgment"] in SPECIFIC_ACKNOWLEDGMENTS else 0.25
        ),
        apology_first=rng.random() < 0.3,
        choice_seed=rng.randrange(2**31),
    )


def _detail_echo(profile: str, rng: random.Random) -> str:
    if rng.random() >= DETAIL_ECHO_RATE.get(profile, 0.25):
        return "none"
    # The generic twin has the same length and shape; only the customer's detail differs.
    return "specific" if rng.random() < DETAIL_SPECIFIC_SHARE.get(profile, 0.5) else "generic"


def _content_free(levels: dict[str, str]) -> bool:
    silent = {"none", "ignore", "unmarked"}
    return all(level in silent for level in levels.values())


def _register(conversation: Conversation, profile: str, rng: random.Random) -> str:
    if profile == "curt":
        return "bare"
    if profile == "short_excellent" and conversation.channel in SHORT_CHANNELS:
        return "bare"
    options = CHANNEL_REGISTERS[conversation.channel]
    return _weighted(rng, dict(options))


def _weighted(rng: random.Random, odds: dict[str, float]) -> str:
    names = list(odds)
    return rng.choices(names, weights=[odds[name] for name in names])[0]


def _uniform(dimension: str) -> Odds:
    return dict.fromkeys(ALL_LEVELS[dimension], 1.0)
