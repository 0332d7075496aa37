"""Reading the labelled corpus (``services/scorer/data/*.jsonl``) into typed examples."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreRequest, Turn

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
SPLIT_FILES: dict[str, str] = {
    "train": "train.jsonl",
    "test": "test.jsonl",
    "contrast": "contrast.jsonl",
}


@dataclass(frozen=True)
class LabelledExample:
    id: str
    situation: str
    request: ScoreRequest
    scores: dict[str, float | None]
    tone_raw: float
    tone_adjusted: float
    emotion: str
    intensity: float
    vulnerability: str | None


@dataclass(frozen=True)
class ContrastPair:
    pair_id: str
    dimension: str
    better: LabelledExample
    worse: LabelledExample


def padded_twin_pairs(examples: Sequence[LabelledExample]) -> list[tuple[int, int]]:
    """(plain, padded) index pairs of the training set's padded twins: the same reply without and
    with content-free pleasantries (``train-padded-<n>-plain`` / ``-padded``, written by
    ``services.scorer.data.generate.padded_twins``)."""
    plain: dict[str, int] = {}
    padded: dict[str, int] = {}
    for index, example in enumerate(examples):
        stem, _, kind = example.id.rpartition("-")
        if stem.startswith("train-padded-") and kind in ("plain", "padded"):
            (plain if kind == "plain" else padded)[stem] = index
    return [(plain[stem], padded[stem]) for stem in sorted(plain) if stem in padded]


def load_examples(path: Path) -> list[LabelledExample]:
    return [_example(record) for record in _records(path)]


def load_contrast(path: Path) -> list[ContrastPair]:
    return [
        ContrastPair(
            pair_id=record["pair_id"],
            dimension=record["dimension"],
            better=_example({"id": record["pair_id"] + "-better", **record["better"]}),
            worse=_example({"id": record["pair_id"] + "-worse", **record["worse"]}),
        )
        for record in _records(path)
    ]


def data_hashes(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """sha256 of each split file, recorded in the artifact manifest."""
    return {
        split: hashlib.sha256((data_dir / name).read_bytes()).hexdigest()
        for split, name in SPLIT_FILES.items()
    }


def _records(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise ValueError(f"{path}:{number}: invalid JSON: {error}") from error


def _example(record: dict[str, Any]) -> LabelledExample:
    request = ScoreRequest(
        channel=record["channel"],
        customer=record["customer"],
        reply=record["reply"],
        history=tuple(Turn(turn["role"], turn["text"]) for turn in record.get("history", [])),
    )
    signals = record["customer_signals"]
    return LabelledExample(
        id=record["id"],
        situation=record["situation"],
        request=request,
        scores={dim: record["labels"][dim] for dim in DIMENSIONS},
        tone_raw=float(record["tone"]["raw"]),
        tone_adjusted=float(record["tone"]["channel_adjusted"]),
        emotion=signals["emotion"],
        intensity=float(signals["intensity"]),
        vulnerability=signals["vulnerability"],
    )
