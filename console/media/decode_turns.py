"""A process-wide cap on decode threads decoding or converting at the same moment."""

from __future__ import annotations

import os
import threading
from types import TracebackType

# Measured 2026-12-03, 64-tile bench wall on these 2-core machines, side by side: with
# every decode thread free to decode at once the GUI thread waited so long for the Python
# interpreter lock that frames reached the screen 0.4-1.1 s old (p95); with two turns,
# 0.15-0.19 s. Decoding is CPU work: more threads at it than cores only adds hand-offs of
# the lock, and the GUI thread queues behind all of them.


class DecodeTurns:
    """Decode threads take a turn for each decode and each conversion, never while they
    read from the network or file or wait for a frame's time; at most `limit` at once."""

    def __init__(self, limit: int) -> None:
        if limit < 1:
            raise ValueError("decode turns need a limit of at least one")
        self.limit = limit
        self._semaphore = threading.Semaphore(limit)

    def __enter__(self) -> DecodeTurns:
        self._semaphore.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._semaphore.release()


def default_limit(cpu_count: int | None = None) -> int:
    return max(1, cpu_count if cpu_count is not None else (os.cpu_count() or 1))


_shared: DecodeTurns | None = None
_shared_lock = threading.Lock()


def shared_turns() -> DecodeTurns:
    """The turns all decoders share unless given their own: one per core."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = DecodeTurns(default_limit())
        return _shared
