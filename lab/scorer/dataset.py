"""Reading the labelled corpus (``services/scorer/data/*.jsonl``) into typed examples."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreRequest, Turn

DATA_DIR = Path(__file__).resolve().parents[2] / "services" / "scorer" / "data"
# The training split is gzipped: as plain JSONL it outgrew 10 MB (11.5 MB). The gzip is
# deterministic (no name, no timestamp) and the hashes below are of the JSONL text, so the
# container does not change what a manifest records.
SPLIT_FILES: dict[str, str] = {
    "train": "train.jsonl.gz",
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
    # False for human labels that rate the reply only (calibration, blind annotation): the
    # customer-signal heads are not trained on them.
    signals_known: bool = True


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
    """sha256 of each split's JSONL text, recorded in the artifact manifest."""
    return {
        split: hashlib.sha256(read_jsonl_bytes(data_dir / name)).hexdigest()
        for split, name in SPLIT_FILES.items()
    }


def read_jsonl_bytes(path: Path) -> bytes:
    """A split file's JSONL bytes, decompressed when it is gzipped (``.gz``)."""
    raw = path.read_bytes()
    return gzip.decompress(raw) if path.suffix == ".gz" else raw


def write_jsonl_bytes(path: Path, data: bytes) -> None:
    """Write JSONL bytes, gzipped for a ``.gz`` path; the same bytes give the same file."""
    if path.suffix != ".gz":
        path.write_bytes(data)
        return
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0) as packed:
        packed.write(data)
    path.write_bytes(buffer.getvalue())


def _records(path: Path) -> Iterator[dict[str, Any]]:
    for _, record in numbered_records(path):
        yield record


def numbered_records(path: Path, error: type[ValueError] = ValueError
                     ) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each non-blank line's number and JSON object; ``error`` names file and line otherwise."""
    text = read_jsonl_bytes(path).decode("utf-8")
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as problem:
                raise error(f"{path}:{number}: invalid JSON: {problem}") from problem


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
