"""Per-agent sign-in links: an HMAC-signed, expiring token an agent uses as a bearer token.

``<payload>.<signature>``, both base64url without padding; the payload is
``{"sub": agent id, "exp": unix seconds}``. The signature covers a purpose prefix as well, so a
MAC made with the same secret for anything else never verifies as a sign-in token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import UTC, datetime
from urllib.parse import quote

from shared.events.ids import parse_agent_id

_PURPOSE = b"rapport.coach.sign-in.v1:"


class InvalidToken(ValueError):
    """Malformed, tampered with, or signed with another secret."""


class ExpiredToken(InvalidToken):
    """Genuine, but past its expiry."""


def issue_token(agent_id: str, secret: str, *, expires_at: datetime) -> str:
    parse_agent_id(agent_id)  # refuse to sign something that is not an agent id
    payload = json.dumps({"sub": agent_id, "exp": int(expires_at.timestamp())},
                         separators=(",", ":"), sort_keys=True).encode()
    encoded = _b64encode(payload)
    return f"{encoded}.{_b64encode(_mac(secret, encoded))}"


def verify_token(token: str, secret: str, *, now: datetime) -> str:
    """The agent id the token was issued for; raises ``InvalidToken`` / ``ExpiredToken``."""
    encoded, dot, signature = token.partition(".")
    if not dot or not encoded or not signature:
        raise InvalidToken("not a sign-in token")
    try:
        given = _b64decode(signature)
    except (binascii.Error, ValueError):
        raise InvalidToken("signature is not base64url") from None
    if not hmac.compare_digest(given, _mac(secret, encoded)):
        raise InvalidToken("signature does not match")
    try:
        claims = json.loads(_b64decode(encoded))
        agent_id, expires = str(claims["sub"]), int(claims["exp"])
        parse_agent_id(agent_id)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise InvalidToken("payload is not a sign-in claim") from None
    if now.astimezone(UTC).timestamp() >= expires:
        raise ExpiredToken("sign-in link expired; ask for a new one")
    return agent_id


def sign_in_link(base_url: str, token: str, assignment_id: str | None = None) -> str:
    page = f"/practice/{quote(assignment_id, safe='')}" if assignment_id else "/practice"
    return f"{base_url.rstrip('/')}{page}?token={quote(token, safe='')}"


def _mac(secret: str, encoded_payload: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE + encoded_payload.encode(), hashlib.sha256).digest()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
