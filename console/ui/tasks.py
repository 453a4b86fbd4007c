"""Run coroutines from Qt slots: keep every task handle, cancel on close, report failures."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class TaskGroup(QObject):
    """Owns the tasks a widget starts; an exception is reported, never swallowed."""

    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._tasks: set[asyncio.Task[Any]] = set()

    def start(
        self,
        coro: Coroutine[Any, Any, Any],
        on_done: Callable[[Any], None] | None = None,
    ) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if exc is not None:
                log.error("background task failed", exc_info=exc)
                self.failed.emit(str(exc))
                return
            if on_done is not None:
                try:
                    on_done(t.result())
                except Exception as cb_exc:  # a failing refresh must not kill the loop
                    log.exception("task completion handler failed")
                    self.failed.emit(str(cb_exc))

        task.add_done_callback(done)
        return task

    @property
    def pending(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        self._tasks.clear()
