"""The order a drill unfolds in: customer turns, the curveball midway. Pure.

A curveball is one of two things, by its kind. A policy change, an outage or contradictory
records reach the agent from their own company: the page shows it as such (a note, never the
customer speaking) and the agent writes to the customer about what it changes. An escalation or
new information comes from the customer: it is a customer message, in the customer's own words,
marked as the turn that changes things. Every step takes one message from the agent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.coach.domain.scenario_models import CurveballKind, Scenario

StepKind = Literal["customer", "curveball"]
Voice = Literal["customer", "company"]


@dataclass(frozen=True)
class CurveballPresentation:
    voice: Voice  # who delivers it: the customer, or the agent's own company and systems
    label: str  # what the page calls it, in words (colour is never the only signal)
    source: str  # where it comes from, said plainly


CURVEBALLS: dict[CurveballKind, CurveballPresentation] = {
    "policy_change": CurveballPresentation(
        "company", "Policy change", "a policy update from your company, not a customer message"),
    "outage": CurveballPresentation(
        "company", "Service update", "an internal update about an outage, not a customer message"),
    "contradictory_information": CurveballPresentation(
        "company", "Internal note", "what your own records show, not a customer message"),
    "escalation_demand": CurveballPresentation(
        "customer", "Customer \u00b7 the situation escalates", "the customer's message"),
    "new_information": CurveballPresentation(
        "customer", "Customer \u00b7 something new", "the customer's message"),
}
CUSTOMER_PROMPT = "Your reply to the customer"
UPDATE_PROMPT = "Your message to the customer about this"


@dataclass(frozen=True)
class ScriptStep:
    index: int
    kind: StepKind
    text: str
    curveball_kind: CurveballKind | None = None

    @property
    def voice(self) -> Voice:
        return "customer" if self.curveball_kind is None else CURVEBALLS[self.curveball_kind].voice

    @property
    def from_customer(self) -> bool:
        return self.voice == "customer"

    @property
    def label(self) -> str:
        return "Customer" if self.curveball_kind is None else CURVEBALLS[self.curveball_kind].label

    @property
    def source(self) -> str:
        if self.curveball_kind is None:
            return "the customer's message"
        return CURVEBALLS[self.curveball_kind].source

    @property
    def prompt(self) -> str:
        """What the agent writes at this step: a reply, or an update prompted by a note."""
        return CUSTOMER_PROMPT if self.from_customer else UPDATE_PROMPT


def script_steps(scenario: Scenario) -> list[ScriptStep]:
    """Customer turns in order, with the curveball landing after ``after_turn`` of them."""
    steps: list[tuple[StepKind, str, CurveballKind | None]] = [
        ("customer", turn, None) for turn in scenario.customer_turns]
    if scenario.curveball is not None:
        curveball = scenario.curveball
        steps.insert(curveball.after_turn, ("curveball", curveball.text, curveball.kind))
    return [ScriptStep(index, kind, text, curveball_kind)
            for index, (kind, text, curveball_kind) in enumerate(steps)]


@dataclass(frozen=True)
class ScoringContext:
    """What the scorer gets with a reply at one step."""

    customer: str  # the customer message the agent is answering
    history: list[tuple[str, str]]  # (role, text), oldest first


def scoring_context(steps: list[ScriptStep], turn: int,
                    replies: dict[int, str]) -> ScoringContext:
    """The conversation as it happened before ``turn``, with a company note as a system event:
    a note is never passed off as the customer's words. Writing after a note, the agent is
    still answering the customer's latest message."""
    history: list[tuple[str, str]] = []
    for step in steps[:turn]:
        history.append(("customer" if step.from_customer else "system", step.text))
        if step.index in replies:
            history.append(("agent", replies[step.index]))
    step = steps[turn]
    if step.from_customer:
        return ScoringContext(step.text, history)
    latest = next((s.text for s in reversed(steps[:turn]) if s.from_customer), "")
    history.append(("system", step.text))
    return ScoringContext(latest, history)
