"""What the signalling server needs from persistence: queue tickets and room seats."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from console.core.codes import CallState
from console.core.queue_records import ACTIVE_STATES, WAITING_STATES, QueuedCall

__all__ = ["ACTIVE_STATES", "WAITING_STATES", "QueueStore", "QueuedCall", "RoomSeats", "StoredSeat"]


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


@dataclass(frozen=True, slots=True)
class StoredSeat:
    """A room seat as the store keeps it: who, and whether they had been let in."""

    admitted: bool
    consent: bool


class RoomSeats(Protocol):
    """Room seats kept in the store, so a server restart loses nobody's place in a room.

    A seat is named by the room and a seat key: the invitation's subject for citizens
    (never the token itself), `user:<id>` for staff."""

    async def joinable(self, room: str) -> str | None:
        """None if people may join `room` now; otherwise the reason (closed, unknown)."""
        ...

    async def media_of(self, room: str) -> tuple[str, int]:
        """(media backend code, publisher limit) the room was scheduled with."""
        ...

    async def seated(self, room: str, key: str) -> StoredSeat | None: ...

    async def record(
        self,
        room: str,
        key: str,
        *,
        name: str,
        role: str,
        state: str,
        consent: bool,
        host: bool = False,
    ) -> None:
        """Store the seat's state (a ParticipantState code) and consent."""
        ...
