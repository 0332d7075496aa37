"""Verification primitives: HMAC over raw bytes, constant-time comparison, replay windows.

Each provider module composes these with its own header names and signed-bytes recipe. The
signing side (how a platform *produces* these headers) lives apart, in ``signing_clients``, so a
mistake cannot cancel itself out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Literal

Algorithm = Literal["sha1", "sha256"]


class SignatureRejected(Exception):
    """The delivery is not authentic (or is a replay); ``reason`` is safe to show the sender."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def digest(algorithm: Algorithm, secret: str, message: bytes) -> bytes:
    return hmac.new(secret.encode("utf-8"), message, getattr(hashlib, algorithm)).digest()


def require_header(headers: Mapping[str, str], name: str) -> str:
    value = headers.get(name.lower(), "").strip()
    if not value:
        raise SignatureRejected(f"missing {name} header")
    return value


def check_base64(algorithm: Algorithm, secret: str, message: bytes, provided: str) -> None:
    expected = base64.b64encode(digest(algorithm, secret, message))
    if not hmac.compare_digest(expected, provided.strip().encode("ascii", "replace")):
        raise SignatureRejected("signature does not match")


def check_hex(algorithm: Algorithm, secret: str, message: bytes, provided: str,
              *, prefix: str = "") -> None:
    """``provided`` is ``<prefix><hex>`` (``sha1=...``); the prefix must match exactly."""
    value = provided.strip()
    if prefix and not value.startswith(prefix):
        raise SignatureRejected(f"signature must start with {prefix!r}")
    expected = digest(algorithm, secret, message).hex().encode("ascii")
    candidate = value.removeprefix(prefix).lower().encode("ascii", "replace")
    if not hmac.compare_digest(expected, candidate):
        raise SignatureRejected("signature does not match")


def check_hub_signature(headers: Mapping[str, str], body: bytes, secret: str) -> None:
    """``X-Hub-Signature: sha1=<hex HMAC-SHA1(secret, body)>`` (Intercom, Zammad)."""
    check_hex("sha1", secret, body, require_header(headers, "X-Hub-Signature"), prefix="sha1=")


def check_dotted_timestamp(headers: Mapping[str, str], body: bytes, secret: str, *,
                           signature_header: str, timestamp_header: str, now_s: float,
                           window_s: float) -> None:
    """``sha256=<hex HMAC-SHA256(secret, "{unix seconds}.{body}")>`` (Chatwoot, generic)."""
    signature = require_header(headers, signature_header)
    timestamp = require_header(headers, timestamp_header)
    check_hex("sha256", secret, timestamp.encode("utf-8") + b"." + body, signature,
              prefix="sha256=")
    check_fresh(epoch_header(timestamp, millis=False), now_s, window_s)


def check_token(secret: str, provided: str) -> None:
    if not hmac.compare_digest(secret.encode("utf-8"), provided.strip().encode("utf-8")):
        raise SignatureRejected("token does not match")


def check_fresh(signed_at_s: float, now_s: float, window_s: float) -> None:
    """Refuse timestamps outside ``now ± window`` (clocks drift both ways)."""
    if abs(now_s - signed_at_s) > window_s:
        raise SignatureRejected(
            f"timestamp is outside the {window_s:.0f}s replay window; the delivery is stale "
            "(or a clock is wrong)"
        )


# Plain ASCII digits, at most 16 of them (milliseconds until the year 2286): ``int()`` alone
# also takes "1_000", Arabic-Indic digits and 400-digit numbers that overflow a float.
_EPOCH_DIGITS = re.compile(r"[0-9]{1,16}", re.ASCII)


def epoch_header(value: str, *, millis: bool) -> float:
    if not _EPOCH_DIGITS.fullmatch(value.strip()):
        raise SignatureRejected("timestamp header is not an integer of at most 16 digits")
    number = int(value)
    return number / 1000 if millis else float(number)


def iso_header(value: str) -> float:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise SignatureRejected("timestamp header is not ISO-8601") from None
    if parsed.tzinfo is None:
        raise SignatureRejected("timestamp header has no time zone")
    try:
        return parsed.timestamp()
    except (OverflowError, ValueError):  # "9999-12-31T23:59:59-01:00" is past datetime's range
        raise SignatureRejected("timestamp header is out of range") from None
