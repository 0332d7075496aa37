"""Announcing new drills to an outbound webhook (Slack-compatible ``{"text": ...}``).

Announcing is a courtesy: it runs on its own worker thread, so a slow or failing webhook never
holds up the consumer or a request. Failures are logged and counted, not retried.

The webhook is a shared channel: what is posted there says that new practice is ready and for
how many agents, never who nor which skill (``assignment_service.announcement_text``).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Protocol

import httpx

from services.coach.metrics import ANNOUNCE_FAILURES

log = logging.getLogger(__name__)

# Beyond this many queued announcements the webhook is clearly not keeping up: drop, count.
MAX_PENDING = 1000


class Announcer(Protocol):
    def announce(self, text: str) -> None: ...

    def drain(self, timeout_s: float) -> bool: ...

    def close(self) -> None: ...


class SilentAnnouncer:
    """No webhook configured."""

    def announce(self, text: str) -> None:
        return None

    def drain(self, timeout_s: float) -> bool:
        return True

    def close(self) -> None:
        return None


class WebhookAnnouncer:
    def __init__(self, url: str, *, timeout_s: float) -> None:
        self._url = url
        self._client = httpx.Client(timeout=timeout_s)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="announce")
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()

    def announce(self, text: str) -> None:
        with self._lock:
            if len(self._pending) >= MAX_PENDING:
                ANNOUNCE_FAILURES.inc()
                log.warning("announce queue full; dropping an announcement")
                return
            future = self._executor.submit(self._post, text)
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def drain(self, timeout_s: float) -> bool:
        """Wait for queued announcements (tests, shutdown); True when none is left."""
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                future.result(timeout=timeout_s)
            except TimeoutError:
                return False
        return True

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=False)
        self._client.close()

    def _post(self, text: str) -> None:
        try:
            response = self._client.post(self._url, json={"text": text})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            ANNOUNCE_FAILURES.inc()
            log.warning("announce webhook failed: %s", type(exc).__name__)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)


def create_announcer(url: str | None, *, timeout_s: float) -> Announcer:
    return WebhookAnnouncer(url, timeout_s=timeout_s) if url else SilentAnnouncer()
