"""The committed corpus: size, coverage, honest splits, true minimal pairs, reproducibility."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from lab.scorer.dataset import DATA_DIR, SPLIT_FILES, read_jsonl_bytes
from services.scorer.data.generate import SEED, generate
from services.scorer.model.rubric import DIMENSIONS, EMOTIONS

REQUIRED_CHANNELS = {"chat", "email", "voice", "social", "sms"}


def _records(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in read_jsonl_bytes(DATA_DIR / name).splitlines()]


@pytest.fixture(scope="module")
def train() -> list[dict[str, Any]]:
    return _records(SPLIT_FILES["train"])


@pytest.fixture(scope="module")
def test() -> list[dict[str, Any]]:
    return _records("test.jsonl")


@pytest.fixture(scope="module")
def contrast() -> list[dict[str, Any]]:
    return _records("contrast.jsonl")


def test_at_least_3000_labelled_examples(train: list[dict[str, Any]],
                                         test: list[dict[str, Any]]) -> None:
    assert len(train) + len(test) >= 3000
    assert len(test) >= 500


@pytest.mark.parametrize("split", ["train", "test"])
def test_every_channel_and_emotion_is_present(split: str, request: pytest.FixtureRequest) -> None:
    records = request.getfixturevalue(split)
    assert {r["channel"] for r in records} >= REQUIRED_CHANNELS
    assert set(EMOTIONS) == {r["customer_signals"]["emotion"] for r in records}
    vulnerabilities = {r["customer_signals"]["vulnerability"] for r in records}
    assert vulnerabilities == {None, "health", "financial_strain", "safety", "bereavement"}


def test_every_dimension_has_applicable_and_graded_labels(train: list[dict[str, Any]]) -> None:
    for dim in DIMENSIONS:
        values = [r["labels"][dim] for r in train if r["labels"][dim] is not None]
        assert len(set(values)) >= 4, dim
        assert all(0.0 <= v <= 1.0 for v in values)
    for dim in ("apology", "exploration", "boundaries"):
        assert any(r["labels"][dim] is None for r in train), f"{dim} never 'not applicable'"


def test_test_and_contrast_situations_never_appear_in_training(
    train: list[dict[str, Any]], test: list[dict[str, Any]], contrast: list[dict[str, Any]]
) -> None:
    seen = {r["situation"] for r in train}
    assert not seen & {r["situation"] for r in test}
    assert not seen & {p["better"]["situation"] for p in contrast}


def test_hard_cases_are_present(train: list[dict[str, Any]]) -> None:
    moves = [r["moves"] for r in train]
    assert sum(m["filler"] > 0 for m in moves) > 300, "long but empty replies"
    assert sum(m["acknowledgment"] == "stock" for m in moves) > 300, "stock empathy"
    assert sum(m["apology"] == "grovel" for m in moves) > 100, "over-apology"
    assert sum(m["tone"] in ("defensive", "sarcastic") for m in moves) > 200
    assert {"kind_alternative", "cave", "bare"} <= {m["boundaries"] for m in moves}
    assert sum(m["channel_fit"] < 1.0 for m in moves) > 300, "channel mismatch"
    assert sum(bool(r["history"]) for r in train) > 300, "earlier turns"


def test_history_twins_differ_only_in_the_earlier_turn_and_personalization(
    train: list[dict[str, Any]],
) -> None:
    by_id = {r["id"]: r for r in train}
    grounded_ids = [i for i in by_id if i.startswith("train-history-") and i.endswith("-grounded")]
    assert len(grounded_ids) >= 300
    for grounded_id in grounded_ids:
        grounded = by_id[grounded_id]
        blind = by_id[grounded_id.removesuffix("-grounded") + "-blind"]
        assert grounded["history"]
        assert not blind["history"]
        assert (grounded["reply"], grounded["customer"]) == (blind["reply"], blind["customer"])
        kept = {d: v for d, v in grounded["labels"].items() if d != "personalization"}
        assert kept == {d: v for d, v in blind["labels"].items() if d != "personalization"}
        assert blind["labels"]["personalization"] < grounded["labels"]["personalization"]


def test_curt_formal_twins_differ_only_in_their_frame_and_channel_fit(
    train: list[dict[str, Any]],
) -> None:
    """Two curt words to an upset email customer fit the channel worse than the same words framed
    as a letter; nothing else about the reply changes."""
    by_id = {r["id"]: r for r in train}
    stems = sorted(i.removesuffix("-bare") for i in by_id if i.startswith("train-curt-")
                   and i.endswith("-bare"))
    assert len(stems) >= 150
    for stem in stems:
        bare, framed = by_id[f"{stem}-bare"], by_id[f"{stem}-framed"]
        assert bare["channel"] in ("email", "web_form")
        assert bare["customer_signals"]["emotion"] not in ("neutral", "positive")
        assert framed["reply"].startswith("Dear")
        assert not bare["reply"].startswith("Dear")
        assert bare["reply"].strip() in framed["reply"], stem
        assert bare["tone"]["raw"] == framed["tone"]["raw"], stem
        assert bare["tone"]["channel_adjusted"] < framed["tone"]["channel_adjusted"], stem
        for dim in DIMENSIONS:
            if dim not in ("tone", "personalization"):
                assert bare["labels"][dim] == framed["labels"][dim], (stem, dim)


def test_length_does_not_separate_quality(train: list[dict[str, Any]]) -> None:
    """Weak replies are not simply short: canned/padded ones overlap strong ones in length."""
    words = Counter()
    for r in train:
        if r["labels"]["personalization"] <= 0.2 and len(r["reply"].split()) >= 60:
            words["long_canned"] += 1
        if r["labels"]["acknowledgment"] >= 0.95 and len(r["reply"].split()) <= 45:
            words["short_strong"] += 1
    assert words["long_canned"] >= 100
    assert words["short_strong"] >= 100


def test_contrast_pairs_differ_in_exactly_their_dimension(contrast: list[dict[str, Any]]) -> None:
    assert len(contrast) >= 200
    per_dimension = Counter(p["dimension"] for p in contrast)
    assert set(per_dimension) == set(DIMENSIONS)
    assert min(per_dimension.values()) >= 25
    for pair in contrast:
        better, worse, dim = pair["better"], pair["worse"], pair["dimension"]
        differing = [d for d in DIMENSIONS if better["labels"][d] != worse["labels"][d]]
        assert differing == [dim], pair["pair_id"]
        assert better["labels"][dim] > worse["labels"][dim]
        assert (better["customer"], better["channel"]) == (worse["customer"], worse["channel"])
        assert better["customer_signals"] == worse["customer_signals"]


def test_generator_reproduces_the_committed_files(tmp_path: Path) -> None:
    generate(tmp_path, SEED)
    for name in SPLIT_FILES.values():
        # The JSONL text, not the gzip container: zlib builds may pack the same text differently.
        assert read_jsonl_bytes(tmp_path / name) == read_jsonl_bytes(DATA_DIR / name), name


def test_padded_twins_keep_their_labels_and_put_filler_inside_and_outside_the_frame(
    train: list[dict[str, Any]],
) -> None:
    by_id = {record["id"]: record for record in train}
    stems = sorted(i.removesuffix("-plain") for i in by_id if i.startswith("train-padded-")
                   and i.endswith("-plain"))
    assert len(stems) == 600
    placements: Counter[bool] = Counter()
    for stem in stems:
        plain, padded = by_id[f"{stem}-plain"], by_id[f"{stem}-padded"]
        assert len(padded["reply"]) > len(plain["reply"])
        # Only the channel-adjusted tone may drop (pleasantries are the wrong register for chat).
        for dim in DIMENSIONS:
            if dim != "tone":
                assert padded["labels"][dim] == plain["labels"][dim], (stem, dim)
        assert padded["tone"]["raw"] == plain["tone"]["raw"], stem
        assert padded["labels"]["tone"] <= plain["labels"]["tone"], stem
        if plain["reply"].startswith("Dear"):
            placements[padded["reply"].startswith("Dear")] += 1
    # Letters show both: pleasantries inside the body (the padded letter still opens "Dear ...",
    # as it does when all the filler went after the signature) and pasted before the greeting.
    inside, outside = placements[True], placements[False]
    assert inside > 10, placements
    assert outside > 10, placements
