"""What the unsigned, template-driven platforms share (Freshdesk, Gorgias).

Neither signs its webhooks; the admin pastes Rapport's body template and adds a custom header
``X-Rapport-Token: <secret>``, compared in constant time. Template placeholders render as text,
so booleans arrive as ``"true"`` / ``"True"`` and a missing value as ``""``.
"""

from __future__ import annotations

from services.ingest.payload import Fields, InvalidPayload
from services.ingest.providers.base import Delivery
from services.ingest.signatures import check_token, require_header

TOKEN_HEADER = "X-Rapport-Token"
_TRUE = frozenset({"true", "1", "yes"})


def verify_token(delivery: Delivery, secret: str) -> None:
    check_token(secret, require_header(delivery.headers, TOKEN_HEADER))


def require_template(data: Fields, version: str) -> None:
    if data.text("rapport_template") != version:
        raise InvalidPayload("rapport_template", f"expected {version!r}; paste the current "
                                                 "template from docs/ingest/setup.md")


def rendered_flag(fields: Fields, key: str, *, default: bool) -> bool:
    value = fields.raw(key)
    if isinstance(value, bool):
        return value
    text = fields.opt_text(key)
    return default if not text else text.strip().lower() in _TRUE


def rendered_text(fields: Fields, key: str) -> str | None:
    """A placeholder's text, ``None`` when it rendered empty."""
    text = fields.opt_text(key)
    if text is None:
        return None
    return text.strip() or None
