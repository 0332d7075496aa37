"""Human labels: blind annotations and calibration ratings, as training data.

One JSONL record per reply and annotator, the format of ``services/scorer/data/written/
annotations/`` and of the coach's calibration export::

    {"id": "...", "annotator": "a1", "channel": "email", "history": [...], "customer": "...",
     "reply": "...", "labels": {<eight dimensions: score or null>},
     "tone": {"raw": r, "channel_adjusted": a}}

Several annotators of one reply are merged into their consensus: a dimension applies when most
of them say it does (ties: it applies), its score is the mean of the scores given, tone likewise.
Customer signals are not part of a human rating, so those heads do not learn from these.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from statistics import mean
from typing import Any

from lab.scorer.dataset import LabelledExample, numbered_records
from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreRequest, Turn

REQUIRED = ("id", "annotator", "channel", "customer", "reply", "labels", "tone")


class HumanLabelError(ValueError):
    """A record that cannot be used, with its file and line."""


def read_annotations(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, record in numbered_records(path, HumanLabelError):
        missing = [name for name in REQUIRED if name not in record]
        if missing:
            raise HumanLabelError(f"{path}:{number}: missing {', '.join(missing)}")
        records.append(record)
    return records


def consensus(records: Sequence[dict[str, Any]]) -> list[LabelledExample]:
    """One example per reply id: the annotators' consensus, in first-seen order."""
    by_id: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        by_id[record["id"]].append(record)
    return [_merged(group) for group in by_id.values()]


def load_human_labels(paths: Sequence[Path]) -> list[LabelledExample]:
    return consensus([record for path in paths for record in read_annotations(path)])


def merged_scores(group: Sequence[dict[str, Any]]) -> dict[str, float | None]:
    scores: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        given = [r["labels"][dim] for r in group if r["labels"].get(dim) is not None]
        applies = len(given) * 2 >= len(group)
        scores[dim] = mean(given) if applies and given else None
    return scores


def _merged(group: Sequence[dict[str, Any]]) -> LabelledExample:
    first = group[0]
    raw = mean(float(r["tone"]["raw"]) for r in group)
    adjusted = mean(float(r["tone"]["channel_adjusted"]) for r in group)
    scores = merged_scores(group)
    scores["tone"] = adjusted
    return LabelledExample(
        id=f"human-{first['id']}",
        situation=str(first.get("situation", "human")),
        request=ScoreRequest(
            channel=first["channel"], customer=first["customer"], reply=first["reply"],
            history=tuple(Turn(t["role"], t["text"]) for t in first.get("history", [])),
        ),
        scores=scores,
        tone_raw=raw,
        tone_adjusted=min(adjusted, raw),
        emotion="neutral",
        intensity=0.1,
        vulnerability=None,
        signals_known=False,
    )
