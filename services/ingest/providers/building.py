"""Helpers the provider modules share to build qualified ids, keys and events."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from services.ingest.payload import InvalidPayload, is_valid_id
from shared.events import Channel, Satisfaction, agent_id

# Event ids land in a 300-character key column; longer ones are hashed (still stable).
_MAX_EVENT_ID = 200
DEFAULT_ACCOUNT = "default"


def qualified_user(provider: str, account: str, user_id: str | None) -> str | None:
    """``{provider}:{account}:{user_id}``, the id coach and scorer know a person by."""
    return agent_id(provider, account, user_id) if user_id else None


def message_key(provider: str, account: str, conversation_id: str, local_id: str) -> str:
    """Stable, qualified message id: ``zendesk:10000001:48213:7741000001``."""
    return f"{provider}:{account}:{conversation_id}:{local_id}"


def event_key(provider: str, *parts: str) -> str:
    """``{provider}:{delivery id}``; the idempotency key, also the event's ``event_id``."""
    key = ":".join((provider, *parts))
    if len(key) <= _MAX_EVENT_ID:
        return key
    return f"{provider}:sha256:{hashlib.sha256(key.encode('utf-8')).hexdigest()}"


def content_key(provider: str, account: str, content: Any) -> str:
    """For platforms that send no delivery id: a hash of the canonical content."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return f"{provider}:{account}:sha256:{digest}"


def short_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def account_from_query(query: dict[str, str] | Any) -> str:
    """Platforms whose payload names no account take it from ``?account=`` in the URL."""
    account = str(query.get("account") or DEFAULT_ACCOUNT)
    if not is_valid_id(account):
        raise InvalidPayload("account", "query parameter may use only letters, digits and _.@-")
    return account


def rating_from_scale(value: float, *, low: float, high: float,
                      comment: str | None = None) -> Satisfaction:
    """A rating on a numeric scale (1-5 stars) as good / neutral / bad plus a [0,1] score."""
    bounded = min(max(value, low), high)
    score = (bounded - low) / (high - low)
    rating = "good" if score >= 0.75 else "bad" if score <= 0.25 else "neutral"
    return Satisfaction(rating=rating, score=round(score, 4), comment=comment or None)


def channel_from(mapping: dict[str, Channel], value: str | None) -> Channel:
    if value is None:
        return Channel.OTHER
    return mapping.get(value.strip().lower(), Channel.OTHER)
