"""The scenario library as a check on the real model: every scenario's hand-written strong reply
beats its weak one on the scenario's target dimension, and scores at least 0.75 there.

An agent who typed the model answer of a drill must see it scored as the model answer.
"""

from __future__ import annotations

import pytest

from services.coach.domain.scenario_library import load_library
from services.coach.domain.scenario_models import Scenario
from services.scorer.model import EmpathyScorer, ScoreRequest, ScoreResult
from tests.scorer.known_gaps import known_gap

STRONG_FLOOR = 0.75
SCENARIOS = load_library().all()
# Scenarios whose strong reply the committed model scores under the floor on its target
# dimension (7 of 66: exploration most often). A known gap of this model, in the model card;
# the strong reply beats the weak one on every scenario. Every strong reply listed here was
# labelled at least 0.75 on its target by a blind annotator following the labelling guide (the
# model card says how the library was checked).
UNDER_THE_FLOOR = frozenset({
    "debt-collection-cant-pay-sms", "launch-day-server-outage-social",
    "nut-allergy-order-social", "parking-permit-renewal-email",
    "ride-driver-keeps-messaging-messaging", "same-day-appointment-deaf-patient-web-form",
    "screen-reader-checkout-chat",
})


def request_for(scenario: Scenario, reply: str) -> ScoreRequest:
    # The examples answer the customer's opening message.
    return ScoreRequest(channel=scenario.channel, customer=scenario.customer_turns[0], reply=reply)


@pytest.fixture(scope="module")
def library_scores(scorer: EmpathyScorer) -> dict[str, tuple[ScoreResult, ScoreResult]]:
    requests = [request_for(s, reply) for s in SCENARIOS
                for reply in (s.examples.strong, s.examples.weak)]
    results = scorer.score_batch(requests)
    return {s.id: (results[2 * i], results[2 * i + 1]) for i, s in enumerate(SCENARIOS)}


def target_score(result: ScoreResult, dimension: str) -> float:
    # Before the applicability gate: the scenario says the dimension applies.
    return result.unconditional_scores[dimension]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.id for s in SCENARIOS])
def test_the_strong_example_beats_the_weak_one_on_the_target(
        library_scores: dict[str, tuple[ScoreResult, ScoreResult]], scenario: Scenario) -> None:
    strong, weak = library_scores[scenario.id]
    target = scenario.dimensions[0]
    assert target_score(strong, target) > target_score(weak, target), target


@pytest.mark.parametrize("scenario", [
    pytest.param(s, id=s.id, marks=known_gap("strong reply under the floor", strict=False))
    if s.id in UNDER_THE_FLOOR else pytest.param(s, id=s.id) for s in SCENARIOS])
def test_the_strong_example_scores_at_least_the_floor_on_the_target(
        library_scores: dict[str, tuple[ScoreResult, ScoreResult]], scenario: Scenario) -> None:
    strong, _ = library_scores[scenario.id]
    target = scenario.dimensions[0]
    assert target_score(strong, target) >= STRONG_FLOOR, (
        f"{scenario.id}: strong reply scores {target_score(strong, target):.2f} on {target}")
