"""A customer situation: the facts of one kind of ticket, and the situation-specific reply parts.

Every text field is a ``str.format`` template over the situation's slots plus the common slots
(``name``, ``order``, ``day``, ``amount``...). Generic reply moves (stock empathy, vague promises,
filler) live in ``fragments.reply``; a situation only supplies what can only be said about *this*
ticket, which is exactly what separates a specific reply from a canned one.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Situation:
    key: str
    industry: str
    emotions: tuple[str, ...]
    # Which dimensions apply follows from the situation, not from the reply.
    fault: bool  # something went wrong on the company's side: an apology is owed
    refuse: bool  # the honest answer to the request is no: boundaries apply
    ambiguous: bool  # the agent needs information to act: exploration applies
    customer: tuple[str, ...]  # the facts, emotion-neutral, in a few phrasings
    short: str  # the facts in SMS/social length
    issue: str  # clause echoing the facts: "your lamp from order {order} arrived cracked"
    impact: str  # clause naming what it cost them: "you wanted it for {event} on {day}"
    action: str  # verb phrase for what the agent does: "get a replacement lamp to you"
    steps: tuple[str, ...]  # concrete next steps: who does what by when
    detail: str  # noun phrase of one concrete customer detail: "order {order}", "code {code}"
    question: str = ""  # a fitting open question (ambiguous situations)
    closed_question: str = ""  # a yes/no question about the same thing
    refusal: str = ""  # verb phrase of what cannot be done: "refund the annual plan"
    reason: str = ""  # clause: why not
    alternative: str = ""  # clause: what can be done instead
    cave: str = ""  # verb phrase: giving in anyway
    slots: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.ambiguous and not (self.question and self.closed_question):
            raise ValueError(f"{self.key}: ambiguous situations need both questions")
        if self.refuse and not (self.refusal and self.reason and self.alternative and self.cave):
            raise ValueError(f"{self.key}: refusal situations need refusal/reason/alternative/cave")
        if not self.customer or not self.steps:
            raise ValueError(f"{self.key}: needs customer phrasings and steps")

    @property
    def positive(self) -> bool:
        return self.emotions == ("positive",)
