"""Parsing one JSONL input line into a ``ScoreRequest``, with an error that says what is wrong."""

from __future__ import annotations

import json
from typing import Any

from services.scorer.model.schema import ScoreRequest, Turn

REQUIRED_FIELDS: tuple[str, ...] = ("channel", "customer", "reply")


def parse_request_line(line: str) -> ScoreRequest:
    """``{"channel", "customer", "reply", "history"?: [{"role", "text"}]}`` -> request.

    Raises ValueError whose message is fit to show the user as is.
    """
    if not line.strip():
        raise ValueError("empty line; expected a JSON object")
    try:
        payload: Any = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"invalid JSON: {error.msg} at column {error.colno}") from None
    if not isinstance(payload, dict):
        raise ValueError(f"expected a JSON object, got {type(payload).__name__}")
    missing = [name for name in REQUIRED_FIELDS if name not in payload]
    if missing:
        raise ValueError(f"missing field(s): {', '.join(missing)}")
    for name in REQUIRED_FIELDS:
        if not isinstance(payload[name], str):
            raise ValueError(f"field {name!r} must be a string, got {type(payload[name]).__name__}")
    return ScoreRequest(
        channel=payload["channel"],
        customer=payload["customer"],
        reply=payload["reply"],
        history=_history(payload.get("history")),
    )


def _history(raw: Any) -> tuple[Turn, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ValueError("field 'history' must be a list of {role, text} objects")
    turns = []
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise ValueError(f"history[{index}] must be an object with string 'role' and 'text'")
        role = item.get("role")
        if not isinstance(role, str):
            raise ValueError(f"history[{index}].role must be a string")
        try:
            turns.append(Turn(role=role, text=item["text"]))
        except ValueError as error:
            raise ValueError(f"history[{index}]: {error}") from None
    return tuple(turns)
