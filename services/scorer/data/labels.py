"""Labels follow from the situation (which dimensions apply) and the plan (how well each is done).

The rules are the labelling guide (docs/labelling-guide.md) written as code; if the two ever
disagree, the guide is wrong and must be fixed together with this file.
"""

from __future__ import annotations

from services.scorer.data.conversation import Conversation
from services.scorer.data.fragments.channel import (
    CONVERSATIONAL_CHANNELS,
    FORMAL_CHANNELS,
    SHORT_CHANNELS,
)
from services.scorer.data.fragments.reply import BLAME_TONE_CAP, UNMARKED_TONE_WITHOUT_WARM_MOVES
from services.scorer.data.render import MOVE_TABLES, RenderedReply, ReplyPlan
from services.scorer.model.rubric import DIMENSIONS

# Personalization by the number of distinct customer specifics the reply uses (the name alone is
# worth a little, never a lot: "Hi Priya" on a canned reply is still canned).
PERSONALIZATION_BY_FACTS: tuple[float, ...] = (0.1, 0.45, 0.7, 0.9)
NAME_BONUS = 0.1
VULNERABILITY_IGNORED_CAP = 0.6
VULNERABILITY_WITH_FACTS = 0.8
VULNERABILITY_ALONE = 0.6
APOLOGY_AS_ACKNOWLEDGMENT = 0.65

LETTER_IN_CONVERSATION_FIT = 0.6
LETTER_IN_VOICE_FIT = 0.65
CURT_FORMAL_FIT = 0.55
TOO_LONG_SHORT_CHANNEL_FIT = 0.7
FILLER_IN_CONVERSATION_FIT = 0.8
SHORT_CHANNEL_MAX_SENTENCES = {"sms": 3, "social": 4}


def applicable_dimensions(conversation: Conversation) -> dict[str, bool]:
    situation = conversation.situation
    # Every situation asks for something (even praise comes with "can I collect it tomorrow?"),
    # so taking the case and saying what happens next always apply.
    return {
        "acknowledgment": True,
        "apology": situation.fault,
        "ownership": True,
        "next_steps": True,
        "exploration": situation.ambiguous,
        "tone": True,
        "boundaries": situation.refuse,
        "personalization": True,
    }


def reply_labels(
    conversation: Conversation, plan: ReplyPlan, reply: RenderedReply
) -> tuple[dict[str, float | None], dict[str, float]]:
    """(score per dimension or None, tone {raw, channel_adjusted, channel_fit})."""
    level_score = {
        dim: MOVE_TABLES[dim][plan.levels.get(dim, _default_level(dim))][0] for dim in MOVE_TABLES
    }
    level_score["acknowledgment"] = _acknowledgment(conversation, plan, level_score)
    raw_tone = level_score["tone"]
    if plan.levels.get("tone") == "unmarked" and not _has_warm_moves(plan):
        raw_tone = UNMARKED_TONE_WITHOUT_WARM_MOVES
    if plan.levels.get("ownership") == "blame":
        raw_tone = min(raw_tone, BLAME_TONE_CAP)
    fit = channel_fit(conversation, plan, reply)
    adjusted = raw_tone * fit
    level_score["tone"] = adjusted
    level_score["personalization"] = personalization(reply.facts)
    applies = applicable_dimensions(conversation)
    scores = {dim: (round(level_score[dim], 4) if applies[dim] else None) for dim in DIMENSIONS}
    tone = {"raw": raw_tone, "channel_adjusted": round(adjusted, 4), "channel_fit": fit}
    return scores, tone


def personalization(facts: frozenset[str]) -> float:
    specifics = len(facts - {"name"})
    value = PERSONALIZATION_BY_FACTS[min(specifics, len(PERSONALIZATION_BY_FACTS) - 1)]
    if "name" in facts:
        value += NAME_BONUS
    return min(value, 1.0)


def channel_fit(conversation: Conversation, plan: ReplyPlan, reply: RenderedReply) -> float:
    """How well the reply's register and length suit the channel (1 = fits its norms)."""
    channel, fit = conversation.channel, 1.0
    if plan.register == "letter" and channel in CONVERSATIONAL_CHANNELS:
        fit = LETTER_IN_CONVERSATION_FIT
    elif plan.register == "letter" and channel == "voice":
        fit = LETTER_IN_VOICE_FIT
    limit = SHORT_CHANNEL_MAX_SENTENCES.get(channel)
    if limit is not None and reply.content_sentences > limit:
        fit = min(fit, TOO_LONG_SHORT_CHANNEL_FIT)
    if plan.filler and channel in CONVERSATIONAL_CHANNELS:
        fit = min(fit, TOO_LONG_SHORT_CHANNEL_FIT if channel in SHORT_CHANNELS else
                  FILLER_IN_CONVERSATION_FIT)
    if channel in FORMAL_CHANNELS and _is_curt(conversation, plan, reply):
        fit = min(fit, CURT_FORMAL_FIT)
    return fit


def _is_curt(conversation: Conversation, plan: ReplyPlan, reply: RenderedReply) -> bool:
    upset = conversation.emotion not in ("neutral", "positive")
    unacknowledged = plan.levels.get("acknowledgment", "none") in ("none", "stock")
    return upset and unacknowledged and plan.register == "bare" and reply.content_sentences <= 2


def _acknowledgment(
    conversation: Conversation, plan: ReplyPlan, level_score: dict[str, float]
) -> float:
    value = level_score["acknowledgment"]
    level = plan.levels.get("acknowledgment", "none")
    if plan.levels.get("apology") == "specific":
        # An apology that names the issue and its impact acknowledges the situation too.
        value = max(value, APOLOGY_AS_ACKNOWLEDGMENT)
    if conversation.vulnerability is None:
        return value
    if not plan.vulnerability_acknowledged:
        return min(value, VULNERABILITY_IGNORED_CAP)
    if level == "specific":
        return 1.0
    if level in ("factual", "misnamed"):
        return VULNERABILITY_WITH_FACTS
    return max(value, VULNERABILITY_ALONE)


def _has_warm_moves(plan: ReplyPlan) -> bool:
    return plan.levels.get("acknowledgment") in ("specific", "factual") or plan.levels.get(
        "apology"
    ) in ("specific", "plain")


def _default_level(dimension: str) -> str:
    return "ignore" if dimension == "boundaries" else "none"
