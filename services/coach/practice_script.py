"""The order a drill's customer lines are spoken in: scripted turns, the curveball midway. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from services.coach.scenario_models import Scenario


@dataclass(frozen=True)
class ScriptStep:
    index: int
    kind: Literal["customer", "curveball"]
    text: str


def script_steps(scenario: Scenario) -> list[ScriptStep]:
    """Customer turns in order, with the curveball landing after ``after_turn`` of them."""
    texts: list[tuple[Literal["customer", "curveball"], str]] = [
        ("customer", turn) for turn in scenario.customer_turns]
    if scenario.curveball is not None:
        texts.insert(scenario.curveball.after_turn, ("curveball", scenario.curveball.text))
    return [ScriptStep(index, kind, text) for index, (kind, text) in enumerate(texts)]
