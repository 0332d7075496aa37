"""Rendering a reply plan into text, recording which customer specifics it used.

Each dimension draws its template with its own random stream (seeded by the plan's choice seed and
the dimension), so two plans that differ in one dimension render every other move identically:
that is what makes the contrast set's minimal pairs minimal.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, replace

from services.scorer.data.conversation import Conversation
from services.scorer.data.fragments.channel import GREETINGS, SIGN_OFFS, VOICE_FILLERS
from services.scorer.data.fragments.reply import (
    ACKNOWLEDGMENT,
    APOLOGY,
    BOUNDARIES,
    DETAIL_ECHO,
    EXPLORATION,
    FEELING_LEADS,
    FILLER,
    INTERROGATION_QUESTIONS,
    MISNAMED_LEADS,
    NEXT_STEPS,
    OWNERSHIP,
    TONE,
    TONE_POSITION,
    VULNERABILITY_ACKNOWLEDGMENT,
    Move,
)

MOVE_TABLES: dict[str, dict[str, Move]] = {
    "acknowledgment": ACKNOWLEDGMENT,
    "apology": APOLOGY,
    "ownership": OWNERSHIP,
    "next_steps": NEXT_STEPS,
    "exploration": EXPLORATION,
    "boundaries": BOUNDARIES,
    "tone": TONE,
}
# Which customer specific a placeholder refers to; personalization counts distinct ones.
PLACEHOLDER_FACTS: dict[str, str] = {
    "issue": "issue",
    "impact": "impact",
    "action": "resolution",
    "step": "resolution",
    "cave": "request",
    "question": "question",
    "question_inline": "question",
    "closed_question": "question",
    # Every boundary move (kind no, alternative, waffle, giving in) engages the same specific:
    # what the customer asked for.
    "refusal": "request",
    "reason": "request",
    "alternative": "request",
    "vulnerability": "vulnerability",
    "name": "name",
    "detail": "detail",
}


@dataclass(frozen=True)
class ReplyPlan:
    levels: dict[str, str]  # MOVE_TABLES dimension -> level
    register: str
    filler: int
    greeting_name: bool
    detail_echo: str  # "specific", "generic" (same sentence, no customer detail) or "none"
    vulnerability_acknowledged: bool
    apology_first: bool
    choice_seed: int
    # Where filler sentences come from; training-only augmentation draws on a wider pool.
    filler_pool: tuple[str, ...] = FILLER
    # Filler around the whole reply, greeting and sign-off included, instead of inside the body:
    # a padder pastes pleasantries anywhere, not where a letter writer would put them.
    filler_outside_frame: bool = False

    def with_level(self, dimension: str, level: str) -> ReplyPlan:
        return replace(self, levels={**self.levels, dimension: level})


@dataclass(frozen=True)
class RenderedReply:
    text: str
    facts: frozenset[str]
    content_sentences: int


def render_reply(conversation: Conversation, plan: ReplyPlan) -> RenderedReply:
    values = {**conversation.slots, **conversation.clauses}
    values["vulnerability"] = conversation.vulnerability_clause
    question = conversation.clauses["question"]
    values["question_inline"] = question[:1].lower() + question[1:]
    facts: set[str] = set()

    def move(dimension: str) -> list[str]:
        level = plan.levels.get(dimension, "none")
        rng = random.Random(f"{plan.choice_seed}:{dimension}:{level}")
        return _render_move(dimension, level, conversation, values, rng, facts)

    body: list[str] = []
    acknowledgment = move("acknowledgment")
    if plan.vulnerability_acknowledged and conversation.vulnerability:
        rng = random.Random(f"{plan.choice_seed}:vulnerability")
        acknowledgment.append(_fill(rng.choice(VULNERABILITY_ACKNOWLEDGMENT), values, facts))
    apology = move("apology")
    body += apology + acknowledgment if plan.apology_first else acknowledgment + apology
    if plan.detail_echo != "none":
        rng = random.Random(f"{plan.choice_seed}:detail")
        specific, generic = rng.choice(DETAIL_ECHO)
        body.append(_fill(specific if plan.detail_echo == "specific" else generic, values, facts))
    body += move("ownership") + move("boundaries") + move("next_steps")
    tone = move("tone")
    position = TONE_POSITION[plan.levels["tone"]]
    if position == "middle":
        body += tone
    body += move("exploration")
    content_sentences = sum(_count_sentences(s) for s in body) + len(tone)
    if position == "start":
        body = tone + body
    elif position == "end":
        body += tone
    filler_head, filler_tail = _filler(plan, values)
    if not plan.filler_outside_frame:
        body = filler_head + body + filler_tail
    if conversation.channel == "voice" and plan.register == "voice":
        body = _as_speech(body, random.Random(f"{plan.choice_seed}:voice"))
    text = _wrap(body, plan, values, facts)
    if plan.filler_outside_frame:
        text = " ".join([*filler_head, text, *filler_tail])
    return RenderedReply(
        text=text,
        facts=frozenset(facts),
        content_sentences=content_sentences,
    )


def _render_move(
    dimension: str,
    level: str,
    conversation: Conversation,
    values: dict[str, str],
    rng: random.Random,
    facts: set[str],
) -> list[str]:
    templates = MOVE_TABLES[dimension][level][1]
    if not templates:
        return []
    template = rng.choice(templates)
    local = dict(values)
    if dimension == "acknowledgment":
        leads = MISNAMED_LEADS if level == "misnamed" else FEELING_LEADS
        local["lead"] = rng.choice(leads[conversation.emotion])
    local["step"] = rng.choice(conversation.steps)
    local["interrogation"] = " ".join(rng.sample(INTERROGATION_QUESTIONS, 4))
    return [_capitalise(_fill(template, local, facts))]


def _fill(template: str, values: dict[str, str], facts: set[str]) -> str:
    names = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    facts.update(PLACEHOLDER_FACTS[name] for name in names if name in PLACEHOLDER_FACTS)
    return template.format(**values)


def _filler(plan: ReplyPlan, values: dict[str, str]) -> tuple[list[str], list[str]]:
    """The plan's filler sentences, split into those before the reply and those after it."""
    if plan.filler == 0:
        return [], []
    rng = random.Random(f"{plan.choice_seed}:filler")
    filler = [sentence.format(**values) for sentence in rng.sample(plan.filler_pool, plan.filler)]
    head = rng.randint(0, len(filler))
    return filler[:head], filler[head:]


