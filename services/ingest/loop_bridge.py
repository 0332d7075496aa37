"""Completing asyncio futures from other threads (the producer's, the ledger writer's).

Each ``call_soon_threadsafe`` wakes the event loop (a write to its self-pipe) and allocates a
handle, so results are handed over in bulk where they arrive in bulk: the ledger writer settles
a whole batch with one call per loop, and ``LoopInbox`` coalesces the producer's per-record
acknowledgements that arrive between two turns of the loop into one wake-up.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from collections.abc import Callable, Iterable
from typing import Any

Settlement = tuple[asyncio.Future[Any], Any, BaseException | None]


def settle_threadsafe(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any],
                      result: Any = None, error: BaseException | None = None) -> None:
    """Hand ``result`` (or ``error``) to ``future`` on its own loop; safe from any thread."""
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        loop.call_soon_threadsafe(_settle, future, result, error)


def settle_all_threadsafe(loop: asyncio.AbstractEventLoop,
                          settlements: Iterable[Settlement]) -> None:
    """Settle many futures of one loop with a single wake-up of that loop."""
    with contextlib.suppress(RuntimeError):
        loop.call_soon_threadsafe(_settle_all, list(settlements))


def _settle_all(settlements: list[Settlement]) -> None:
    for future, result, error in settlements:
        _settle(future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the waiter gave up (timeout, cancellation)
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


class LoopInbox:
    """Calls posted from any thread, run on ``loop`` in order, many per wake-up.

    ``put`` schedules a drain only when none is pending. The drain clears the flag *before*
    it empties the queue, so a call posted while it runs is either taken by this drain or
    schedules the next one: nothing is left behind.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self._calls: collections.deque[tuple[Callable[..., None], tuple[Any, ...]]] = \
            collections.deque()
        self._scheduled = False

    def put(self, call: Callable[..., None], *args: Any) -> None:
        self._calls.append((call, args))
        if not self._scheduled:
            self._scheduled = True
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
                self.loop.call_soon_threadsafe(self._drain)

    def _drain(self) -> None:
        self._scheduled = False
        calls = self._calls
        while calls:
            call, args = calls.popleft()
            call(*args)
