"""The shape of one practice scenario, validated when the library loads.

A scenario is a short scripted conversation an agent rehearses to train one to three rubric
dimensions. Field-level rules live on the fields; rules that tie two fields together live in
``Scenario._check_consistency`` so each problem is reported at the exact field path an author
has to edit (``curveball.after_turn``, ``tags``, ...), all at once rather than one per reload.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from shared.events.interactions import Channel
from shared.events.scores import Dimension
from shared.events.scores import Vulnerability as VulnerabilityKind

ScenarioEmotion = Literal["anger", "fear", "disappointment", "confusion"]
Level = Literal["low", "medium", "high"]
CurveballKind = Literal[
    "outage", "policy_change", "contradictory_information", "escalation_demand", "new_information"
]

KEBAB_CASE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _require_kebab_case(value: str) -> str:
    if not KEBAB_CASE.fullmatch(value):
        raise PydanticCustomError(
            "kebab_case",
            "must be kebab-case (lowercase letters, digits, single hyphens), got '{value}'",
            {"value": value},
        )
    return value


def _require_text(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("blank", "must not be blank")
    return value


KebabCase = Annotated[str, AfterValidator(_require_kebab_case)]
NonBlank = Annotated[str, AfterValidator(_require_text)]
# Strict, so YAML's `yes` (a bool) or `"4"` is reported instead of quietly becoming a number.
StrictInt = Annotated[int, Field(strict=True)]
Rating = Annotated[StrictInt, Field(ge=1, le=5)]

# Tags that merely restate a structured block must agree with it, so a deck filtered by tag and
# one filtered by field never disagree.
VULNERABILITY_TAG = "vulnerability"
CURVEBALL_TAG = "curveball"
ACCESSIBILITY_TAG = "accessibility"
BOUNDARY_TAG = "boundary"


class ScenarioPart(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Persona(ScenarioPart):
    name: NonBlank
    summary: NonBlank


class VulnerabilityDisclosure(ScenarioPart):
    kind: VulnerabilityKind
    disclosure: NonBlank
    expected_handling: NonBlank


class Curveball(ScenarioPart):
    after_turn: StrictInt = Field(gt=0, description="Lands after this many customer turns.")
    kind: CurveballKind
    text: NonBlank


class Roles(ScenarioPart):
    agent: NonBlank
    customer: NonBlank
    observer: NonBlank


class Examples(ScenarioPart):
    strong: NonBlank
    weak: NonBlank

    @model_validator(mode="after")
    def _strong_and_weak_differ(self) -> Self:
        if " ".join(self.strong.split()).casefold() == " ".join(self.weak.split()).casefold():
            raise PydanticCustomError("examples_identical", "strong and weak examples must differ")
        return self


class Scenario(ScenarioPart):
    id: KebabCase
    title: NonBlank
    dimensions: tuple[Dimension, ...] = Field(min_length=1, max_length=3)
    emotion: ScenarioEmotion
    intensity: Rating
    # Read by the assignment policy, which raises it as an agent succeeds.
    difficulty: Rating
    stakes: Level
    ambiguity: Level
    channel: Channel
    industry: NonBlank
    persona: Persona
    accessibility_needs: tuple[NonBlank, ...] = ()
    cultural_cues: tuple[NonBlank, ...] = ()
    vulnerability: VulnerabilityDisclosure | None = None
    tags: tuple[KebabCase, ...] = ()
    customer_turns: tuple[NonBlank, ...] = Field(min_length=2, max_length=5)
    curveball: Curveball | None = None
    success_signals: tuple[NonBlank, ...] = Field(min_length=2)
    reflection_questions: tuple[NonBlank, ...] = Field(min_length=2)
    roles: Roles
    timebox_minutes: StrictInt = Field(ge=3, le=10)
    examples: Examples

    @field_validator("dimensions", "tags")
    @classmethod
    def _no_repeats(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        repeated = sorted({value for value in values if values.count(value) > 1})
        if repeated:
            raise PydanticCustomError("repeated", "repeated entries: {items}", {"items": repeated})
        return values

    @field_validator("channel")
    @classmethod
    def _practicable_channel(cls, channel: Channel) -> Channel:
        # "other" exists for ingesting unknown sources; a drill needs a channel with known norms.
        if channel is Channel.OTHER:
            raise PydanticCustomError("channel_other", "a scenario needs a concrete channel")
        return channel

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        problems = [*self._curveball_problems(), *self._tag_problems()]
        if problems:
            raise ValidationError.from_exception_data(
                type(self).__name__,
                [
                    InitErrorDetails(
                        type=PydanticCustomError("scenario_consistency", message),
                        loc=loc,
                        input=None,
                    )
                    for loc, message in problems
                ],
            )
        return self

    def _curveball_problems(self) -> list[tuple[tuple[str, ...], str]]:
        # The curveball must land mid-scenario: at least one scripted turn has to follow it.
        if self.curveball is None or self.curveball.after_turn < len(self.customer_turns):
            return []
        return [
            (
                ("curveball", "after_turn"),
                f"must be less than the number of customer_turns ({len(self.customer_turns)})",
            )
        ]

    def _tag_problems(self) -> list[tuple[tuple[str, ...], str]]:
        blocks = (
            (VULNERABILITY_TAG, "vulnerability", self.vulnerability is not None),
            (CURVEBALL_TAG, "curveball", self.curveball is not None),
            (ACCESSIBILITY_TAG, "accessibility_needs", bool(self.accessibility_needs)),
        )
        problems = [
            _tag_mismatch(tag, field, tagged=tag in self.tags)
            for tag, field, present in blocks
            if (tag in self.tags) != present
        ]
        if "boundaries" in self.dimensions and BOUNDARY_TAG not in self.tags:
            problems.append(f"trains boundaries but is not tagged '{BOUNDARY_TAG}'")
        return [(("tags",), message) for message in problems]


def _tag_mismatch(tag: str, field: str, *, tagged: bool) -> str:
    if tagged:
        return f"tagged '{tag}' but '{field}' is not set"
    return f"'{field}' is set but not tagged '{tag}'"
