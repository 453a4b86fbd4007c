"""What the signalling server needs from persistence: the intake queue kept in the store."""

from __future__ import annotations

from typing import Protocol

from console.core.codes import CallState
from console.core.queue_records import ACTIVE_STATES, WAITING_STATES, QueuedCall

__all__ = ["ACTIVE_STATES", "WAITING_STATES", "QueueStore", "QueuedCall"]


class QueueStore(Protocol):
    """Async persistence of queue tickets; every write is one committed change set."""

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
        """Add the ticket's call (state queued); an existing row is returned unchanged.

        The flag says whether a row was created.
        """
        ...

    async def active(self) -> list[QueuedCall]:
        """Calls in an active state, in queue order (priority desc, queued_at asc)."""
        ...

    async def get(self, ticket: str) -> QueuedCall | None: ...

    async def set_state(
        self,
        ticket: str,
        state: CallState,
        *,
        officer_id: int | None = None,
        outcome: str | None = None,
    ) -> QueuedCall | None:
        """Move the call to `state` (stamping answered/ended times); None if no such ticket."""
        ...

    async def count(self) -> int:
        """All call rows (tests use it to prove bad input changed nothing)."""
        ...
