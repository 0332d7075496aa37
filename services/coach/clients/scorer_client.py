"""The scorer's live endpoint, ``POST {scorer_url}/v1/score``, for practice replies."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)


class ScorerUnavailable(RuntimeError):
    """The scorer did not answer usefully (down, timed out, 5xx, malformed); retry later."""


class ScorerRejected(ValueError):
    """The scorer refused this reply (4xx); the message says why."""


class ScorerSuggestion(BaseModel):
    model_config = ConfigDict(extra="ignore")

    dimension: str
    framework: str
    text: str


class ScorerReply(BaseModel):
    model_config = ConfigDict(extra="ignore", protected_namespaces=())

    scores: dict[str, float | None]
    overall: float = Field(ge=0, le=1)
    evidence: dict[str, list[str]] = Field(default_factory=dict)
    suggestions: list[ScorerSuggestion] = Field(default_factory=list)
    customer: dict[str, Any] = Field(default_factory=dict)
    tone: dict[str, float] = Field(default_factory=dict)
    model_version: str


class ScorerClient:
    def __init__(self, base_url: str, *, timeout_s: float, token: str | None = None) -> None:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self._client = httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s,
                                    headers=headers)

    def score(self, *, channel: str, customer: str, reply: str,
              history: Sequence[tuple[str, str]]) -> ScorerReply:
        body = {"channel": channel, "customer": customer, "reply": reply,
                "history": [{"role": role, "text": text} for role, text in history]}
        try:
            response = self._client.post("/v1/score", json=body)
        except httpx.HTTPError as exc:
            raise ScorerUnavailable(f"scorer unreachable: {type(exc).__name__}") from exc
        if response.status_code in (401, 403):
            # A configuration fault on our side, not the reply's: say so loudly, retry later.
            log.error("the scorer refused the coach's credentials; check "
                      "RAPPORT_COACH_SCORER_TOKEN")
            raise ScorerUnavailable("the scorer refused the coach's credentials")
        if 400 <= response.status_code < 500 and response.status_code not in (408, 429):
            raise ScorerRejected(_detail(response))
        if response.status_code != 200:
            raise ScorerUnavailable(f"scorer answered {response.status_code}")
        try:
            return ScorerReply.model_validate_json(response.content)
        except ValidationError as exc:
            log.warning("scorer reply did not match the contract: %s", exc.error_count())
            raise ScorerUnavailable("scorer reply did not match the expected shape") from None

    def close(self) -> None:
        self._client.close()


def _detail(response: httpx.Response) -> str:
    try:
        payload = response.json()
    except ValueError:
        return f"scorer refused the reply ({response.status_code})"
    detail = payload.get("detail") if isinstance(payload, dict) else None
    return str(detail) if detail else f"scorer refused the reply ({response.status_code})"
