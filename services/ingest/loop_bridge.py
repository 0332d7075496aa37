"""Completing an asyncio future from another thread (the producer's, the ledger writer's)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any


def settle_threadsafe(loop: asyncio.AbstractEventLoop, future: asyncio.Future[Any],
                      result: Any = None, error: BaseException | None = None) -> None:
    """Hand ``result`` (or ``error``) to ``future`` on its own loop; safe from any thread."""
    with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting any more
        loop.call_soon_threadsafe(_settle, future, result, error)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.done():  # the waiter gave up (timeout, cancellation)
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)
