"""Abuse limits: a token bucket per connection (or address) and a cap on connections per address."""

from __future__ import annotations

import time
from collections import defaultdict


class TokenBucket:
    """`rate` tokens per second up to `burst`; `take()` says whether one was available."""

    __slots__ = ("burst", "level", "rate", "stamp")

    def __init__(self, rate: float, burst: float) -> None:
        self.rate = rate
        self.burst = burst
        self.level = burst
        self.stamp = time.monotonic()

    def take(self, cost: float = 1.0) -> bool:
        now = time.monotonic()
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= cost:
            self.level -= cost
            return True
        return False


class AddressBuckets:
    """One bucket per remote address (for `POST /api/ticket`), forgotten when full again."""

    def __init__(self, rate: float, burst: float, max_addresses: int = 10_000) -> None:
        self.rate = rate
        self.burst = burst
        self.max_addresses = max_addresses
        self._buckets: dict[str, TokenBucket] = {}

    def take(self, address: str) -> bool:
        if len(self._buckets) >= self.max_addresses:
            # Full buckets carry no information: drop them rather than grow without bound.
            now = time.monotonic()
            self._buckets = {
                a: b
                for a, b in self._buckets.items()
                if b.level + (now - b.stamp) * b.rate < b.burst
            }
        bucket = self._buckets.get(address)
        if bucket is None:
            bucket = self._buckets[address] = TokenBucket(self.rate, self.burst)
        return bucket.take()


class ConnectionCounter:
    """Open connections per remote address."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._open: defaultdict[str, int] = defaultdict(int)

    def acquire(self, address: str) -> bool:
        if self._open[address] >= self.limit:
            return False
        self._open[address] += 1
        return True

    def release(self, address: str) -> None:
        self._open[address] -= 1
        if self._open[address] <= 0:
            del self._open[address]

    def count(self, address: str) -> int:
        return self._open.get(address, 0)
