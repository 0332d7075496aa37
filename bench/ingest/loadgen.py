"""Webhook traffic for the bench: pre-signed deliveries and an open-loop fixed-rate sender.

The sender speaks HTTP/1.1 over plain asyncio streams with keep-alive connections: an HTTP
client library would cost more CPU than the service under test on a 2-core machine. Latency is
measured from each request's *scheduled* send time, so a stalled server cannot hide its queue
(no coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

from services.ingest.signing_clients import generic

SECRET = "bench-webhook-secret"


def delivery_body(index: int, run: str) -> bytes:
    """A realistic canonical delivery: a customer message with an e-mail address, an agent reply."""
    return json.dumps({
        "schema": "rapport.delivery/v1", "event_id": f"{run}-{index}", "account": "bench",
        "event_type": "message.created", "occurred_at": "2026-11-26T09:00:00Z",
        "conversation": {"id": f"case-{index % 5000}", "channel": "email",
                         "subject": "Charged twice for my order", "status": "open",
                         "assignee_id": f"agent-{index % 40}", "customer_id": f"cust-{index}"},
        "messages": [
            {"id": f"m-{index}-1", "author_role": "customer", "author_id": f"cust-{index}",
             "body": "I was charged twice for order 5531 and rent is due Friday. Write to "
                     "dana.whitfield@example.com please.",
             "created_at": "2026-11-26T08:58:00Z"},
            {"id": f"m-{index}-2", "author_role": "agent", "author_id": f"agent-{index % 40}",
             "body": "<p>Being charged twice before rent is due is stressful. I've refunded the "
                     "duplicate just now; it reaches your card within 3 business days.</p>",
             "body_format": "html", "created_at": "2026-11-26T09:00:00Z"},
        ],
    }).encode()


@dataclass(frozen=True)
class SignedDelivery:
    body: bytes
    timestamp: str
    signature: str

    def http_request(self, host: str) -> bytes:
        head = (f"POST /webhooks/generic HTTP/1.1\r\nHost: {host}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(self.body)}\r\n"
                f"X-Rapport-Timestamp: {self.timestamp}\r\n"
                f"X-Rapport-Signature: {self.signature}\r\n\r\n")
        return head.encode() + self.body

    def wrk_line(self) -> str:
        return f"{self.timestamp}\t{self.signature}\t{self.body.decode()}"


def signed_deliveries(count: int) -> list[SignedDelivery]:
    run = uuid.uuid4().hex[:8]
    now = time.time()
    deliveries = []
    for index in range(count):
        body = delivery_body(index, run)
        headers = generic(body, SECRET, now)
        deliveries.append(SignedDelivery(body, headers["X-Rapport-Timestamp"],
                                         headers["X-Rapport-Signature"]))
    return deliveries


@dataclass
class RunResult:
    latencies_s: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    elapsed_s: float = 0.0

    def percentile_ms(self, fraction: float) -> float:
        ordered = sorted(self.latencies_s)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] * 1000


async def _read_status(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in lines
                   if line.lower().startswith(b"content-length:")), 0)
    await reader.readexactly(length)
    return int(lines[0].split(b" ", 2)[1])


async def fixed_rate(host: str, port: int, requests: list[bytes], *, rate: float,
                     connections: int) -> RunResult:
    """Send ``requests`` at ``rate`` per second, open loop, over ``connections`` connections."""
    result = RunResult()
    queue: asyncio.Queue[tuple[float, bytes] | None] = asyncio.Queue()

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            while (item := await queue.get()) is not None:
                scheduled, payload = item
                writer.write(payload)
                status = await _read_status(reader)
                result.latencies_s.append(time.perf_counter() - scheduled)
                result.statuses[status] += 1
        finally:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    started = time.perf_counter()
    for index, payload in enumerate(requests):
        scheduled = started + index / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)  # pacing the load: this is the schedule itself
        queue.put_nowait((scheduled, payload))
    for _ in workers:
        queue.put_nowait(None)
    await asyncio.gather(*workers)
    result.elapsed_s = time.perf_counter() - started
    return result
