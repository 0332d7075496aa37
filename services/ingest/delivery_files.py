"""Recorded deliveries on disk (test fixtures, sample traffic, bench payloads).

One JSON document per delivery::

    {"provider": "helpscout", "description": "...",
     "headers": {"X-HelpScout-Event": "convo.customer.reply.created"},
     "query": {"account": "acme"},
     "body": {...}}                       # or "body_text": "<soapenv:Envelope ..."

Signature headers are not stored: they are computed at send time by ``signing_clients``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class RecordedDelivery:
    provider: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    description: str = ""
    source: str = ""

    def path(self) -> str:
        return f"/webhooks/{self.provider}"


def encode_body(body: Any) -> bytes:
    # Spaced separators, like most senders: verification must work on these exact bytes.
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def load_delivery(path: Path) -> RecordedDelivery:
    document = json.loads(path.read_text(encoding="utf-8"))
    body = (document["body_text"].encode("utf-8") if "body_text" in document
            else encode_body(document["body"]))
    return RecordedDelivery(
        provider=document["provider"], body=body,
        headers=dict(document.get("headers", {})), query=dict(document.get("query", {})),
        description=document.get("description", ""), source=path.name,
    )


def load_deliveries(folder: Path) -> list[RecordedDelivery]:
    """Every ``*.json`` under ``folder``, in file-name order (the order they are replayed)."""
    return [load_delivery(path) for path in sorted(folder.rglob("*.json"))]
