"""Written padded twins: where the filler goes, what the twin keeps, how pairs are found."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from lab.scorer.dataset import LabelledExample
from lab.scorer.padding import (
    PADDED_SUFFIX,
    Filler,
    load_fillers,
    pad_reply,
    padded_pairs,
    padded_twins,
)
from lab.scorer.written import load_written
from services.scorer.model.mail_parts import own_words
from services.scorer.model.schema import ScoreRequest

LETTER = ("Hi Priya,\n\nThe replacement charger left our warehouse this morning.\n\n"
          "Best wishes,\nTomasz\n\nThis message is confidential.")


def test_a_letter_gets_its_opening_after_the_greeting_and_its_closing_before_the_sign_off(
) -> None:
    padded = pad_reply(LETTER, "email", "OPENING LINE.", "CLOSING LINE.")
    assert padded.split("\n\n") == [
        "Hi Priya,", "OPENING LINE.", "The replacement charger left our warehouse this morning.",
        "CLOSING LINE.", "Best wishes,\nTomasz", "This message is confidential."]


def test_the_filler_survives_the_cut_of_signatures_and_footers() -> None:
    """Padding the scorer never sees would teach nothing: both lines stay in the agent's own
    words as the scorer cuts them."""
    request = ScoreRequest("email", "Where is my charger?",
                           pad_reply(LETTER, "email", "OPENING LINE.", "CLOSING LINE."))
    kept = own_words(request).reply
    assert "OPENING LINE." in kept
    assert "CLOSING LINE." in kept


def test_a_chat_reply_is_simply_wrapped() -> None:
    assert pad_reply("Refund sent.", "chat", "Hello!", None) == "Hello! Refund sent."
    assert pad_reply("Refund sent.", "sms", None, "Take care!") == "Refund sent. Take care!"


def test_a_letter_without_greeting_or_sign_off_is_wrapped_by_paragraphs() -> None:
    assert pad_reply("Refund sent today.", "web_form", "Hello.", "Bye.") == (
        "Hello.\n\nRefund sent today.\n\nBye.")


def _example(number: int) -> LabelledExample:
    written = load_written().train[number]
    return replace(written, id=f"w-x-{number:03d}-a")


def test_twins_keep_their_labels_and_pair_with_their_plain_reply() -> None:
    plain = [_example(n) for n in range(9)]
    fillers = [Filler("f1", "opening", "So lovely to hear from you."),
               Filler("f2", "closing", "Have a wonderful week.")]
    twins = padded_twins(plain, fillers, count=6, seed=3)
    assert len(twins) == 6
    by_id = {e.id: e for e in plain}
    for twin in twins:
        original = by_id[twin.id.removesuffix(PADDED_SUFFIX)]
        assert twin.scores == original.scores
        assert twin.request.customer == original.request.customer
        assert twin.request.reply != original.request.reply
        assert twin.request.reply.count("lovely") + twin.request.reply.count("wonderful") >= 1
    examples = [*plain, *twins]
    pairs = padded_pairs(examples)
    assert len(pairs) == 6
    for plain_index, padded_index in pairs:
        assert examples[padded_index].id == examples[plain_index].id + PADDED_SUFFIX
    assert padded_twins(plain, fillers, count=6, seed=3) == twins  # seeded


def test_no_twins_without_a_pool(tmp_path: Path) -> None:
    assert load_fillers(tmp_path) == []
    assert padded_twins([_example(0)], [], count=5, seed=1) == []


def test_a_malformed_pool_line_is_refused_with_its_line_number(tmp_path: Path) -> None:
    pool = tmp_path / "written" / "padding" / "fillers.jsonl"
    pool.parent.mkdir(parents=True)
    pool.write_text(json.dumps({"id": "a", "place": "middle", "text": "Hi."}) + "\n")
    with pytest.raises(ValueError, match=r"fillers.jsonl:1: needs place"):
        load_fillers(tmp_path)


def test_every_pool_in_the_folder_is_read_and_a_repeated_id_refused(tmp_path: Path) -> None:
    folder = tmp_path / "written" / "padding"
    folder.mkdir(parents=True)
    (folder / "b.jsonl").write_text(json.dumps({"id": "b1", "place": "closing", "text": "Bye."}))
    (folder / "a.jsonl").write_text(json.dumps({"id": "a1", "place": "opening", "text": "Hi."}))
    assert [f.id for f in load_fillers(tmp_path)] == ["a1", "b1"]
    (folder / "c.jsonl").write_text(json.dumps({"id": "a1", "place": "closing", "text": "Ta."}))
    with pytest.raises(ValueError, match="'a1' used twice"):
        load_fillers(tmp_path)


def test_the_committed_pool_is_large_and_varied() -> None:
    fillers = load_fillers()
    assert sum(f.place == "opening" for f in fillers) >= 60
    assert sum(f.place == "closing" for f in fillers) >= 60
    assert len({f.text.lower() for f in fillers}) == len(fillers)
