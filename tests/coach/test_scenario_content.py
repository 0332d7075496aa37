"""Coverage and craft of the shipped scenario library.

The library is content, so these tests pin down what a trainer would check by hand: every skill
and channel is practised, hard situations are covered, and the scenarios are not one template
with words swapped.
"""

from __future__ import annotations

import hashlib
import json
import re
import statistics
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from services.coach.domain.scenario_library import load_library
from services.coach.domain.scenario_models import Scenario
from shared.events.scores import DIMENSIONS

SCENARIOS: tuple[Scenario, ...] = load_library().all()

# Phrases the rubric calls out as empty: a strong example must never lean on them.
STOCK_PHRASES = re.compile(
    r"any inconvenience|understand your frustration|look into it|valued customer"
    r"|thank you for your patience|as per our|we take \w+ (?:very )?seriously|relevant team",
    re.IGNORECASE,
)
RESOURCE_REFERRAL = re.compile(
    r"helpline|advice|specialist|support (?:team|line)|priority services|charity|financial aid"
    r"|resource centre|safety team|special assistance|pharmacist line|\b999\b|\b101\b|nhs 111",
    re.IGNORECASE,
)
PRIVACY = re.compile(
    r"priva(?:te|cy)|confidential|won't be told|only what|with your (?:agreement|ok)"
    r"|if you're happy|stays? between|nothing else|won't put anything else",
    re.IGNORECASE,
)
REFUSAL = re.compile(r"\b(?:can't|cannot|won't)\b", re.IGNORECASE)
OFFER = re.compile(r"\b(?:I|we) (?:can|will)\b|\bI'(?:ll|ve)\b|\bwe'll\b", re.IGNORECASE)
PRIVATE_CHANNEL = re.compile(r"\bDM\b|direct message|privately|message us", re.IGNORECASE)
TRANSCRIPT_MARKS = ("—", "...", "[")


def scenarios_where(predicate: str) -> list[Scenario]:
    return [scenario for scenario in SCENARIOS if predicate in scenario.tags]


def ids(scenarios: list[Scenario]) -> list[str]:
    return [scenario.id for scenario in scenarios]


def test_library_has_at_least_sixty_scenarios() -> None:
    assert len(SCENARIOS) >= 60


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_every_dimension_is_trained_by_at_least_six_scenarios(dimension: str) -> None:
    assert sum(dimension in scenario.dimensions for scenario in SCENARIOS) >= 6


@pytest.mark.parametrize("channel", ["chat", "email", "voice", "social", "sms"])
def test_core_channels_each_have_several_scenarios(channel: str) -> None:
    assert sum(scenario.channel == channel for scenario in SCENARIOS) >= 5


@pytest.mark.parametrize("emotion", ["anger", "fear", "disappointment", "confusion"])
def test_every_emotion_appears_several_times(emotion: str) -> None:
    assert sum(scenario.emotion == emotion for scenario in SCENARIOS) >= 8


def test_every_intensity_and_difficulty_level_is_present() -> None:
    assert {scenario.intensity for scenario in SCENARIOS} == {1, 2, 3, 4, 5}
    assert {scenario.difficulty for scenario in SCENARIOS} == {1, 2, 3, 4, 5}


def test_vulnerability_disclosures_cover_every_kind() -> None:
    kinds = Counter(scenario.vulnerability.kind for scenario in SCENARIOS if scenario.vulnerability)

    assert sum(kinds.values()) >= 8
    assert set(kinds) == {"health", "financial_strain", "safety", "bereavement"}


@pytest.mark.parametrize("scenario", scenarios_where("vulnerability"), ids=lambda s: s.id)
def test_vulnerability_is_handled_with_referral_and_privacy(scenario: Scenario) -> None:
    assert scenario.vulnerability is not None
    handling = scenario.vulnerability.expected_handling.lower()
    signals = " ".join(scenario.success_signals)

    assert "referral" in handling
    assert "privacy" in handling
    assert RESOURCE_REFERRAL.search(scenario.examples.strong)
    assert PRIVACY.search(scenario.examples.strong)
    assert RESOURCE_REFERRAL.search(signals)
    assert PRIVACY.search(signals)


def test_at_least_eight_boundary_or_escalation_scenarios() -> None:
    tagged = [s for s in SCENARIOS if {"boundary", "escalation"} & set(s.tags)]

    assert len(tagged) >= 8
    assert len(scenarios_where("boundary")) >= 6
    assert len(scenarios_where("escalation")) >= 3


@pytest.mark.parametrize(
    "scenario", [s for s in SCENARIOS if "boundaries" in s.dimensions], ids=lambda s: s.id
)
def test_strong_boundary_reply_says_no_and_offers_something(scenario: Scenario) -> None:
    assert REFUSAL.search(scenario.examples.strong)
    assert OFFER.search(scenario.examples.strong)


def test_curveballs_are_frequent_and_varied() -> None:
    kinds = Counter(scenario.curveball.kind for scenario in SCENARIOS if scenario.curveball)

    assert sum(kinds.values()) >= 10
    assert {"outage", "policy_change", "contradictory_information"} <= set(kinds)


def test_accessibility_needs_and_cultural_cues_are_represented() -> None:
    assert sum(bool(scenario.accessibility_needs) for scenario in SCENARIOS) >= 5
    assert sum(bool(scenario.cultural_cues) for scenario in SCENARIOS) >= 5


