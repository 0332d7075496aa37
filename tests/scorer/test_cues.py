"""The lexical cues the heads read next to each sentence's vector."""

from __future__ import annotations

import pytest

from services.scorer.model.cues import CUE_NAMES, customer_sentence_cues, sentence_cues


def _cues(sentence: str) -> dict[str, float]:
    return dict(zip(CUE_NAMES, sentence_cues(sentence), strict=True))


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("I can't waive the fee.", "negation"),
        ("Maybe it will turn up, who knows.", "hedge"),
        ("Fine, I'll waive it just this once.", "concession"),
        ("What I can do instead is send a voucher.", "alternative"),
        ("I'll call you back.", "commitment"),
        ("It will be there by Friday.", "time"),
        ("The plan is to get a new card to you.", "plan"),
        ("Here's what happens next: the team calls you.", "plan"),
        ("Order 4471 is on its way.", "digits"),
        ("I'm so sorry.", "apology"),
        ("Leave it with me, I'll handle it personally.", "ownership"),
        ("Could you send a photo?", "question"),
    ],
)
def test_each_cue_fires_on_its_move(sentence: str, cue: str) -> None:
    assert _cues(sentence)[cue] > 0


def test_a_vague_promise_announces_no_plan() -> None:
    assert _cues("We're working on it and will be in touch.")["plan"] == 0


def test_cues_are_log_counts() -> None:
    assert _cues("Sorry, so sorry, I apologise.")["apology"] == pytest.approx(1.3862944)  # log 4


def test_customer_cues_count_capitals_and_exclamations() -> None:
    shouted, exclamations = customer_sentence_cues("This is NOT OK!!")
    assert shouted > 0
    assert exclamations > 0
    assert customer_sentence_cues("this is not ok") == (0.0, 0.0)
