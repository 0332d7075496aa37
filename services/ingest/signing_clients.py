"""How each platform signs a webhook: the sender's side, for tests, sample replay and the bench.

Written from each platform's documented recipe, independently of the verification code in
``services/ingest/providers`` (a shared mistake would otherwise cancel itself out).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode, urlsplit, urlunsplit

from services.ingest.delivery_files import RecordedDelivery

JSON = "application/json"


@dataclass(frozen=True)
class SignedRequest:
    url: str
    headers: dict[str, str]


def _hmac(secret: str, message: bytes, algorithm: str) -> bytes:
    return hmac.new(secret.encode(), message, getattr(hashlib, algorithm)).digest()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def zendesk(body: bytes, secret: str, now_s: float) -> dict[str, str]:
    timestamp = datetime.fromtimestamp(int(now_s), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            "X-Zendesk-Webhook-Signature": _b64(_hmac(secret, timestamp.encode() + body,
                                                      "sha256"))}


def intercom(body: bytes, secret: str) -> dict[str, str]:
    return {"X-Hub-Signature": "sha1=" + _hmac(secret, body, "sha1").hex()}


def front(body: bytes, secret: str, now_s: float) -> dict[str, str]:
    timestamp = str(int(now_s * 1000))
    return {"X-Front-Request-Timestamp": timestamp,
            "X-Front-Signature": _b64(_hmac(secret, f"{timestamp}:".encode() + body, "sha256"))}


def helpscout(body: bytes, secret: str) -> dict[str, str]:
    return {"X-HelpScout-Signature": _b64(_hmac(secret, body, "sha1"))}


def chatwoot(body: bytes, secret: str, now_s: float) -> dict[str, str]:
    timestamp = str(int(now_s))
    digest = _hmac(secret, f"{timestamp}.".encode() + body, "sha256").hex()
    return {"X-Chatwoot-Timestamp": timestamp, "X-Chatwoot-Signature": f"sha256={digest}"}


def zammad(body: bytes, secret: str) -> dict[str, str]:
    return {"X-Hub-Signature": "sha1=" + _hmac(secret, body, "sha1").hex()}


def hubspot(body: bytes, secret: str, now_s: float, *, method: str, url: str) -> dict[str, str]:
    timestamp = str(int(now_s * 1000))
    source = method.upper().encode() + url.encode() + body + timestamp.encode()
    return {"X-HubSpot-Request-Timestamp": timestamp,
            "X-HubSpot-Signature-v3": _b64(_hmac(secret, source, "sha256"))}


def token(secret: str) -> dict[str, str]:
    """Freshdesk and Gorgias: the custom header the admin adds to the webhook."""
    return {"X-Rapport-Token": secret}


def generic(body: bytes, secret: str, now_s: float) -> dict[str, str]:
    timestamp = str(int(now_s))
    digest = _hmac(secret, f"{timestamp}.".encode() + body, "sha256").hex()
    return {"X-Rapport-Timestamp": timestamp, "X-Rapport-Signature": f"sha256={digest}"}


def sign_recorded(recorded: RecordedDelivery, base_url: str, secret: str, *,
                  now_s: float | None = None, body: bytes | None = None) -> SignedRequest:
    """A recorded delivery (its own headers and ``?query`` kept) signed for ``base_url``."""
    url = base_url.rstrip("/") + recorded.path()
    if recorded.query:
        url += "?" + urlencode(recorded.query)
    signed = sign_request(recorded.provider, recorded.body if body is None else body, secret,
                          url=url, now_s=now_s)
    return SignedRequest(url=signed.url, headers={**recorded.headers, **signed.headers})


def with_query(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = "&".join(filter(None, [parts.query, urlencode(params)]))
    return urlunsplit(parts._replace(query=query))


def sign_request(provider: str, body: bytes, secret: str, *, url: str, method: str = "POST",
                 now_s: float | None = None, content_type: str = JSON) -> SignedRequest:
    """Headers (and, for Salesforce, the URL) exactly as ``provider`` would send them."""
    now = time.time() if now_s is None else now_s
    if provider == "salesforce":
        url = with_query(url, token=secret)
        content_type = "text/xml; charset=utf-8"
    signers: dict[str, Callable[[], dict[str, str]]] = {
        "zendesk": lambda: zendesk(body, secret, now),
        "intercom": lambda: intercom(body, secret),
        "front": lambda: front(body, secret, now),
        "helpscout": lambda: helpscout(body, secret),
        "chatwoot": lambda: chatwoot(body, secret, now),
        "zammad": lambda: zammad(body, secret),
        "hubspot": lambda: hubspot(body, secret, now, method=method, url=url),
        "freshdesk": lambda: token(secret),
        "gorgias": lambda: token(secret),
        "salesforce": lambda: {},  # authenticated by the ?token= in the URL
        "generic": lambda: generic(body, secret, now),
    }
    if provider not in signers:
        raise ValueError(f"no signing recipe for {provider!r}")
    return SignedRequest(url=url, headers={"Content-Type": content_type, **signers[provider]()})
