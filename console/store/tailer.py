"""Bring other console processes' changes onto this process's change feed.

SQLite: `PRAGMA data_version` changes only when another connection commits, so a cheap
poll of it decides when to read the change log. PostgreSQL: LISTEN on a dedicated
connection that runs no other query, and read the log when notified.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from console.core.events import ChangeSet
from console.store.engine import make_engine
from console.store.models import ChangeLog
from console.store.store import NOTIFY_CHANNEL, Store

log = logging.getLogger(__name__)

POLL_INTERVAL_S = 0.02
BATCH = 500


class ChangeTailer:
    def __init__(self, store: Store, *, poll_interval_s: float = POLL_INTERVAL_S) -> None:
        self._store = store
        self._poll = poll_interval_s
        self._stop = threading.Event()
        self._last_id = store.last_change_id()
        self._thread = threading.Thread(target=self._run, name="changefeed-tail", daemon=False)
        self.delivered = 0
        self.last_error: str | None = None

    def start(self) -> None:
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                if self._store.sqlite:
                    self._run_sqlite()
                else:
                    self._run_postgres()
            except Exception as exc:
                # A lost database connection: say so and try again shortly.
                self.last_error = str(exc)
                log.warning("change tailer lost its connection: %s", exc)
                self._stop.wait(1.0)

    def _run_sqlite(self) -> None:
        engine = make_engine(self._store.url, nullpool=True)
        try:
            with engine.connect() as conn:
                raw = conn.connection.dbapi_connection
                assert raw is not None
                last_version = None
                while not self._stop.is_set():
                    version = raw.execute("PRAGMA data_version").fetchone()[0]
                    if version != last_version:
                        last_version = version
                        self._drain()
                    self._stop.wait(self._poll)
        finally:
            engine.dispose()

    def _run_postgres(self) -> None:
        import psycopg  # only the PostgreSQL tailer needs the raw driver

        dsn = self._store.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False
        )
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
            self._drain()  # anything committed between start-up and LISTEN
            while not self._stop.is_set():
                got = False
                for _ in conn.notifies(timeout=0.25, stop_after=BATCH):
                    got = True
                if got:
                    self._drain()

    def _drain(self) -> None:
        while True:
            rows = self._store.read_sync(
                lambda s: s.execute(
                    select(
                        ChangeLog.id, ChangeLog.origin, ChangeLog.payload, ChangeLog.committed_at
                    )
                    .where(ChangeLog.id > self._last_id)
                    .order_by(ChangeLog.id)
                    .limit(BATCH)
                ).all()
            )
            for row_id, origin, payload, committed_at in rows:
                self._last_id = row_id
                if origin == self._store.origin:
                    continue  # already published in-process at commit
                try:
                    changes = ChangeSet.from_json(
                        payload, origin=origin, seq=row_id, committed_at=committed_at
                    )
                except (ValueError, KeyError, TypeError) as exc:
                    log.warning("skipping unreadable change-log row %s: %s", row_id, exc)
                    continue
                self._store.feed.publish(changes)
                self.delivered += 1
            if len(rows) < BATCH:
                return
            time.sleep(0)
