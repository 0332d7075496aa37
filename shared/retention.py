"""Retention: each service's scheduled job removing what is older than its stores keep.

A service describes its stores as ``Sweep``s (how many days a store keeps, and how to remove one
batch of rows older than a cutoff) and starts a ``RetentionJob`` in its lifespan. A run removes,
store by store, batches of at most ``batch_size`` rows, each in its own short transaction, so it
never holds a lock for long: webhooks, consumers and pages keep writing while it runs. Replicas
may run it at the same time; a row two of them choose is removed by the first, the other's
statement simply finds it gone.

Runs are logged and counted with numbers only: what a row held never reaches a log line.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from prometheus_client import Counter, Gauge
from pydantic import BaseModel, Field
from sqlalchemy import Connection, Engine

log = logging.getLogger(__name__)

# Removes at most ``limit`` rows older than ``cutoff`` in the given transaction; returns how many.
BatchRemover = Callable[[Connection, datetime, int], int]


def keep_days(default: int, what: str) -> Any:
    """A store's retention setting: whole days, 0 keeps forever (an explicit choice)."""
    return Field(default=default, ge=0,
                 description=f"Days {what} are kept; 0 keeps them forever.")


class RetentionSchedule(BaseModel):
    """When the job runs; each service's ``retention`` settings add one ``*_days`` per store."""

    # A first run a minute after start, not at once: a crash-looping replica does no extra work,
    # and a replica that lives longer than that purges even if it never lives a whole interval.
    first_run_after_s: float = Field(default=60.0, ge=0)
    every_s: float = Field(default=3600.0, gt=0)
    # Rows per transaction: a few milliseconds of locking on either database.
    batch_size: int = Field(default=1000, ge=1, le=10_000)


@dataclass(frozen=True)
class Sweep:
    store: str  # the metric label and the settings' name: "deliveries", "message_bodies"
    keep_days: int
    remove_batch: BatchRemover


@dataclass(frozen=True)
class RetentionMetrics:
    removed: Counter  # labelled by store
    last_success: Gauge


def delete_older_than(table: sa.Table, column: sa.Column[Any]) -> BatchRemover:
    """Deletes rows whose ``column`` is before the cutoff, chosen by primary key a batch at a
    time (a ``DELETE ... LIMIT`` exists on neither database)."""
    key = list(table.primary_key.columns)
    target: Any = key[0] if len(key) == 1 else sa.tuple_(*key)

    def remove(connection: Connection, cutoff: datetime, limit: int) -> int:
        chosen = sa.select(*key).where(column < cutoff).limit(limit)
        return int(connection.execute(sa.delete(table).where(target.in_(chosen))).rowcount)

    return remove


def run_sweeps(engine: Engine, sweeps: Sequence[Sweep], *, now: datetime, batch_size: int,
               metrics: RetentionMetrics | None = None,
               stopping: Callable[[], bool] = lambda: False) -> dict[str, int]:
    """One run over every store; returns rows removed per store (stores kept forever: absent)."""
    removed: dict[str, int] = {}
    for sweep in sweeps:
        if sweep.keep_days == 0:
            continue
        cutoff = now - timedelta(days=sweep.keep_days)
        removed.setdefault(sweep.store, 0)
        while not stopping():
            with engine.begin() as connection:
                count = sweep.remove_batch(connection, cutoff, batch_size)
            removed[sweep.store] += count
            if metrics is not None:
                metrics.removed.labels(sweep.store).inc(count)
            if count < batch_size:
                break
    return removed


class RetentionJob:
    """Runs ``run_sweeps`` on a schedule in a background thread (the database calls block)."""

    def __init__(self, *, service: str, engine: Engine, sweeps: Sequence[Sweep],
                 schedule: RetentionSchedule, metrics: RetentionMetrics,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self._service = service
        self._engine = engine
        self._sweeps = list(sweeps)
        self._schedule = schedule
        self._metrics = metrics
        self._clock = clock
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"{service}-retention",
                                        daemon=True)

    def start(self) -> None:
        if any(sweep.keep_days for sweep in self._sweeps):
            self._thread.start()
        else:
            log.info("retention: every %s store is kept forever; no job runs", self._service)

    def stop(self, timeout_s: float = 30.0) -> None:
        """Stops after the batch in flight (one short transaction)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def run_once(self) -> dict[str, int]:
        removed = run_sweeps(self._engine, self._sweeps, now=self._clock(),
                             batch_size=self._schedule.batch_size, metrics=self._metrics,
                             stopping=self._stop.is_set)
        if not self._stop.is_set():
            self._metrics.last_success.set_to_current_time()
        described = ", ".join(f"{store} {count}" for store, count in removed.items())
        log.info("retention removed rows: %s", described or "none")
        return removed

    def _run(self) -> None:
        if self._stop.wait(self._schedule.first_run_after_s):
            return
        while True:
            try:
                self.run_once()
            except Exception as exc:  # the database away: the next run catches up
                # The engine hides statement parameters, so the traceback holds no row data.
                log.warning("retention run failed (%s); next try in %.0f s",
                            type(exc).__name__, self._schedule.every_s, exc_info=True)
            if self._stop.wait(self._schedule.every_s):
                return
