"""Runs a ``ConsumerLoop`` in a background thread for a service, restarting it after crashes.

A crash (a dependency away, a broker hiccup) closes the consumer without committing, waits, and
starts again from the last committed offset. A loop that keeps crashing before it completes a
poll is reported unhealthy (``/readyz`` fails) with its real lag, so a stuck consumer is seen
rather than hidden behind a lag of zero. Hitting the DLQ cap halts for good: that needs a human.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from prometheus_client import Gauge

from shared.kafka.consumer import ConsumerLoop
from shared.kafka.dlq import DlqLimitExceeded

log = logging.getLogger(__name__)


class BackgroundConsumer:
    def __init__(self, make_loop: Callable[[], ConsumerLoop], *, restart_delay_s: float = 2.0,
                 unhealthy_after_crashes: int = 3):
        self._make_loop = make_loop
        self._restart_delay_s = restart_delay_s
        self._unhealthy_after = unhealthy_after_crashes
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consumer", daemon=True)
        self.loop: ConsumerLoop | None = None
        self.halted_reason: str | None = None
        self.crashes = 0
        self.crashes_in_a_row = 0  # crashes with no completed poll in between
        self._last_lag = 0

    @property
    def lag(self) -> int:
        """The current loop's lag, or the last known one while a new loop has not polled yet."""
        loop = self.loop
        if loop is not None and loop.stats.polls > 0:
            return loop.stats.lag
        return self._last_lag

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self.loop is not None:
            self.loop.stop()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    def report_lag(self, gauge: Gauge, *, group: str, topic: str) -> None:
        """Have ``gauge{group, topic}`` read this consumer's lag whenever ``/metrics`` is
        scraped: per consumer group, as Kafka's own tools report it."""
        gauge.labels(group=group, topic=topic).set_function(lambda: float(self.lag))

    @property
    def healthy(self) -> bool:
        loop = self.loop
        recovered = loop is not None and loop.stats.polls > 0
        stuck = self.crashes_in_a_row >= self._unhealthy_after and not recovered
        return self.halted_reason is None and self._thread.is_alive() and not stuck

    def _run(self) -> None:
        while not self._stop.is_set():
            self.loop = self._make_loop()
            if self._stop.is_set():  # stop() ran before the loop existed
                return
            try:
                self.loop.run()
            except DlqLimitExceeded as exc:
                self.halted_reason = str(exc)
                log.error("consumer halted: %s", exc)
                return
            except Exception:
                self.crashes += 1
                self.crashes_in_a_row = 1 if self.loop.stats.polls > 0 else \
                    self.crashes_in_a_row + 1
                self._last_lag = self.loop.stats.lag
                log.exception("consumer crashed (%d in a row); replaying from the last commit",
                              self.crashes_in_a_row)
                self._stop.wait(self._restart_delay_s)
