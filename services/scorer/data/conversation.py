"""Sampling the customer's side of an example: channel, emotion, facts, disclosure, history."""

from __future__ import annotations

import random
from dataclasses import dataclass

from services.scorer.data.fragments.channel import CHANNEL_WEIGHTS, SHORT_CHANNELS
from services.scorer.data.fragments.common import (
    AGENT_NAMES,
    COMMON_SLOTS,
    CUSTOMER_NAMES,
    FAMILY_NAMES,
    GENERIC_OBJECT,
    INDUSTRY_COMPANIES,
    THIRD_PARTY,
)
from services.scorer.data.fragments.customer import (
    EARLIER_AGENT_REPLIES,
    EMOTION_FRAMES,
    FOLLOW_UPS,
    INTENSITY_VALUE,
    NEUTRAL_INTENSITY,
    VOICE_OPENERS,
    VULNERABILITY_DISCLOSURES,
)
from services.scorer.data.situation import Situation
from services.scorer.model.sentences import sentence_spans

VULNERABILITY_RATE = 0.2
HISTORY_RATE = 0.22
SITUATION_CLAUSES = (
    "issue", "impact", "action", "question", "closed_question", "refusal", "reason",
    "alternative", "cave", "detail",
)


@dataclass(frozen=True)
class Conversation:
    situation: Situation
    channel: str
    emotion: str
    intensity: float
    vulnerability: str | None
    vulnerability_clause: str
    slots: dict[str, str]
    clauses: dict[str, str]
    steps: tuple[str, ...]
    history: tuple[tuple[str, str], ...]
    customer: str


def sample_channel(rng: random.Random) -> str:
    channels = list(CHANNEL_WEIGHTS)
    return rng.choices(channels, weights=[CHANNEL_WEIGHTS[c] for c in channels])[0]


def sample_conversation(situation: Situation, channel: str, rng: random.Random) -> Conversation:
    slots = _fill_slots(situation, rng)
    emotion = rng.choice(situation.emotions)
    level = rng.choice(sorted(EMOTION_FRAMES[emotion]))
    opener, closer = rng.choice(EMOTION_FRAMES[emotion][level])
    intensity = NEUTRAL_INTENSITY if emotion == "neutral" else INTENSITY_VALUE[level]
    vulnerability, disclosure, clause = None, "", ""
    if not situation.positive and rng.random() < VULNERABILITY_RATE:
        vulnerability = rng.choice(sorted(VULNERABILITY_DISCLOSURES))
        disclosure, clause = rng.choice(VULNERABILITY_DISCLOSURES[vulnerability])

    short = channel in SHORT_CHANNELS
    facts = (situation.short if short else rng.choice(situation.customer)).format(**slots)
    history: tuple[tuple[str, str], ...] = ()
    if channel != "voice" and rng.random() < HISTORY_RATE:
        # The facts (and any disclosure) sit in an earlier turn; the latest message only follows up.
        history = (
            ("customer", _join(facts, disclosure)),
            ("agent", rng.choice(EARLIER_AGENT_REPLIES)),
        )
        follow_up = rng.choice(FOLLOW_UPS[emotion]).format(**slots)
        customer = _join(opener, follow_up, closer)
    else:
        customer = _join(opener, facts, disclosure, closer)
    if channel == "voice":
        customer = _as_speech(customer, rng)
    elif channel in ("email", "web_form") and rng.random() < 0.6:
        customer = f"{customer}\n\n{slots['name']}"
    return Conversation(
        situation=situation,
        channel=channel,
        emotion=emotion,
        intensity=intensity,
        vulnerability=vulnerability,
        vulnerability_clause=clause,
        slots=slots,
        clauses={name: getattr(situation, name).format(**slots) for name in SITUATION_CLAUSES},
        steps=tuple(step.format(**slots) for step in situation.steps),
        history=history,
        customer=customer,
    )


def _fill_slots(situation: Situation, rng: random.Random) -> dict[str, str]:
    slots = {name: rng.choice(values) for name, values in COMMON_SLOTS.items()}
    slots.update({name: rng.choice(values) for name, values in situation.slots.items()})
    name, agent = rng.choice(CUSTOMER_NAMES), rng.choice(AGENT_NAMES)
    slots.update(
        name=name,
        family=rng.choice(FAMILY_NAMES),
        agent=agent,
        initials=agent[:2].upper(),
        handle=f"{name.lower()}{rng.randint(7, 99)}",
        company=rng.choice(INDUSTRY_COMPANIES[situation.industry]),
        generic_object=GENERIC_OBJECT[situation.industry],
        third_party=THIRD_PARTY[situation.industry],
    )
    return slots


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


def _as_speech(text: str, rng: random.Random) -> str:
    """A call transcript: spoken openers, pauses, no capital letters at the start."""
    spoken: list[str] = []
    for start, end in sentence_spans(text):
        sentence = text[start:end]
        if not sentence.startswith(("I ", "I'")):
            sentence = sentence[:1].lower() + sentence[1:]
        if spoken and rng.random() < 0.4:
            sentence = f"{rng.choice(('um,', 'and', 'so', 'like,'))} {sentence}"
        spoken.append(sentence)
    return f"{rng.choice(VOICE_OPENERS)} {' '.join(spoken)}"
