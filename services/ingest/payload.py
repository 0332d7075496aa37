"""Typed, path-aware reads from untrusted JSON.

Every helpdesk payload is read through ``Fields`` so that a missing or mistyped field becomes an
``InvalidPayload`` naming the field (HTTP 422), never a ``KeyError`` or ``TypeError`` (HTTP 500).
"""

from __future__ import annotations

import json
import math
import re
from datetime import UTC, datetime
from typing import Any

# What shared.events.ids accepts inside a qualified id; anything else is refused at the edge.
_ID = re.compile(r"^[A-Za-z0-9_.@\-]{1,200}$")
# Chatwoot renders "2026-11-24 09:02:11 UTC"; everything else sends ISO-8601 or epoch numbers.
_SPACED_UTC = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$")
# Epoch values above this are milliseconds (it is the year 5138 in seconds).
_MILLIS_THRESHOLD = 100_000_000_000
_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(2200, 1, 1, tzinfo=UTC)


class MalformedBody(ValueError):
    """The body cannot be read at all (not JSON, not XML): HTTP 400."""


class InvalidPayload(ValueError):
    """The body parses but a field is missing or wrong: HTTP 422, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def load_json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise MalformedBody("body is not valid JSON") from None


def load_json_object(body: bytes) -> Fields:
    data = load_json(body)
    if not isinstance(data, dict):
        raise InvalidPayload("<body>", "expected a JSON object")
    return Fields(data)


def objects_in(items: Any, path: str) -> list[Fields]:
    """The objects of a list an API answered with (anything else counts as no objects)."""
    if not isinstance(items, list):
        return []
    return [Fields(item, f"{path}[{index}]") for index, item in enumerate(items)
            if isinstance(item, dict)]


def is_valid_id(value: str) -> bool:
    return bool(_ID.match(value))


def parse_instant(value: Any, field: str) -> datetime:
    """ISO-8601 text, ``YYYY-MM-DD HH:MM:SS UTC``, or epoch seconds / milliseconds."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise InvalidPayload(field, "expected a timestamp")
    try:
        if isinstance(value, str):
            parsed = _parse_text_instant(value)
        else:
            seconds = value / 1000 if abs(value) >= _MILLIS_THRESHOLD else value
            parsed = datetime.fromtimestamp(seconds, tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise InvalidPayload(field, "expected an ISO-8601 or epoch timestamp") from None
    if not _EARLIEST <= parsed < _LATEST:
        raise InvalidPayload(field, "timestamp out of range")
    return parsed


def _parse_text_instant(value: str) -> datetime:
    text = value.strip()
    if spaced := _SPACED_UTC.match(text):
        text = f"{spaced.group(1)}T{spaced.group(2)}+00:00"
    elif text.isdigit():
        return datetime.fromtimestamp(int(text) / (1000 if len(text) > 11 else 1), tz=UTC)
    parsed = datetime.fromisoformat(text)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Fields:
    """A JSON object plus the path it was found at, for error messages."""

    def __init__(self, data: dict[str, Any], path: str = "") -> None:
        self.data = data
        self.path = path

    def where(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def raw(self, key: str) -> Any:
        return self.data.get(key)

    def obj(self, key: str) -> Fields:
        found = self.opt_obj(key)
        if found is None:
            raise InvalidPayload(self.where(key), "required object is missing")
        return found

    def opt_obj(self, key: str) -> Fields | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, dict):
            raise InvalidPayload(self.where(key), "expected an object")
        return Fields(value, self.where(key))

    def objects(self, key: str) -> list[Fields]:
        """A list of objects; a missing list is empty."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise InvalidPayload(self.where(key), "expected a list")
        items = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise InvalidPayload(f"{self.where(key)}[{index}]", "expected an object")
            items.append(Fields(item, f"{self.where(key)}[{index}]"))
        return items

    def text(self, key: str) -> str:
        found = self.opt_text(key)
        if found is None:
            raise InvalidPayload(self.where(key), "required text is missing")
        return found

    def opt_text(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidPayload(self.where(key), "expected text")
        return value

    def ident(self, key: str) -> str:
        found = self.opt_ident(key)
        if found is None:
            raise InvalidPayload(self.where(key), "required id is missing")
        return found

    def opt_ident(self, key: str) -> str | None:
        """Ids arrive as numbers or strings; ``""`` counts as absent (Zendesk sends that)."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | str):
            raise InvalidPayload(self.where(key), "expected an id (text or integer)")
        text = str(value)
        if not is_valid_id(text):
            raise InvalidPayload(self.where(key), "id may use only letters, digits and _.@-")
        return text

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            raise InvalidPayload(self.where(key), "expected true or false")
        return value

    def number(self, key: str) -> float | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) \
                or not math.isfinite(value):
            raise InvalidPayload(self.where(key), "expected a finite number")
        return float(value)

    def time(self, key: str) -> datetime:
        value = self.data.get(key)
        if value is None:
            raise InvalidPayload(self.where(key), "required timestamp is missing")
        return parse_instant(value, self.where(key))

    def opt_time(self, key: str) -> datetime | None:
        value = self.data.get(key)
        return None if value is None or value == "" else parse_instant(value, self.where(key))

    def strings(self, key: str) -> tuple[str, ...]:
        """A list of strings (tags); a missing list is empty."""
        value = self.data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise InvalidPayload(self.where(key), "expected a list of text")
        return tuple(value)
