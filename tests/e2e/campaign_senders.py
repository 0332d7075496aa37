"""The helpdesks' side of the fault campaign: conversations sent as the platforms send them.

Conversations start at a fixed rate (open loop, so a stalled service builds a backlog as it would
in production); each one's deliveries go out in order, a short pause apart, each signed afresh
at every attempt with its platform's recipe and secret. A 503 (or 429) is retried after its
``Retry-After``, a connection failure or timeout after a short back-off, as the platforms do,
until ``give_up_after_s``; any other answer is final. The pauses and back-offs are the traffic's
own schedule, not synchronisation with the services.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field

import httpx

from services.ingest.signing_clients import sign_recorded
from tests.e2e.campaign_traffic import Conversation, Delivery


@dataclass
class Sent:
    delivery: Delivery
    status: int | None = None  # the final answer; None: gave up
    attempts: int = 0
    answer: dict[str, object] | None = None


@dataclass
class Senders:
    base_url: str
    secrets: Mapping[str, str]
    traffic: list[Conversation]
    rate_per_s: float
    pause_s: tuple[float, float] = (0.1, 0.6)
    give_up_after_s: float = 240.0
    timeout_s: float = 10.0
    seed: int = 11
    results: list[Sent] = field(default_factory=list)
    attempts: Counter[str] = field(default_factory=Counter)  # every answer, by status
    failed_attempts: int = 0  # answered other than 2xx (read by the fault thread)
    finished: int = 0

    def __post_init__(self) -> None:
        self.total = sum(len(c.deliveries) for c in self.traffic)
        self._progress = asyncio.Condition()
        self._rng = random.Random(self.seed)

    async def run(self) -> list[Sent]:
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
        async with httpx.AsyncClient(timeout=self.timeout_s, limits=limits) as client:
            started = time.monotonic()
            tasks = []
            for index, conversation in enumerate(self.traffic):
                delay = started + index / self.rate_per_s - time.monotonic()
                if delay > 0:
                    await asyncio.sleep(delay)  # the traffic's schedule
                pauses = [self._rng.uniform(*self.pause_s) for _ in conversation.deliveries]
                tasks.append(asyncio.create_task(self._conversation(client, conversation,
                                                                    pauses)))
            await asyncio.gather(*tasks)
        return self.results

    async def wait_progress(self, fraction: float) -> None:
        """Until ``fraction`` of all deliveries have their final answer."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.finished >= fraction * self.total)

    async def _conversation(self, client: httpx.AsyncClient, conversation: Conversation,
                            pauses: list[float]) -> None:
        for delivery, pause in zip(conversation.deliveries, pauses, strict=True):
            self.results.append(await self._deliver(client, delivery))
            async with self._progress:
                self.finished += 1
                self._progress.notify_all()
            await asyncio.sleep(pause)  # the next message of the conversation comes later

    async def _deliver(self, client: httpx.AsyncClient, delivery: Delivery) -> Sent:
        sent = Sent(delivery)
        recorded = delivery.recorded
        deadline = time.monotonic() + self.give_up_after_s
        while time.monotonic() < deadline:
            signed = sign_recorded(recorded, self.base_url, self.secrets[recorded.provider])
            sent.attempts += 1
            try:
                response = await client.post(signed.url, content=recorded.body,
                                             headers=signed.headers)
            except httpx.TransportError as exc:
                self.attempts[type(exc).__name__] += 1
                self.failed_attempts += 1
                await asyncio.sleep(2.0)  # the platform's back-off after a failed connection
                continue
            self.attempts[str(response.status_code)] += 1
            if not response.is_success:
                self.failed_attempts += 1
            if response.status_code in (429, 503):
                await asyncio.sleep(float(response.headers.get("Retry-After", "5")))
                continue
            sent.status = response.status_code
            if response.headers.get("content-type", "").startswith("application/json"):
                sent.answer = response.json()
            return sent
        return sent
