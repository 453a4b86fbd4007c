"""The signalling server's QueueStore over the console's Store: every write is a change set."""

from __future__ import annotations

from functools import partial

from console.core.codes import CallState
from console.core.queue_records import QueuedCall
from console.store.repos import call_queue
from console.store.store import Store


class StoreQueue:
    """`console.signalling.ports.QueueStore` backed by the petition_call table."""

    def __init__(self, store: Store) -> None:
        self.store = store

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
        result, _ = await self.store.write(
            partial(
                call_queue.enqueue,
                ticket=ticket,
                name=name,
                phone=phone,
                category=category,
                vulnerable=vulnerable,
                consent=consent,
            )
        )
        return result

    async def active(self) -> list[QueuedCall]:
        return await self.store.read(call_queue.active)

    async def get(self, ticket: str) -> QueuedCall | None:
        return await self.store.read(partial(call_queue.get, ticket=ticket))

    async def set_state(
        self,
        ticket: str,
        state: CallState,
        *,
        officer_id: int | None = None,
        outcome: str | None = None,
    ) -> QueuedCall | None:
        result, _ = await self.store.write(
            partial(
                call_queue.set_state,
                ticket=ticket,
                state=state,
                officer_id=officer_id,
                outcome=outcome,
            )
        )
        return result

    async def count(self) -> int:
        return await self.store.read(call_queue.count)
