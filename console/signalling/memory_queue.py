"""An in-memory QueueStore: for benchmarks, tests and a throwaway demo server (no database)."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import UTC, datetime

from console.core.codes import CallState
from console.core.queue_records import ACTIVE_STATES, QueuedCall


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class MemoryQueue:
    """`console.signalling.ports.QueueStore` in a dict; one instance outlives a server restart."""

    def __init__(self) -> None:
        self.rows: dict[str, QueuedCall] = {}
        self._ids = itertools.count(1)

    async def enqueue(
        self,
        ticket: str,
        *,
        name: str,
        phone: str,
        category: str,
        vulnerable: bool,
        consent: bool,
    ) -> tuple[QueuedCall, bool]:
        if ticket in self.rows:
            return self.rows[ticket], False
        row = QueuedCall(
            id=next(self._ids),
            ticket=ticket,
            name=name,
            category=category,
            vulnerable=vulnerable,
            priority=1 if vulnerable else 0,
            state=CallState.QUEUED,
            queued_at=_now(),
            answered_at=None,
            officer_id=None,
        )
        self.rows[ticket] = row
        return row, True

    async def active(self) -> list[QueuedCall]:
        rows = [r for r in self.rows.values() if r.state in ACTIVE_STATES]
        return sorted(rows, key=lambda r: r.sort_key)

    async def get(self, ticket: str) -> QueuedCall | None:
        return self.rows.get(ticket)

    async def set_state(
        self,
        ticket: str,
        state: CallState,
        *,
        officer_id: int | None = None,
        outcome: str | None = None,
    ) -> QueuedCall | None:
        row = self.rows.get(ticket)
        if row is None:
            return None
        answered = row.answered_at
        if state is CallState.IN_CALL and answered is None:
            answered = _now()
        row = replace(
            row, state=state, answered_at=answered, officer_id=officer_id or row.officer_id
        )
        self.rows[ticket] = row
        return row

    async def count(self) -> int:
        return len(self.rows)
