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

from shared.events.moments import EARLIEST, LATEST

# What shared.events.ids accepts inside a qualified id; anything else is refused at the edge.
_ID = re.compile(r"^[A-Za-z0-9_.@\-]{1,200}$")
# Chatwoot renders "2026-11-24 09:02:11 UTC"; everything else sends ISO-8601 or epoch numbers.
_SPACED_UTC = re.compile(r"^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}(?:\.\d+)?) UTC$")
# Epoch values above this are milliseconds (it is the year 5138 in seconds).
_MILLIS_THRESHOLD = 100_000_000_000
# A JSON escape of a UTF-16 surrogate: json.loads pairs valid ones into one code point and
# leaves a lone one as is, which no UTF-8 encoder (Kafka's records, the database) accepts. The
# byte search keeps the walk over the parsed body off the common path.
_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# A UTF-16 surrogate encoded as bytes (CESU-8): never valid UTF-8, yet json.loads decodes it
# ("surrogatepass") into text that no UTF-8 encoder accepts.
_ENCODED_SURROGATE = re.compile(rb"\xed[\xa0-\xbf]")


class MalformedBody(ValueError):
    """The body cannot be read at all (not JSON, not XML): HTTP 400."""


class InvalidPayload(ValueError):
    """The body parses but a field is missing or wrong: HTTP 422, naming the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def load_json(body: bytes) -> Any:
    if _ENCODED_SURROGATE.search(body):
        raise MalformedBody("body is not valid UTF-8 (it holds an encoded UTF-16 surrogate)")
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise MalformedBody("body is not valid JSON") from None
    if _SURROGATE_ESCAPE.search(body):
        path = lone_surrogate_path(data)
        if path is not None:
            raise InvalidPayload(path, "text holds an unpaired UTF-16 surrogate (a \\uD800-"
                                 "\\uDFFF escape without its pair), which is not valid Unicode")
    return data


def lone_surrogate_path(data: Any) -> str | None:
    """Where the first string with an unpaired surrogate is, or None. Walks without recursion:
    the body may nest as deep as the JSON parser allowed."""
    stack: list[tuple[str, Any]] = [("<body>", data)]
    while stack:
        path, value = stack.pop()
        if isinstance(value, str):
            if _has_surrogate(value):
                return path
        elif isinstance(value, dict):
            for key, item in value.items():
                if _has_surrogate(key):
                    return path
                stack.append((key if path == "<body>" else f"{path}.{key}", item))
        elif isinstance(value, list):
            stack.extend((f"{path}[{index}]", item) for index, item in enumerate(value))
    return None


def _has_surrogate(text: str) -> bool:
    return bool(_SURROGATE.search(text))


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
    if not EARLIEST <= parsed < LATEST:
        raise InvalidPayload(field, "timestamp must lie between 1970 and 2099")
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
