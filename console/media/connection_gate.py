"""A process-wide cap on camera connection attempts running at the same time."""

from __future__ import annotations

import threading

# Opening an RTSP stream costs a TCP handshake, OPTIONS/DESCRIBE/SETUP/PLAY and stream
# probing; a wall of 64 tiles switching layout at once would otherwise stampede the NVR.
DEFAULT_MAX_CONCURRENT = 4
POLL_S = 0.05
"""How often a waiter for a slot looks at its stop flag, or a pooled decoder (which must not
wait) tries again."""


class ConnectionGate:
    """A bounded semaphore whose waiters can be told to give up, with counters for tests.

    Waiting is interruptible: a decoder that is stopped while queued for a slot must leave
    at once, not after whoever holds the slots finishes connecting.
    """

    def __init__(self, limit: int = DEFAULT_MAX_CONCURRENT) -> None:
        if limit < 1:
            raise ValueError("a connection gate needs at least one slot")
        self._limit = limit
        self._cond = threading.Condition(threading.Lock())
        self._active = 0
        self._max_active = 0
        self._waiting = 0
        self._granted = 0

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def active(self) -> int:
        with self._cond:
            return self._active

    @property
    def max_active(self) -> int:
        """Highest number of slots ever held at once."""
        with self._cond:
            return self._max_active

    @property
    def waiting(self) -> int:
        with self._cond:
            return self._waiting

    @property
    def granted(self) -> int:
        with self._cond:
            return self._granted

    def acquire(self, stop: threading.Event | None = None, poll_s: float = POLL_S) -> bool:
        """Take a slot; False when `stop` was set first."""
        with self._cond:
            self._waiting += 1
            try:
                while self._active >= self._limit:
                    if stop is not None and stop.is_set():
                        return False
                    # A Condition cannot wait on an Event too, so poll the stop flag.
                    self._cond.wait(poll_s)
                if stop is not None and stop.is_set():
                    return False
                self._take()
                return True
            finally:
                self._waiting -= 1

    def try_acquire(self) -> bool:
        """Take a slot if one is free now; never waits (for decoders that must not block
        a shared thread)."""
        with self._cond:
            if self._active >= self._limit:
                return False
            self._take()
            return True

    def _take(self) -> None:
        """Count a slot as taken (under the lock)."""
        self._active += 1
        self._granted += 1
        self._max_active = max(self._max_active, self._active)

    def release(self) -> None:
        with self._cond:
            if self._active <= 0:
                raise RuntimeError("connection gate released more often than acquired")
            self._active -= 1
            self._cond.notify()


_shared_lock = threading.Lock()
_shared: ConnectionGate | None = None


def shared_gate() -> ConnectionGate:
    """The gate all decoders use unless given their own (tests give their own)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ConnectionGate()
        return _shared
