"""Sign-in links: an HMAC-signed, expiring token an agent, lead or reviewer uses as a bearer token.

``<payload>.<signature>``, both base64url without padding; an agent's payload is
``{"exp": unix seconds, "sub": agent id}``, a lead's or reviewer's adds ``"role"`` and the
``"team"`` they act for (``{"exp": ..., "role": "lead", "sub": person id, "team":
"provider:account"}``). The payload must be the canonical JSON of its claims (sorted keys, no
spaces), so one set of claims has exactly one token. The signature covers a purpose prefix as
well, so a MAC made with the same secret for anything else never verifies as a sign-in token.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args
from urllib.parse import quote

from shared.events.ids import parse_agent_id

_PURPOSE = b"rapport.coach.sign-in.v1:"

# Agents' links carry no role claim (the links issued before roles existed stay valid).
StaffRole = Literal["lead", "reviewer"]
STAFF_ROLES: tuple[str, ...] = get_args(StaffRole)


class InvalidToken(ValueError):
    """Malformed, tampered with, or signed with another secret."""


class ExpiredToken(InvalidToken):
    """Genuine, but past its expiry."""


@dataclass(frozen=True)
class SignInClaims:
    subject: str  # a qualified helpdesk user id: the agent, or the lead / reviewer
    role: StaffRole | None  # None: an agent's own link
    team_id: str | None  # "provider:account" for leads and reviewers; None for agents


def issue_token(agent_id: str, secret: str, *, expires_at: datetime) -> str:
    parse_agent_id(agent_id)  # refuse to sign something that is not an agent id
    return _signed({"sub": agent_id, "exp": int(expires_at.timestamp())}, secret)


def issue_staff_token(person_id: str, role: StaffRole, team_id: str, secret: str, *,
                      expires_at: datetime) -> str:
    """A lead's or reviewer's token, limited to one team (a helpdesk account)."""
    parse_agent_id(person_id)
    if role not in STAFF_ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(STAFF_ROLES)}")
    parse_team_id(team_id)
    return _signed({"sub": person_id, "role": role, "team": team_id,
                    "exp": int(expires_at.timestamp())}, secret)


def parse_team_id(value: str) -> tuple[str, str]:
    """A team is a helpdesk account, ``provider:account`` (the agent id without its user)."""
    parts = value.split(":")
    if len(parts) != 2 or not all(parts):
        raise ValueError(f"team id {value!r} is not '<provider>:<account>'")
    return parts[0], parts[1]


def verify_token(token: str, secret: str, *, now: datetime) -> str:
    """The agent id an agent's token was issued for; raises ``InvalidToken`` /
    ``ExpiredToken``, also for a lead's or reviewer's token."""
    claims = verify_claims(token, secret, now=now)
    if claims.role is not None:
        raise InvalidToken("not an agent's sign-in token")
    return claims.subject


def verify_claims(token: str, secret: str, *, now: datetime) -> SignInClaims:
    """Who the token was issued for and in which role; raises ``InvalidToken`` /
    ``ExpiredToken``."""
    encoded, dot, signature = token.partition(".")
    if not dot or not encoded or not signature:
        raise InvalidToken("not a sign-in token")
    # Compared as text, not as decoded bytes: base64 decoding forgives padding and the unused
    # low bits of the last character, so several strings would pass for one signature. Only
    # the exact string issued is the token.
    expected = _b64encode(_mac(secret, encoded))
    if not hmac.compare_digest(signature.encode("utf-8"), expected.encode("ascii")):
        raise InvalidToken("signature does not match")
    try:
        raw = _b64decode(encoded)
        claims = json.loads(raw)
        subject, expires = str(claims["sub"]), int(claims["exp"])
        parse_agent_id(subject)
        role, team = claims.get("role"), claims.get("team")
        if set(claims) - {"sub", "exp", "role", "team"} or (role is None) != (team is None):
            raise ValueError("unexpected claims")
        if role is not None:
            if role not in STAFF_ROLES:
                raise ValueError("unknown role")
            parse_team_id(str(team))
        if raw != _canonical(claims):
            raise ValueError("not canonical")
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidToken("payload is not a sign-in claim") from None
    if now.astimezone(UTC).timestamp() >= expires:
        raise ExpiredToken("sign-in link expired; ask for a new one")
    return SignInClaims(subject=subject, role=role, team_id=None if team is None else str(team))


def sign_in_link(base_url: str, token: str, assignment_id: str | None = None) -> str:
    page = f"/practice/{quote(assignment_id, safe='')}" if assignment_id else "/practice"
    return f"{base_url.rstrip('/')}{page}?token={quote(token, safe='')}"


def staff_sign_in_link(base_url: str, token: str, role: StaffRole) -> str:
    """A lead lands on the team's page (circles, disputes), a reviewer on their circles."""
    page = "/team" if role == "lead" else "/review"
    return f"{base_url.rstrip('/')}{page}?token={quote(token, safe='')}"


def _signed(claims: dict[str, object], secret: str) -> str:
    encoded = _b64encode(_canonical(claims))
    return f"{encoded}.{_b64encode(_mac(secret, encoded))}"


def _canonical(claims: dict[str, object]) -> bytes:
    return json.dumps(claims, separators=(",", ":"), sort_keys=True,
                      ensure_ascii=True).encode()


def _mac(secret: str, encoded_payload: str) -> bytes:
    return hmac.new(secret.encode(), _PURPOSE + encoded_payload.encode(), hashlib.sha256).digest()


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
