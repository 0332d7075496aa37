"""An HTTP client that respects helpdesk rate limits and survives short outages.

429 waits for ``Retry-After`` (or Intercom's ``X-RateLimit-Reset``), capped at ``max_wait_s`` so
a wild value cannot stall the import for hours; 5xx and connection errors back off
exponentially. After ``max_attempts`` the import stops; its cursor is saved, so the next run
continues from the last published page.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx

_FIRST_BACKOFF_S = 0.5


class BackfillHttpError(RuntimeError):
    """The API kept failing (or refused); the backfill stops and can be resumed."""


class RateLimitedClient:
    def __init__(self, client: httpx.AsyncClient, *, max_attempts: int, max_wait_s: float) -> None:
        self.client = client
        self.max_attempts = max_attempts
        self.max_wait_s = max_wait_s
        self.waited_s = 0.0  # total time spent honouring rate limits and back-offs

    async def request_json(self, method: str, url: str, **kwargs: Any) -> Any:
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = await self.client.request(method, url, **kwargs)
            except httpx.TransportError as exc:
                problem = f"{type(exc).__name__} calling {url}"
                wait_s = _FIRST_BACKOFF_S * 2 ** (attempt - 1)
            else:
                if response.status_code < 400:
                    return response.json()
                if response.status_code != 429 and response.status_code < 500:
                    raise BackfillHttpError(f"{method} {url} answered {response.status_code}: "
                                            "check the base URL and credentials")
                problem = f"{method} {url} answered {response.status_code}"
                wait_s = (_rate_limit_wait(response) if response.status_code == 429
                          else _FIRST_BACKOFF_S * 2 ** (attempt - 1))
            if attempt == self.max_attempts:
                raise BackfillHttpError(f"{problem} ({attempt} attempts); run again to resume")
            wait_s = min(wait_s, self.max_wait_s)
            self.waited_s += wait_s
            await asyncio.sleep(wait_s)  # honouring the API's rate limit, by design
        raise AssertionError("unreachable")


def _rate_limit_wait(response: httpx.Response) -> float:
    retry_after = response.headers.get("Retry-After")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    reset = response.headers.get("X-RateLimit-Reset")
    if reset is not None and reset.isdigit():
        return max(0.0, int(reset) - time.time())
    return 60.0  # Zendesk's incremental exports are limited per minute
