"""Carries change sets from the store's threads onto the GUI thread as a Qt signal."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from console.core.events import ChangeSet
from console.store.changefeed import ChangeFeed


class FeedBridge(QObject):
    """Subscribes to the change feed; `changed` is emitted on the GUI thread (queued)."""

    changed = Signal(object)

    def __init__(self, feed: ChangeFeed, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._unsubscribe = feed.subscribe(self._on_change)

    def _on_change(self, changes: ChangeSet) -> None:
        # Emitting from a worker thread to a receiver living on the GUI thread is queued by Qt.
        self.changed.emit(changes)

    def close(self) -> None:
        self._unsubscribe()
