"""Lexical cues per reply sentence, given to the heads next to the encoder's sentence vectors.

Sentence encoders are known to be nearly blind to negation and hedging: "I can't waive the fee"
and "Fine, I'll waive the fee" embed almost alike, and so do a clear "no" and a "maybe, possibly".
Those are exactly the differences between holding a boundary, caving and waffling, or between a
plan and a vague promise. And when one sentence carries two moves ("I'm so sorry the kettle
arrived cracked before Sunday"), its vector leans to one of them; explicit apology, ownership and
question cues keep the other visible. A few counts per sentence make the cues explicit; what they
mean for a score, in which context, is still learnt from the data.
"""

from __future__ import annotations

import math
import re

_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("negation", re.compile(
        r"\b(?:no|not|never|none|nothing|cannot|unable|without)\b|n't\b", re.IGNORECASE)),
    ("hedge", re.compile(
        r"\b(?:maybe|perhaps|possibly|might|who knows|not sure|hard to say|i suppose|i guess|"
        r"wait and see|can't promise|can't really say|ask around)\b", re.IGNORECASE)),
    ("concession", re.compile(
        r"\b(?:anyway|exception|just this once|this time|fine, i'll|okay, i'll|go ahead and)\b",
        re.IGNORECASE)),
    ("alternative", re.compile(
        r"\b(?:instead|what i can do|alternatively|the good news|what i'd suggest|"
        r"i can offer|happy to|but let me|though)\b", re.IGNORECASE)),
    ("commitment", re.compile(
        r"\b(?:i'll|i will|i've|i have|we'll|we will|i'm going to|i am going to)\b",
        re.IGNORECASE)),
    ("time", re.compile(
        r"\b(?:today|tomorrow|tonight|within|by|before|until|hours?|minutes?|days?|"
        r"monday|tuesday|wednesday|thursday|friday|saturday|sunday|\d{1,2}(?::\d{2})?\s?[ap]m)\b",
        re.IGNORECASE)),
    # A plan announced as such ("the next step is", "here's what happens next"): without it a
    # partial plan and a reply with no plan at all embed much alike.
    ("plan", re.compile(
        r"\b(?:the plan is|plan is to|next steps?|here's what|what happens next|"
        r"what will happen)\b", re.IGNORECASE)),
    ("digits", re.compile(r"\d+")),
    ("apology", re.compile(r"\b(?:sorry|apologi[sz]e\w*|apologies|regret)\b", re.IGNORECASE)),
    ("ownership", re.compile(
        r"\b(?:myself|personally|leave (?:it|this) with me|take (?:this|it) on|i'll make sure|"
        r"i will make sure|my responsibility|that's on (?:me|us))\b", re.IGNORECASE)),
    ("question", re.compile(r"\?")),
)
CUE_NAMES: tuple[str, ...] = tuple(name for name, _ in _CUES)


def sentence_cues(sentence: str) -> tuple[float, ...]:
    """``log1p`` of each cue's count in one sentence, in ``CUE_NAMES`` order."""
    return tuple(math.log1p(len(pattern.findall(sentence))) for _, pattern in _CUES)


# The encoder is uncased: a customer shouting in capitals reads to it exactly like one writing
# calmly. Words in capitals and exclamation marks are counted per customer sentence instead.
_SHOUTED_WORD = re.compile(r"\b[A-Z]{3,}\b")
CUSTOMER_CUE_NAMES: tuple[str, ...] = ("shouted_words", "exclamations")


def customer_sentence_cues(sentence: str) -> tuple[float, ...]:
    """``log1p`` counts of shouted words and exclamation marks, in ``CUSTOMER_CUE_NAMES`` order."""
    return (
        math.log1p(len(_SHOUTED_WORD.findall(sentence))),
        math.log1p(sentence.count("!")),
    )
