"""Identifiers that cross service boundaries.

Agents are ``{provider}:{account}:{provider_user_id}`` (``zendesk:10000001:902000000001``) so two
helpdesks, or two accounts on one helpdesk, never share an agent. Conversations are keyed the
same way; the key is also the Kafka message key, so one conversation stays on one partition.
"""

from __future__ import annotations

import re

_PART = re.compile(r"^[A-Za-z0-9_.@\-]+$")


def _qualified(provider: str, account: str, local_id: str, what: str) -> str:
    for label, part in (("provider", provider), ("account", account), (what, local_id)):
        if not part or not _PART.match(part):
            raise ValueError(
                f"{label} {part!r} must be non-empty and use only letters, digits, _.@-"
            )
    return f"{provider}:{account}:{local_id}"


def agent_id(provider: str, account: str, provider_user_id: str) -> str:
    return _qualified(provider, account, provider_user_id, "provider_user_id")


def conversation_key(provider: str, account: str, conversation_id: str) -> str:
    return _qualified(provider, account, conversation_id, "conversation_id")


def parse_agent_id(value: str) -> tuple[str, str, str]:
    parts = value.split(":")
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"agent id {value!r} is not '<provider>:<account>:<user id>'")
    return parts[0], parts[1], parts[2]
