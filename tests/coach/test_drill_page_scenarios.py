"""Every scenario in the library plays right on the drill page (pure: no database, no browser).

A curveball from the agent's own company (policy change, outage, conflicting records) is shown
as a note and must read as one; a curveball from the customer is a customer message and must be
in the customer's own words, not narrated about them. No step says again what the step before
it said, every scenario has the strong example the closing screen shows, and every framework
the feedback names resolves to what its letters stand for.
"""

from __future__ import annotations

import re

import pytest

from services.coach.domain.frameworks import (
    DIMENSION_MOVES,
    FRAMEWORKS,
    move_for,
    resolve_framework,
)
from services.coach.domain.practice_script import CURVEBALLS, ScriptStep, script_steps
from services.coach.domain.scenario_library import load_library
from services.coach.domain.scenario_models import Scenario
from services.coach.web.views import practice_out
from services.scorer.model.schema import ScoreRequest
from services.scorer.model.suggestions import suggestions_for
from shared.events.scores import DIMENSIONS

SCENARIOS: tuple[Scenario, ...] = load_library().all()
WITH_CURVEBALL = [s for s in SCENARIOS if s.curveball is not None]

FIRST_PERSON = re.compile(r"\b(?:I|I'm|I've|I'd|I'll|my|me|we|we're|we've|our|us)\b", re.I)
NARRATING_VERBS = (r"(?:says|said|adds|writes|wrote|reveals|refuses|demands|forwards|tags|posts|"
                   r"notices|explains|replies|asks|tells|threatens|mentions|confirms)")
STOPWORDS = frozenset(re.findall(r"[a-z]+", (
    "the a an and or but to of in on for with at by from is are was were be been it its this "
    "that these those i you he she we they my your his her our their me him us them not no so "
    "if then than as into about after before over just now all any some there here what which "
    "who when how why do does did have has had can could will would should may might must also "
    "still again very really only up down out off")))
# Share of the shorter step's content words (by five-letter stem) found in the other one.
SAME_VOICE_REPEAT = 0.5  # the customer twice in a row: even half the same news is a repeat
NOTE_THEN_REACTION_REPEAT = 0.7  # a customer reacting to a note shares its facts by design


def narrates(text: str, persona_name: str) -> bool:
    """Written about the customer ("Mei-Ling writes again: ...") rather than by them."""
    names = [part for part in re.split(r"[\s']+", persona_name) if len(part) >= 3]
    # By name: customers speak of others as "she" or "they" ("She said she doesn't want to go").
    about_them = "|".join([*map(re.escape, names), "the customer"])
    return bool(re.search(rf"\b(?:{about_them})\s+(?:\w+\s+)?{NARRATING_VERBS}\b", text, re.I))


def stems(text: str) -> set[str]:
    words = re.findall(r"[a-z0-9£$€']+", text.lower())
    return {word[:5] for word in words if word not in STOPWORDS and len(word) >= 2}


def overlap(earlier: str, later: str) -> float:
    first, second = stems(earlier), stems(later)
    return len(first & second) / max(1, min(len(first), len(second)))


def repeats(earlier: ScriptStep, later: ScriptStep) -> bool:
    if " ".join(earlier.text.split()).casefold() == " ".join(later.text.split()).casefold():
        return True
    same_voice = earlier.from_customer and later.from_customer
    limit = SAME_VOICE_REPEAT if same_voice else NOTE_THEN_REACTION_REPEAT
    return overlap(earlier.text, later.text) >= limit


# Curveballs the library shipped with before it was fixed: each must fail these checks.
NARRATED = [
    ("Mei-Ling Cho", "Mei-Ling writes again: the venue has moved the wedding forward a week to "
                     "17 May, so the final fitting is now 10 May."),
    ("Beatriz Souza", "Beatriz refuses to continue with you and demands a supervisor "
                      "immediately."),
    ("Jordan Blake", "Jordan says he is screenshotting the chat for the game's subreddit (220k "
                     "members) and demands a supervisor."),
]


@pytest.mark.parametrize(("persona", "text"), NARRATED)
def test_the_checks_catch_a_narrated_customer_curveball(persona: str, text: str) -> None:
    assert narrates(text, persona)


