"""Group commit for the delivery ledger: one writer thread, one transaction per batch.

Concurrent webhooks each need a claim (and later a "done" mark). Committed one by one they cost
a transaction and a thread hop each, and on SQLite the writers queue on one lock anyway. The
writer thread takes whatever is queued, runs it in arrival order in one transaction - with
consecutive claims merged into one multi-row insert and consecutive marks into one update - and
hands each caller its result on its event loop.

Marks are not awaited: a webhook is answered once the broker acknowledged, and a mark lost to a
crash leaves a pending claim that a retry takes over after ``claim_ttl_s`` (a duplicate event
with the same ``event_id``, which sinks dedupe; never a loss). ``close`` writes what is queued.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa

from services.ingest.deliveries import ClaimStatus, DeliveryKey, DeliveryLedger
from services.ingest.loop_bridge import settle_threadsafe

log = logging.getLogger(__name__)
MAX_BATCH = 512

Kind = Literal["claim", "done", "release", "flush"]


@dataclass
class _Job:
    kind: Kind
    keys: list[Any] = field(default_factory=list)  # DeliveryKey for claims, str otherwise
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    loop: asyncio.AbstractEventLoop | None = None
    future: asyncio.Future[Any] | None = None


class LedgerWriter:
    def __init__(self, ledger: DeliveryLedger) -> None:
        self.ledger = ledger
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._write_forever, name="ledger-writer",
                                        daemon=True)
        self._thread.start()

    async def claim(self, keys: Sequence[DeliveryKey]) -> list[ClaimStatus]:
        statuses: list[ClaimStatus] = await self._submit("claim", list(keys))
        return statuses

    def mark_done(self, dedupe_keys: Sequence[str]) -> None:
        if dedupe_keys:
            self._jobs.put(_Job("done", list(dedupe_keys)))

    async def release(self, dedupe_keys: Sequence[str]) -> None:
        if dedupe_keys:
            await self._submit("release", list(dedupe_keys))

    async def flush(self) -> None:
        """Returns once everything queued before it is committed."""
        await self._submit("flush", [])

    def close(self) -> None:
        self._jobs.put(None)
        self._thread.join(30)

    async def _submit(self, kind: Kind, keys: list[Any]) -> Any:
        loop = asyncio.get_running_loop()
        future: asyncio.Future[Any] = loop.create_future()
        self._jobs.put(_Job(kind, keys, loop=loop, future=future))
        return await future

    def _write_forever(self) -> None:
        while (first := self._jobs.get()) is not None:
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._commit(batch)
                    return
                batch.append(job)
            self._commit(batch)

    def _commit(self, batch: list[_Job]) -> None:
        results: dict[int, Any] = {}
        try:
            with self.ledger.engine.begin() as connection:
                for kind, run in itertools.groupby(batch, key=lambda job: job.kind):
                    results.update(self._run(connection, kind, list(run)))
        except Exception as exc:  # the database failed: every caller in the batch hears of it
            log.warning("ledger batch of %d failed: %s", len(batch), type(exc).__name__)
            for job in batch:
                _resolve(job, error=exc)
            return
        for job in batch:
            _resolve(job, result=results.get(id(job)))

    def _run(self, connection: sa.Connection, kind: Kind, jobs: list[_Job]) -> dict[int, Any]:
        """One statement for a run of same-kind jobs; returns each job's result by its id."""
        keys = [key for job in jobs for key in job.keys]
        now = max(job.now for job in jobs)
        if kind == "claim":
            statuses = iter(self.ledger.claim_in(connection, keys, now=now))
            return {id(job): [next(statuses) for _ in job.keys] for job in jobs}
        if kind == "done":
            self.ledger.mark_done_in(connection, keys, now=now)
        elif kind == "release":
            self.ledger.release_in(connection, keys)
        return {}


def _resolve(job: _Job, *, result: Any = None, error: BaseException | None = None) -> None:
    if job.loop is not None and job.future is not None:
        settle_threadsafe(job.loop, job.future, result, error)