def _wrap(body: list[str], plan: ReplyPlan, values: dict[str, str], facts: set[str]) -> str:
    rng = random.Random(f"{plan.choice_seed}:register")
    greeting = rng.choice(GREETINGS[plan.register])
    if not plan.greeting_name and "{name}" in greeting:
        greeting = ""
    greeting = _fill(greeting, values, facts) if greeting else ""
    sign_off = rng.choice(SIGN_OFFS[plan.register]).format(**values)
    if plan.register == "letter":
        paragraphs = [greeting, " ".join(body), sign_off]
        return "\n\n".join(p for p in paragraphs if p)
    return " ".join(part for part in [greeting, *body, sign_off] if part)


def _as_speech(body: list[str], rng: random.Random) -> list[str]:
    spoken = []
    for sentence in body:
        if rng.random() < 0.35:
            sentence = f"{rng.choice(VOICE_FILLERS).capitalize()} {_lower_first(sentence)}"
        spoken.append(sentence.replace("I am ", "I'm ").replace("We are ", "We're "))
    return spoken


def _lower_first(sentence: str) -> str:
    if sentence.startswith(("I ", "I'")):
        return sentence
    return sentence[:1].lower() + sentence[1:]


def _count_sentences(text: str) -> int:
    return max(1, sum(text.count(mark) for mark in ".?!"))


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]
