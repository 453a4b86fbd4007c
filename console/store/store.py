"""The Store: one writer thread, a small reader pool, and the change log written with each commit.

A service hands the store a function of a session (from a repository module). Writes run
on the single named writer thread, commit together with their change-log row, and only then
are published on the change feed: a subscriber never sees a change that could still roll back.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from console.core.events import ChangeSet
from console.store.changefeed import ChangeFeed
from console.store.engine import is_sqlite, make_engine
from console.store.models import ChangeLog

T = TypeVar("T")

NOTIFY_CHANNEL = "console_changes"

WriteFn = Callable[[Session], tuple[T, ChangeSet | None]]
ReadFn = Callable[[Session], T]


class Store:
    def __init__(self, url: str, *, origin: str | None = None, readers: int = 2) -> None:
        self.url = url
        self.origin = origin or uuid.uuid4().hex[:16]
        self.engine: Engine = make_engine(url)
        self.sqlite = is_sqlite(url)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="store-writer")
        self._readers = ThreadPoolExecutor(readers, thread_name_prefix="store-reader")
        self.feed = ChangeFeed()
        self._closed = False

    # --- synchronous forms: run on whatever thread calls them (tests, CLI, worker threads)

    def write_sync(self, fn: WriteFn[T]) -> tuple[T, ChangeSet | None]:
        with self._sessions.begin() as session:
            result, changes = fn(session)
            if changes is not None:
                changes = self._log(session, changes)
        if changes is not None:
            self.feed.publish(changes)
        return result, changes

    def read_sync(self, fn: ReadFn[T]) -> T:
        with self._sessions() as session:
            return fn(session)

    # --- asynchronous forms: keep the event loop (the GUI thread) free

    async def write(self, fn: WriteFn[T]) -> tuple[T, ChangeSet | None]:
        return await asyncio.get_running_loop().run_in_executor(self._writer, self.write_sync, fn)

    async def read(self, fn: ReadFn[T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._readers, self.read_sync, fn)

    def submit_read(self, fn: ReadFn[T]) -> Future[T]:
        return self._readers.submit(self.read_sync, fn)

    def submit_write(self, fn: WriteFn[T]) -> Future[tuple[T, ChangeSet | None]]:
        return self._writer.submit(self.write_sync, fn)

    def _log(self, session: Session, changes: ChangeSet) -> ChangeSet:
        committed_at = time.time()
        row = ChangeLog(committed_at=committed_at, origin=self.origin, payload=changes.to_json())
        session.add(row)
        session.flush()
        if not self.sqlite:
            # Delivered by PostgreSQL only if and when this transaction commits.
            session.execute(select(func.pg_notify(NOTIFY_CHANNEL, str(row.id))))
        return dataclasses.replace(
            changes, origin=self.origin, seq=row.id, committed_at=committed_at
        )

    def last_change_id(self) -> int:
        return self.read_sync(lambda s: s.scalar(select(func.max(ChangeLog.id))) or 0)

    def prune_change_log(self, keep_seconds: float = 86_400.0) -> None:
        cutoff = time.time() - keep_seconds
        with self._sessions.begin() as session:
            session.execute(text("DELETE FROM change_log WHERE committed_at < :c"), {"c": cutoff})

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._writer.shutdown(wait=True)
        self._readers.shutdown(wait=True)
        self.engine.dispose()
