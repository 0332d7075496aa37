"""The frameworks feedback draws on, and the move of one each piece of feedback practises.

The scorer labels each suggestion with its framework and move ("NURSE (Name, Understand)",
"L.A.S.T. (Apologise)", "NVC (observation, feeling)"); the page names them in full, so an agent
who has not met NURSE learns what the letters stand for. Praise has no scorer label, so each
rubric dimension also has the move it practises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    name: str  # as the tips write it
    full_name: str
    steps: str  # what its letters or parts stand for


@dataclass(frozen=True)
class Move:
    framework: Framework
    move: str  # the part of the framework this feedback is about

    def named(self) -> str:
        """"NURSE: Name, Understand", as the page heads a tip."""
        return f"{self.framework.name}: {self.move}"


FRAMEWORKS: dict[str, Framework] = {framework.name: framework for framework in (
    Framework("NURSE", "NURSE", "Name, Understand, Respect, Support, Explore"),
    Framework("L.A.S.T.", "L.A.S.T.", "Listen, Apologise, Solve, Thank"),
    Framework("NVC", "Nonviolent Communication", "observation, feeling, need, request"),
)}
# Other spellings a label may use for the same framework.
_ALIASES = {"LAST": "L.A.S.T.", "NONVIOLENT COMMUNICATION": "NVC"}

# The move each dimension practises (what the scorer's suggestion for it names).
DIMENSION_MOVES: dict[str, Move] = {
    "acknowledgment": Move(FRAMEWORKS["NURSE"], "Name, Understand"),
    "apology": Move(FRAMEWORKS["L.A.S.T."], "Apologise"),
    "ownership": Move(FRAMEWORKS["L.A.S.T."], "Solve"),
    "next_steps": Move(FRAMEWORKS["L.A.S.T."], "Solve"),
    "exploration": Move(FRAMEWORKS["NURSE"], "Explore"),
    "tone": Move(FRAMEWORKS["NVC"], "observation, feeling"),
    "boundaries": Move(FRAMEWORKS["NVC"], "need, request"),
    "personalization": Move(FRAMEWORKS["NURSE"], "Understand"),
}

_LABEL = re.compile(r"^\s*(?P<name>[^()]+?)\s*(?:\((?P<move>[^()]*)\))?\s*$")


def resolve_framework(label: str) -> Framework | None:
    """The framework a scorer label names ("NURSE (Name, Understand)" -> NURSE), or None."""
    matched = _LABEL.match(label)
    if matched is None:
        return None
    name = matched.group("name").strip()
    name = _ALIASES.get(name.upper(), name)
    return FRAMEWORKS.get(name)


def move_for(dimension: str, label: str | None = None) -> Move | None:
    """The move a piece of feedback is about: the scorer's label when it names one, else the
    dimension's own move (praise, or a label without its part: "NURSE")."""
    fallback = DIMENSION_MOVES.get(dimension)
    if label:
        framework = resolve_framework(label)
        matched = _LABEL.match(label)
        part = (matched.group("move") or "").strip() if matched else ""
        if framework is not None and part:
            return Move(framework, part)
        if framework is not None:
            if fallback is not None and fallback.framework == framework:
                return fallback
            return Move(framework, framework.steps)
    return fallback