@pytest.mark.parametrize(
    "field",
    [
        pytest.param(lambda s: s.title, id="title"),
        pytest.param(lambda s: s.customer_turns[0], id="first-customer-turn"),
        pytest.param(lambda s: s.examples.strong, id="strong-example"),
        pytest.param(lambda s: s.examples.weak, id="weak-example"),
    ],
)
def test_no_two_scenarios_share_text(field: Callable[[Scenario], str]) -> None:
    values = [field(scenario) for scenario in SCENARIOS]

    duplicated = [value for value, count in Counter(values).items() if count > 1]
    assert not duplicated


def test_personas_and_industries_are_varied() -> None:
    names = {scenario.persona.name for scenario in SCENARIOS}
    industries = {scenario.industry.split(" (")[0] for scenario in SCENARIOS}

    assert len(names) >= 0.9 * len(SCENARIOS)
    assert len(industries) >= 12


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_strong_example_avoids_stock_phrases_and_addresses_the_customer(
    scenario: Scenario,
) -> None:
    name_parts = [part for part in re.split(r"[\s']+", scenario.persona.name) if len(part) >= 3]

    assert not STOCK_PHRASES.search(scenario.examples.strong)
    assert any(
        re.search(rf"\b{re.escape(part[:3])}", scenario.examples.strong, re.IGNORECASE)
        for part in name_parts
    ), "a strong reply should address the customer by (part of) their name"


def test_many_weak_examples_show_the_stock_phrases_agents_should_unlearn() -> None:
    assert sum(bool(STOCK_PHRASES.search(s.examples.weak)) for s in SCENARIOS) >= 10


@pytest.mark.parametrize(
    "scenario", [s for s in SCENARIOS if "apology" in s.dimensions], ids=lambda s: s.id
)
def test_apology_scenarios_model_a_real_apology(scenario: Scenario) -> None:
    assert re.search(r"sorry|apologi[sz]e", scenario.examples.strong, re.IGNORECASE)


def by_channel(channel: str) -> list[Scenario]:
    return [scenario for scenario in SCENARIOS if scenario.channel == channel]


@pytest.mark.parametrize("scenario", by_channel("sms"), ids=lambda s: s.id)
def test_sms_is_short(scenario: Scenario) -> None:
    assert len(scenario.examples.strong) <= 320  # two SMS segments
    assert all(len(turn) <= 160 for turn in scenario.customer_turns)


@pytest.mark.parametrize("scenario", by_channel("chat"), ids=lambda s: s.id)
def test_chat_strong_reply_fits_a_chat_window(scenario: Scenario) -> None:
    assert len(scenario.examples.strong) <= 600


@pytest.mark.parametrize("scenario", by_channel("email"), ids=lambda s: s.id)
def test_email_strong_reply_is_a_full_letter(scenario: Scenario) -> None:
    paragraphs = [part for part in scenario.examples.strong.split("\n\n") if part.strip()]

    assert re.match(r"(?:Dear|Hi|Hello) ", scenario.examples.strong)
    assert len(paragraphs) >= 4


def test_email_replies_are_fuller_than_chat_replies() -> None:
    def median_length(channel: str) -> float:
        return statistics.median(len(s.examples.strong) for s in by_channel(channel))

    assert median_length("email") > 2 * median_length("chat")


@pytest.mark.parametrize("scenario", by_channel("social"), ids=lambda s: s.id)
def test_social_reply_is_public_short_and_moves_details_private(scenario: Scenario) -> None:
    assert len(scenario.examples.strong) <= 450
    assert PRIVATE_CHANNEL.search(scenario.examples.strong)


@pytest.mark.parametrize("scenario", by_channel("voice"), ids=lambda s: s.id)
def test_voice_turns_read_like_transcripts(scenario: Scenario) -> None:
    assert any(mark in turn for turn in scenario.customer_turns for mark in TRANSCRIPT_MARKS)


def test_timeboxes_are_about_five_minutes() -> None:
    assert 4 <= statistics.mean(scenario.timebox_minutes for scenario in SCENARIOS) <= 6.5


# Blind labels of each strong reply on its target dimension, by annotators who followed the
# labelling guide and saw no model output (the scorer's scenario-library check then tells model
# errors from examples that were never strong). Keyed by the reply's hash: rewriting a strong
# reply without labelling it again fails here.
ANNOTATIONS = Path(__file__).resolve().parents[2] / "services/coach/scenarios/annotations"
STRONG_REPLY_LABELS: dict[str, dict[str, object]] = {
    record["id"]: record for record in map(json.loads, (
        ANNOTATIONS / "strong-replies.jsonl").read_text(encoding="utf-8").splitlines())
}


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_a_blind_annotator_labels_the_strong_reply_strong_on_its_target(
        scenario: Scenario) -> None:
    label = STRONG_REPLY_LABELS[scenario.id]
    digest = hashlib.sha256(scenario.examples.strong.encode("utf-8")).hexdigest()
    assert label["strong_sha256"] == digest, "strong reply changed since it was labelled"
    assert label["dimension"] == scenario.dimensions[0]
    value = label["label"]
    assert isinstance(value, float | int)
    assert value >= 0.75, label["why"]
