"""Suggestion text is whole, grammatical sentences for any conversation (no model needed).

Every scenario's customer turns (the curveball in place) and a few hundred free-written
conversations go through ``suggestions_for`` with every dimension weak, so every writer runs, under
rotating emotions, disclosures and channel fits. The text we write is checked for what slot-filled
templates produce ("That sounds really a hassle", "I'm sorry about $38.50", "what you will do about
flight home", "is a web_form drill"); the customer's words may only appear inside quotation marks,
verbatim, as evidence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from itertools import cycle, islice
from pathlib import Path

import pytest

from services.coach.domain.practice_script import script_steps
from services.coach.domain.scenario_library import load_library
from services.scorer.model import ScoreRequest, Turn
from services.scorer.model.rubric import DIMENSIONS, EMOTIONS, VULNERABILITIES
from services.scorer.model.suggestions import VULNERABILITY_WORDS, suggestions_for

WRITTEN = Path(__file__).resolve().parents[2] / "services" / "scorer" / "data" / "written" / "train"
WRITTEN_LIMIT = 400

_QUOTED = re.compile(r'"([^"]*)"')
_CLOSING = ".!?…"
# Words after "a" that start with a consonant sound, and after "an" that start with a vowel sound.
_A_BEFORE_VOWEL_OK = re.compile(r"^(?:one|once|uni|use|usu|euro|user|u\b)", re.IGNORECASE)
_AN_BEFORE_CONSONANT_OK = re.compile(r"^(?:hour|honest|honou?r|heir|sms\b|mp\b|faq\b|nhs\b)",
                                     re.IGNORECASE)


def wording_problems(text: str, customer_words: str = "") -> list[str]:
    """What is wrong with one suggestion's wording; empty when nothing is.

    Quotations of the customer's words are theirs to word; everything else, our example phrases
    in quotation marks included, is checked."""
    problems: list[str] = []
    if text.count('"') % 2:
        problems.append("unbalanced quotation marks")
    quotes = _QUOTED.findall(text)
    if any(not q.strip() for q in quotes):
        problems.append("empty quotation")
    if any(q != q.strip() for q in quotes):
        problems.append("quotation padded with spaces")
    # Our own words: each quotation of the customer becomes a token keeping its closing mark.
    words = _normal(customer_words)

    def mask(match: re.Match[str]) -> str:
        quote = match.group(1)
        if not _is_theirs(quote, words):
            return match.group()
        return '"Q' + (quote[-1] if quote[-1:] in _CLOSING else "") + '"'

    ours = _QUOTED.sub(mask, text)
    for pattern, name in [
        (r"\b(\w+)\s+\1\b", "doubled word"),
        (r"\b(?:sorry|apologi[sz]e)\s+(?:about|for)\s+\"?[$£€]?\s?\d", "sorry about an amount"),
        (r"\b[a-z]+_[a-z_]+\b", "snake_case name"),
        (r"\b(?:about|for|of|to|with|on)\s*[.,;]", "empty slot"),
        (r"\(\s*\)|\s[.,;:!?]|\s{2,}", "empty slot or stray space"),
        (r"\b(?:really|so|very)\s+an?\b", "intensifier before a noun phrase"),
        (r"\ban?\s+\"", "article before a quotation"),
    ]:
        if re.search(pattern, ours, re.IGNORECASE if name != "snake_case name" else 0):
            problems.append(name)
    for match in re.finditer(r"\b(an?)\s+([A-Za-z]+)", ours):
        article, word = match.group(1).lower(), match.group(2)
        vowel = word[0].lower() in "aeiou"
        if article == "a" and vowel and not _A_BEFORE_VOWEL_OK.match(word):
            problems.append(f"'a {word}'")
        if article == "an" and not vowel and not _AN_BEFORE_CONSONANT_OK.match(word):
            problems.append(f"'an {word}'")
    for sentence in re.split(r'(?<=[.!?…])"?\s+(?=\S)', ours.strip()):
        sentence = sentence.strip()
        if not re.search(r'[.!?…]"?$', sentence):
            problems.append(f"no final punctuation: {sentence!r}")
        if not re.match(r'^["A-Z]', sentence):
            problems.append(f"sentence starts in lower case: {sentence!r}")
    return problems


def _our_phrases() -> frozenset[str]:
    """The example phrases the suggestions quote: what they say to a customer who said nothing
    quotable, for every emotion and channel."""
    found: set[str] = set()
    scores: dict[str, float | None] = dict.fromkeys(DIMENSIONS, 0.1)
    for channel in ("email", "web_form", "chat", "messaging", "sms", "social", "voice", "other"):
        request = ScoreRequest(channel, "Qqq zzz xxx www.", "Noted.")
        for emotion in EMOTIONS:
            for fit in (1.0, 0.5):
                for suggestion in suggestions_for(request, scores, emotion, None, fit):
                    found.update(_QUOTED.findall(suggestion.text))
    return frozenset(found - {"Qqq zzz xxx www."})


def _normal(text: str) -> str:
    text = text.replace('"', "'").replace("\u201c", "\u2018").replace("\u201d", "\u2019")
    return " ".join(text.split())


def _is_theirs(quote: str, normal_words: str) -> bool:
    core = quote.rstrip("…").strip()
    return bool(core) and core in normal_words


def customer_quotes(text: str, customer_words: str) -> tuple[list[str], list[str]]:
    """(quotations of the customer's words, quotations that are neither theirs nor ours)."""
    theirs, invented = [], []
    words = _normal(customer_words)
    for quote in _QUOTED.findall(text):
        if _is_theirs(quote, words):
            theirs.append(quote)
        elif quote not in OUR_PHRASES:
            invented.append(quote)
    return theirs, invented


OUR_PHRASES = _our_phrases()


def scenario_conversations() -> Iterator[ScoreRequest]:
    for scenario in load_library():
        steps = script_steps(scenario)
        for index, step in enumerate(steps):
            history: list[Turn] = []
            for earlier in steps[:index]:
                history += [Turn("customer", earlier.text), Turn("agent", scenario.examples.strong)]
            for reply in (scenario.examples.weak, "ok"):
                yield ScoreRequest(str(scenario.channel), step.text, reply, tuple(history))


def written_conversations() -> Iterator[ScoreRequest]:
    count = 0
    for path in sorted(WRITTEN.glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            history = tuple(Turn(t["role"], t["text"]) for t in row.get("history", []))
            yield ScoreRequest(row["channel"], row["customer"], row["reply"], history)
            count += 1
            if count >= WRITTEN_LIMIT:
                return


def conversations() -> list[ScoreRequest]:
    return [*scenario_conversations(), *written_conversations()]


def _customer_words(request: ScoreRequest) -> str:
    return " ".join([request.customer, *(t.text for t in request.history if t.role == "customer")])


def test_the_wording_check_catches_the_broken_templates() -> None:
    for broken in [
        'Reflect it, e.g. "That sounds really a hassle, and I can see why."',
        "I'm sorry about $38.50 — that isn't the service you should get.",
        'Say "I will…" and what you will do about flight home, instead of passing it on.',
        "Describe it: I can see the the order went wrong.",
        "'Refund' is a email drill at difficulty 2 of 5.",
        "'Refund' is a web_form drill at difficulty 2 of 5.",
        "It took an week.",
        'They wrote "" here.',
        "Say what you will do about .",
        "Spell out what happens next",
    ]:
        assert wording_problems(broken), broken
    said = "honestly we are so a mess here"
    assert wording_problems('They wrote: "we are so a mess here" Say so kindly.', said) == []


def test_every_suggestion_for_every_conversation_is_whole_sentences() -> None:
    requests = conversations()
    assert len(requests) > 300
    settings = zip(cycle(EMOTIONS), cycle((None, *VULNERABILITIES)), cycle((1.0, 0.55, 0.9)))
    seen: set[tuple[str, str]] = set()
    bad: list[tuple[str, str, list[str]]] = []
    for request, (emotion, vulnerability, fit) in zip(requests, settings, strict=False):
        weakest = [0.05 * (i + 1) for i in range(len(DIMENSIONS))]
        scores: dict[str, float | None] = dict(zip(DIMENSIONS, weakest, strict=True))
        suggestions = suggestions_for(request, scores, emotion, vulnerability, fit)
        assert [s.dimension for s in suggestions] == list(DIMENSIONS)
        for suggestion in suggestions:
            seen.add((suggestion.dimension, suggestion.framework))
            words = _customer_words(request)
            problems = wording_problems(suggestion.text, words)
            theirs, invented = customer_quotes(suggestion.text, words)
            if invented:
                problems.append(f"quoted words the customer did not write: {invented}")
            if not theirs:
                problems.append("no quotation of the customer's words")
            if vulnerability is None and any(p in suggestion.text
                                             for p in VULNERABILITY_WORDS.values()):
                problems.append("mentions an undisclosed vulnerability")
            if problems:
                bad.append((suggestion.dimension, suggestion.text, problems))
    assert bad[:5] == []
    assert {dim for dim, _ in seen} == set(DIMENSIONS)
    assert ("tone", "NVC (observation)") in seen
    assert ("tone", "NVC (observation, feeling)") in seen


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_each_suggestion_names_its_move_and_framework(dimension: str) -> None:
    request = ScoreRequest("web_form", "My refund of $38.50 for order 48213 never arrived. "
                                       "Can you check what happened?", "Noted.")
    [suggestion] = suggestions_for(request, {dimension: 0.1}, "anger", None, 0.55)
    framework = suggestion.framework.split()[0]
    assert framework in ("NURSE", "L.A.S.T.", "NVC")
    named = {"NURSE": "NURSE", "L.A.S.T.": "L.A.S.T.", "NVC": "Nonviolent Communication"}
    assert named[framework] in suggestion.text
    assert "sorry about $38.50" not in suggestion.text
    assert "web_form" not in suggestion.text


def test_quotes_fit_the_move_and_the_turn() -> None:
    request = ScoreRequest(
        "chat",
        "I was charged $38.50 twice for one delivery last week and nobody answered my emails! "
        "I checked my statement again this morning and it is definitely still showing there. "
        "Can you refund the second charge to my card today please?",
        "Let me check.",
        (Turn("customer", "Hi, my flight home is on Sunday and I need the receipt first."),),
    )
    scores: dict[str, float | None] = {"apology": 0.1, "ownership": 0.2}
    text = {s.dimension: s.text for s in suggestions_for(request, scores, "anger", None, 1.0)}
    assert "I was charged $38.50 twice for one delivery last week" in text["apology"]
    assert '"Can you refund the second charge to my card today please?"' in text["ownership"]
    assert "about flight home" not in " ".join(text.values())


def test_a_disclosure_is_quoted_only_when_the_scorer_reports_it() -> None:
    request = ScoreRequest(
        "email",
        "My husband passed away in May and the account is still in his name. "
        "Your letters keep arriving addressed to him and I need them to stop.",
        "Please send the death certificate.",
    )
    scores: dict[str, float | None] = {"acknowledgment": 0.1, "apology": 0.2}
    reported = suggestions_for(request, scores, "disappointment", "bereavement", 1.0)
    assert "passed away" in reported[0].text
    assert "their bereavement" in reported[0].text
    unreported = suggestions_for(request, scores, "disappointment", None, 1.0)
    assert all("passed away" not in s.text and "bereavement" not in s.text for s in unreported)


def test_a_customer_who_wrote_only_ok_is_quoted_as_written() -> None:
    request = ScoreRequest("sms", "ok", "Great, anything else?")
    [suggestion] = suggestions_for(request, {"acknowledgment": 0.1}, "neutral", None, 1.0)
    assert '"ok".' in suggestion.text
    assert wording_problems(suggestion.text, "ok") == []


def test_references_need_a_digit() -> None:
    from services.scorer.model.specifics import customer_specifics

    request = ScoreRequest("email", "My flight home from room for two, flight BA117, cost £240.",
                           "Noted.")
    assert customer_specifics(request).references == ("flight BA117", "£240")


def test_the_check_sees_enough_variety() -> None:
    channels = {r.channel for r in islice(conversations(), None)}
    assert {"email", "web_form", "chat", "sms", "voice", "social"} <= channels
