"""Runs a ``ConsumerLoop`` in a background thread for a service, restarting it after crashes.

A crash (handler error, broker hiccup) closes the consumer without committing, waits, and
starts again from the last committed offset. Hitting the DLQ cap halts for good: that needs a
human, and ``/readyz`` reports it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from shared.kafka.consumer import ConsumerLoop
from shared.kafka.dlq import DlqLimitExceeded

log = logging.getLogger(__name__)


class BackgroundConsumer:
    def __init__(self, make_loop: Callable[[], ConsumerLoop], *, restart_delay_s: float = 2.0):
        self._make_loop = make_loop
        self._restart_delay_s = restart_delay_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="consumer", daemon=True)
        self.loop: ConsumerLoop | None = None
        self.halted_reason: str | None = None
        self.crashes = 0

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout_s: float = 30.0) -> None:
        self._stop.set()
        if self.loop is not None:
            self.loop.stop()
        if self._thread.is_alive():
            self._thread.join(timeout_s)

    @property
    def healthy(self) -> bool:
        return self.halted_reason is None and self._thread.is_alive()

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
                log.exception("consumer crashed; replaying from the last commit")
                self._stop.wait(self._restart_delay_s)
