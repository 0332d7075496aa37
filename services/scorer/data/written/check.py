"""Validate free-written labelled files (examples, contrast pairs or blind annotations).

Usage: ``python -m services.scorer.data.written.check FILE...`` prints every problem with its file
and line and exits 1 if there is one. Authors run it on each batch they write.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from services.scorer.model.rubric import CHANNELS, DIMENSIONS, EMOTIONS, VULNERABILITIES

ALWAYS_APPLIES = ("acknowledgment", "tone", "personalization")
INTENSITIES = (0.1, 0.25, 0.55, 0.85)
ROLES = ("customer", "agent")


def check_example(record: dict[str, Any], *, needs_signals: bool = True) -> list[str]:
    """Problems with one labelled example (empty list when it is valid)."""
    problems: list[str] = []
    for name in ("id", "channel", "customer", "reply"):
        if not isinstance(record.get(name), str) or not record.get(name, "").strip():
            problems.append(f"{name} must be a non-empty string")
    if record.get("channel") not in CHANNELS:
        problems.append(f"channel must be one of {', '.join(CHANNELS)}")
    for turn in record.get("history", []):
        if turn.get("role") not in ROLES or not str(turn.get("text", "")).strip():
            problems.append("history turns need role customer|agent and non-empty text")
    labels = record.get("labels")
    if not isinstance(labels, dict) or set(labels) != set(DIMENSIONS):
        problems.append(f"labels must have exactly the keys {', '.join(DIMENSIONS)}")
        return problems
    for dim, value in labels.items():
        if value is None:
            if dim in ALWAYS_APPLIES:
                problems.append(f"labels.{dim} always applies; it cannot be null")
        elif not isinstance(value, int | float) or not 0.0 <= value <= 1.0:
            problems.append(f"labels.{dim} must be null or a number in [0, 1]")
    tone = record.get("tone")
    if not isinstance(tone, dict) or {"raw", "channel_adjusted"} - set(tone):
        problems.append("tone must have raw and channel_adjusted")
    else:
        raw, adjusted = tone["raw"], tone["channel_adjusted"]
        if labels.get("tone") is not None and abs(adjusted - labels["tone"]) > 1e-6:
            problems.append("tone.channel_adjusted must equal labels.tone")
        if adjusted > raw + 1e-6:
            problems.append("tone.channel_adjusted cannot exceed tone.raw (fit is at most 1)")
    if needs_signals:
        problems.extend(_check_signals(record.get("customer_signals")))
    return problems


def _check_signals(signals: Any) -> list[str]:
    if not isinstance(signals, dict):
        return ["customer_signals must be an object"]
    problems = []
    if signals.get("emotion") not in EMOTIONS:
        problems.append(f"customer_signals.emotion must be one of {', '.join(EMOTIONS)}")
    if signals.get("intensity") not in INTENSITIES:
        problems.append(f"customer_signals.intensity must be one of {INTENSITIES}")
    if signals.get("vulnerability") not in (None, *VULNERABILITIES):
        problems.append(f"customer_signals.vulnerability must be null or one of {VULNERABILITIES}")
    return problems


def check_pair(record: dict[str, Any]) -> list[str]:
    """Problems with one contrast pair."""
    problems: list[str] = []
    dim = record.get("dimension")
    if dim not in DIMENSIONS:
        return [f"dimension must be one of {', '.join(DIMENSIONS)}"]
    if not isinstance(record.get("pair_id"), str):
        problems.append("pair_id must be a string")
    sides = {}
    for side in ("better", "worse"):
        example = record.get(side)
        if not isinstance(example, dict):
            problems.append(f"{side} must be an object")
            continue
        sides[side] = example
        problems.extend(
            f"{side}: {p}" for p in check_example({"id": "x", **example}) if "id " not in p
        )
    if len(sides) == 2 and not problems:
        better, worse = sides["better"], sides["worse"]
        for name in ("channel", "customer", "history"):
            if better.get(name, []) != worse.get(name, []):
                problems.append(f"better and worse must share the same {name}")
        high, low = better["labels"][dim], worse["labels"][dim]
        if high is None or low is None or high <= low:
            problems.append(f"better.labels.{dim} must be higher than worse.labels.{dim}")
        if better["reply"].strip() == worse["reply"].strip():
            problems.append("the two replies are identical")
    return problems


def check_file(path: Path) -> list[str]:
    problems: list[str] = []
    ids: set[str] = set()
    for number, record in _lines(path, problems):
        if "pair_id" in record:
            found, key = check_pair(record), record.get("pair_id")
        else:
            found = check_example(record, needs_signals="annotator" not in record)
            key = record.get("id")
        if key in ids:
            found.append(f"duplicate id {key!r}")
        ids.add(str(key))
        problems.extend(f"{path}:{number}: {p}" for p in found)
    return problems


def _lines(path: Path, problems: list[str]) -> Iterable[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            problems.append(f"{path}:{number}: invalid JSON: {error}")
            continue
        if not isinstance(record, dict):
            problems.append(f"{path}:{number}: each line must be a JSON object")
            continue
        yield number, record


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    problems = [p for name in argv for p in check_file(Path(name))]
    for problem in problems:
        print(problem)
    print(f"{len(argv)} file(s), {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
