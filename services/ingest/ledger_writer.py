"""Group commit for the delivery ledger: one writer thread, one transaction per batch.

Concurrent webhooks each need a claim (and later a "done" mark). Committed one by one they cost
a transaction and a thread hop each, and on SQLite the writers queue on one lock anyway. The
writer thread takes whatever is queued and runs it in one transaction, on a connection it keeps
open: first every "done" mark (one update), then every release (one delete), then every claim
(one multi-row insert), and hands each caller its result on its event loop, one wake-up per loop.

Marks and releases go first, whatever the arrival order, so that a batch costs three statements
and not one per alternation of kinds. That is safe because a mark or a release always concerns a
claim committed in an *earlier* batch (its sender awaited the claim before publishing): applying
it before this batch's claims can only turn a claim of the same key from "in flight, retry" into
what the arrival order would give a moment later ("duplicate", or claimed after a release).

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
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa

from services.ingest.deliveries import ClaimStatus, DeliveryKey, DeliveryLedger
from services.ingest.loop_bridge import Settlement, settle_all_threadsafe

log = logging.getLogger(__name__)
MAX_BATCH = 512

Kind = Literal["claim", "done", "release", "flush"]
_ORDER: dict[Kind, int] = {"done": 0, "release": 1, "claim": 2, "flush": 3}


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
        self._connection: sa.Connection | None = None  # the writer thread's own
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
        try:
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
        finally:
            self._disconnect()

    def _commit(self, batch: list[_Job]) -> None:
        ordered = sorted(batch, key=lambda job: _ORDER[job.kind])  # stable: arrival order kept
        try:
            try:
                results = self._apply(ordered)
            except sa.exc.DBAPIError as exc:
                if not exc.connection_invalidated:
                    raise
                # The kept connection went stale (the database restarted): what the pool's
                # pre-ping does for a checkout, done here - once more on a fresh connection.
                # The failed transaction was rolled back, so running the batch again is safe;
                # had a COMMIT gone through just before the connection dropped, the claims run
                # again find their own pending rows and answer "in flight": the senders retry.
                self._disconnect()
                results = self._apply(ordered)
        except Exception as exc:  # the database failed: every caller in the batch hears of it
            log.warning("ledger batch of %d failed: %s", len(batch), type(exc).__name__)
            self._disconnect()  # the next batch starts on a fresh connection from the pool
            failure: BaseException = exc
            _resolve(batch, lambda _job: (None, failure))
            return
        _resolve(batch, lambda job: (results.get(id(job)), None))

    def _apply(self, ordered: list[_Job]) -> dict[int, Any]:
        """Run the batch in one transaction on the writer's connection; results by job id."""
        if self._connection is None:
            self._connection = self.ledger.engine.connect()
        results: dict[int, Any] = {}
        with self._connection.begin():
            for kind, run in itertools.groupby(ordered, key=lambda job: job.kind):
                results.update(self._run(self._connection, kind, list(run)))
        return results

    def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception as exc:  # already broken: nothing more to release
                log.debug("closing the ledger connection failed: %s", type(exc).__name__)

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


def _resolve(batch: list[_Job],
             outcome: Callable[[_Job], tuple[Any, BaseException | None]]) -> None:
    """Hand every waiting caller its outcome: one wake-up per event loop, not one per job."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Settlement]] = {}
    for job in batch:
        if job.loop is not None and job.future is not None:
            by_loop.setdefault(job.loop, []).append((job.future, *outcome(job)))
    for loop, settlements in by_loop.items():
        settle_all_threadsafe(loop, settlements)
