"""How the home page names each rubric skill and says what its percentage measures.

A bare "42%" invites "42% of what?": every figure shown to an agent names the skill and what the
score looks for in a reply. The wording describes what replies do, never what the person is.
"""

from __future__ import annotations

from shared.events.scores import Dimension

# What a high score on each dimension means a reply did (from the rubric in DESIGN.md).
_MEASURES: dict[str, str] = {
    "acknowledgment": "naming the customer's situation or feeling specifically",
    "apology": "owning the specific impact on the customer when something went wrong",
    "ownership": "taking the case on (\"I will...\") rather than passing it along",
    "next_steps": "saying concretely what happens next, who does it and by when",
    "exploration": "asking open, well-timed questions",
    "tone": "sounding calm, warm and fitting the channel",
    "boundaries": "saying a clear, kind no with an alternative",
    "personalization": "using the customer's own specifics instead of canned text",
}


def skill_name(dimension: str) -> str:
    """"next_steps" -> "next steps": how the page names a skill in a sentence."""
    return dimension.replace("_", " ")


def skill_title(dimension: str) -> str:
    """"next_steps" -> "Next steps": a skill at the start of a sentence or as a label."""
    return skill_name(dimension).capitalize()


def measures(dimension: Dimension | str) -> str:
    """What the skill's score looks for in a reply."""
    return _MEASURES.get(str(dimension), f"showing {skill_name(dimension)}")


def percent(value: float) -> str:
    return f"{round(value * 100)}%"


def score_phrase(dimension: str, value: float) -> str:
    """A framed percentage: "42% for acknowledgment (naming the customer's ... specifically)"."""
    return f"{percent(value)} for {skill_name(dimension)} ({measures(dimension)})"
