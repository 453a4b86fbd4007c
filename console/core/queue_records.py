"""A queue ticket as the signalling server sees it: one call row, and the states that queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from console.core.codes import CallState

WAITING_STATES = frozenset({CallState.QUEUED, CallState.RINGING})
"""Not yet (or no longer) talking to an officer: these hold a place in the queue. A call
handed to another officer rings again; one moved into a mediation room (transferred) is
done here."""
ACTIVE_STATES = WAITING_STATES | {CallState.IN_CALL, CallState.ON_HOLD}


@dataclass(frozen=True, slots=True)
class QueuedCall:
    """One call row as the server sees it; the store's row is the source of truth."""

    id: int
    ticket: str
    name: str
    category: str
    vulnerable: bool
    priority: int
    state: CallState
    queued_at: datetime
    answered_at: datetime | None
    officer_id: int | None
    outcome: str | None = None

    @property
    def waiting(self) -> bool:
        return self.state in WAITING_STATES

    @property
    def sort_key(self) -> tuple[int, datetime, int]:
        """Queue order: priority high first, then longest waiting, then arrival."""
        return (-self.priority, self.queued_at, self.id)