def test_the_checks_catch_a_curveball_repeated_as_the_next_customer_turn() -> None:
    narrated = ScriptStep(1, "curveball", NARRATED[0][1], "new_information")
    repeated = ScriptStep(2, "customer", "Update, and not a good one: our venue has had to move "
                                         "us forward to 17 May. My last fitting is now 10 May.")
    assert repeats(narrated, repeated)
    note = ScriptStep(1, "curveball", "The official status page still shows 'All systems "
                                      "operational' while EU login queues are down; Riley posts "
                                      "a screenshot of both side by side.", "outage")
    reaction = ScriptStep(2, "customer", "@StarfallGame and your status page says 'All systems "
                                         "operational' [screenshot]")
    assert repeats(note, reaction)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_customer_messages_are_in_the_customers_own_words(scenario: Scenario) -> None:
    for step in script_steps(scenario):
        if step.from_customer:
            assert not narrates(step.text, scenario.persona.name), step.text
            if step.kind == "curveball":
                assert FIRST_PERSON.search(step.text), f"not in the customer's voice: {step.text}"


@pytest.mark.parametrize("scenario", WITH_CURVEBALL, ids=lambda s: s.id)
def test_a_company_curveball_reads_as_a_note_not_as_the_customer(scenario: Scenario) -> None:
    assert scenario.curveball is not None
    [curveball] = [step for step in script_steps(scenario) if step.kind == "curveball"]
    assert curveball.label == CURVEBALLS[scenario.curveball.kind].label
    if not curveball.from_customer:
        assert not FIRST_PERSON.search(curveball.text), curveball.text
        assert not narrates(curveball.text, scenario.persona.name), curveball.text
        assert "not a customer message" in curveball.source
        assert curveball.prompt != script_steps(scenario)[0].prompt  # an update, not a reply


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_no_step_repeats_the_one_before(scenario: Scenario) -> None:
    steps = script_steps(scenario)
    for earlier, later in zip(steps, steps[1:], strict=False):
        assert not repeats(earlier, later), (earlier.text, later.text)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_the_closing_screen_has_the_strong_example_and_the_brief_its_details(
        scenario: Scenario) -> None:
    shown = practice_out(scenario)
    assert shown.strong_example.strip()
    assert shown.strong_example == scenario.examples.strong
    assert shown.accessibility_needs == list(scenario.accessibility_needs)
    assert shown.cultural_cues == list(scenario.cultural_cues)
    assert (shown.care_note is None) == (scenario.vulnerability is None)
    assert shown.care_note is None or scenario.vulnerability is None or (
        shown.care_note.expected_handling == scenario.vulnerability.expected_handling)
    assert "_" not in shown.channel_name
    for dimension in scenario.dimensions:
        assert move_for(dimension) is not None


def test_every_dimension_has_a_move_in_a_known_framework() -> None:
    assert set(DIMENSION_MOVES) == set(DIMENSIONS)
    for move in DIMENSION_MOVES.values():
        assert FRAMEWORKS[move.framework.name] == move.framework
        assert move.move.strip()


def test_every_framework_the_scorer_names_resolves() -> None:
    request = ScoreRequest(channel="email", customer="I was charged twice! Why? Fix it please.",
                           reply="ok")
    for channel_fit in (1.0, 0.1):  # the tone tip names NVC differently by channel fit
        weak: dict[str, float | None] = dict.fromkeys(DIMENSIONS, 0.1)
        suggestions = suggestions_for(request, weak, "anger", None, channel_fit)
        assert {s.dimension for s in suggestions} == set(DIMENSIONS)
        for suggestion in suggestions:
            framework = resolve_framework(suggestion.framework)
            assert framework is not None, suggestion.framework
            move = move_for(suggestion.dimension, suggestion.framework)
            assert move is not None
            assert move.framework == framework
            assert move.move in suggestion.framework  # the part the label names, kept


@pytest.mark.parametrize("label", ["NURSE", "L.A.S.T.", "NVC", "LAST (Solve)",
                                   "Nonviolent Communication (need, request)"])
def test_short_and_long_framework_labels_resolve(label: str) -> None:
    assert resolve_framework(label) is not None


def test_an_unknown_framework_does_not_resolve() -> None:
    assert resolve_framework("GROW (Goal)") is None
    # The dimension's own move stands in for a label the coach does not know.
    assert move_for("apology", "GROW (Goal)") == DIMENSION_MOVES["apology"]
