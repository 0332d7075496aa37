"""Validation rules of a single scenario, independent of files."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from services.coach.domain.scenario_models import Scenario
from shared.events.scores import DIMENSIONS

from .scenario_samples import valid_scenario_data

VULNERABILITY = {
    "kind": "health",
    "disclosure": "Has two days of medication left.",
    "expected_handling": "Resource referral (pharmacist line) + privacy (need-to-know only).",
}
CURVEBALL = {"after_turn": 1, "kind": "outage", "text": "The whole region goes down."}


def error_locations(data: dict[str, Any]) -> dict[str, str]:
    """Validate ``data`` expecting failure; map each dotted field path to its message."""
    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)
    return {
        ".".join(str(part) for part in error["loc"]): error["msg"]
        for error in caught.value.errors()
    }


def test_sample_scenario_is_valid() -> None:
    scenario = Scenario.model_validate(valid_scenario_data())

    assert scenario.dimensions == ("acknowledgment", "next_steps")
    assert scenario.channel == "chat"


@pytest.mark.parametrize(
    ("overrides", "location", "message_fragment"),
    [
        pytest.param({"id": "Billing_Double"}, "id", "kebab-case", id="id-not-kebab"),
        pytest.param({"title": "   "}, "title", "must not be blank", id="blank-title"),
        pytest.param({"dimensions": []}, "dimensions", "at least 1", id="no-dimensions"),
        pytest.param(
            {"dimensions": ["tone", "apology", "ownership", "exploration"]},
            "dimensions",
            "at most 3",
            id="four-dimensions",
        ),
        pytest.param(
            {"dimensions": ["tone", "tone"]}, "dimensions", "repeated", id="repeated-dimension"
        ),
        pytest.param({"dimensions": ["empathy"]}, "dimensions.0", "Input should be", id="unknown"),
        pytest.param({"emotion": "joy"}, "emotion", "Input should be", id="unknown-emotion"),
        pytest.param({"intensity": 6}, "intensity", "less than or equal to 5", id="intensity-6"),
        pytest.param({"difficulty": 0}, "difficulty", "greater than or equal to 1", id="diff-0"),
        pytest.param({"intensity": True}, "intensity", "valid integer", id="yaml-yes-as-int"),
        pytest.param({"channel": "other"}, "channel", "concrete channel", id="channel-other"),
        pytest.param({"channel": "fax"}, "channel", "Input should be", id="unknown-channel"),
        pytest.param(
            {"customer_turns": ["Only one."]}, "customer_turns", "at least 2", id="1-turn"
        ),
        pytest.param(
            {"customer_turns": ["a", "b", "c", "d", "e", "f"]},
            "customer_turns",
            "at most 5",
            id="6-turns",
        ),
        pytest.param(
            {"customer_turns": ["Hello.", "  "]}, "customer_turns.1", "blank", id="blank-turn"
        ),
        pytest.param({"timebox_minutes": 2}, "timebox_minutes", "greater than", id="timebox-2"),
        pytest.param({"timebox_minutes": 11}, "timebox_minutes", "less than", id="timebox-11"),
        pytest.param(
            {"persona": {"name": "Sam", "summary": "x", "mood": "grumpy"}},
            "persona.mood",
            "Extra inputs are not permitted",
            id="extra-nested-field",
        ),
        pytest.param({"owner": "me"}, "owner", "Extra inputs are not permitted", id="extra-field"),
        pytest.param(
            {"curveball": {**CURVEBALL, "after_turn": 0}, "tags": ["curveball"]},
            "curveball.after_turn",
            "greater than 0",
            id="curveball-at-0",
        ),
        pytest.param(
            {"curveball": {**CURVEBALL, "after_turn": 2}, "tags": ["curveball"]},
            "curveball.after_turn",
            "less than the number of customer_turns (2)",
            id="curveball-after-last-turn",
        ),
        pytest.param(
            {"tags": ["vulnerability"]},
            "tags",
            "tagged 'vulnerability' but 'vulnerability' is not set",
            id="tag-no-block",
        ),
        pytest.param(
            {"vulnerability": VULNERABILITY},
            "tags",
            "but not tagged 'vulnerability'",
            id="block-no-tag",
        ),
        pytest.param(
            {"vulnerability": {**VULNERABILITY, "kind": "grief"}, "tags": ["vulnerability"]},
            "vulnerability.kind",
            "Input should be",
            id="unknown-vulnerability-kind",
        ),
        pytest.param(
            {"dimensions": ["boundaries"]}, "tags", "not tagged 'boundary'", id="boundary-untagged"
        ),
        pytest.param(
            {"curveball": CURVEBALL}, "tags", "but not tagged 'curveball'", id="cb-untagged"
        ),
        pytest.param(
            {"accessibility_needs": ["uses a screen reader"]},
            "tags",
            "but not tagged 'accessibility'",
            id="accessibility-untagged",
        ),
        pytest.param({"tags": ["Boundary"]}, "tags.0", "kebab-case", id="tag-not-kebab"),
        pytest.param(
            {"examples": {"strong": "Same reply.", "weak": "  same   REPLY. "}},
            "examples",
            "must differ",
            id="identical-examples",
        ),
        pytest.param({"success_signals": ["One."]}, "success_signals", "at least 2", id="1-signal"),
    ],
)
def test_invalid_field_is_reported_at_its_path(
    overrides: dict[str, Any], location: str, message_fragment: str
) -> None:
    errors = error_locations(valid_scenario_data(**overrides))

    assert location in errors, errors
    assert message_fragment in errors[location]


def test_cross_field_problems_are_all_reported_at_once() -> None:
    data = valid_scenario_data(
        dimensions=["boundaries"],
        tags=["vulnerability"],
        curveball={**CURVEBALL, "after_turn": 4},
    )

    with pytest.raises(ValidationError) as caught:
        Scenario.model_validate(data)

    messages = [error["msg"] for error in caught.value.errors()]
    assert len(messages) == 4, messages  # after_turn, vulnerability, curveball and boundary tags


def test_scenario_is_frozen() -> None:
    scenario = Scenario.model_validate(valid_scenario_data())

    with pytest.raises(ValidationError):
        scenario.title = "changed"  # type: ignore[misc]  # the point is that this is refused


@given(turn_count=st.integers(min_value=2, max_value=5), after_turn=st.integers(-3, 8))
def test_curveball_must_land_between_two_turns(turn_count: int, after_turn: int) -> None:
    data = valid_scenario_data(
        customer_turns=[f"Customer turn {index}." for index in range(turn_count)],
        curveball={**CURVEBALL, "after_turn": after_turn},
        tags=["curveball"],
    )

    if 0 < after_turn < turn_count:
        assert Scenario.model_validate(data).curveball is not None
    else:
        assert "curveball.after_turn" in error_locations(data)


@given(dimensions=st.lists(st.sampled_from(DIMENSIONS), max_size=5))
def test_dimensions_must_be_one_to_three_distinct_rubric_dimensions(
    dimensions: list[str],
) -> None:
    data = valid_scenario_data(dimensions=dimensions, tags=["boundary"])

    if 1 <= len(dimensions) <= 3 and len(set(dimensions)) == len(dimensions):
        assert Scenario.model_validate(data).dimensions == tuple(dimensions)
    else:
        assert "dimensions" in error_locations(data)


@given(has_block=st.booleans(), tagged=st.booleans())
def test_vulnerability_tag_and_block_must_agree(has_block: bool, tagged: bool) -> None:
    data = valid_scenario_data(
        vulnerability=VULNERABILITY if has_block else None,
        tags=["vulnerability"] if tagged else [],
    )

    if has_block == tagged:
        assert (Scenario.model_validate(data).vulnerability is not None) == has_block
    else:
        assert "tags" in error_locations(data)
