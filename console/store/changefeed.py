"""The change feed: committed change sets go to every subscriber, in this process and others.

Subscribers are called on the thread that published (the store writer, or the tailer for
other processes' changes). A subscriber that needs another thread hands over itself (the UI
bridge emits a queued Qt signal); one that raises is reported and never stops the others.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from console.core.events import ChangeSet

log = logging.getLogger(__name__)

Subscriber = Callable[[ChangeSet], None]


class ChangeFeed:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def publish(self, changes: ChangeSet) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(changes)
            except Exception:
                log.exception("change-feed subscriber %r failed", callback)

    @property
    def subscriber_count(self) -> int:
        with self._lock:
            return len(self._subscribers)
