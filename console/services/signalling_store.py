"""The signalling server's queue and room seats kept in the console's Store."""

from __future__ import annotations

from functools import partial

from console.core.codes import CallState, ParticipantState
from console.core.queue_records import QueuedCall
from console.signalling.ports import StoredSeat
from console.store.repos import call_queue, rooms
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


class StoreRoomSeats:
    """`console.signalling.ports.RoomSeats` backed by the participant table."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def joinable(self, room: str) -> str | None:
        return await self.store.read(partial(rooms.joinable, room_id=int(room)))

    async def media_of(self, room: str) -> tuple[str, int]:
        return await self.store.read(partial(rooms.media_of, room_id=int(room)))

    async def seated(self, room: str, key: str) -> StoredSeat | None:
        found = await self.store.read(partial(rooms.seated, room_id=int(room), key=key))
        if found is None:
            return None
        state, consent = found
        return StoredSeat(admitted=state == ParticipantState.ADMITTED.code, consent=consent)

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
        await self.store.write(
            partial(
                rooms.record_seat,
                room_id=int(room),
                key=key,
                name=name,
                role=role,
                state=ParticipantState(state),
                consent=consent,
                host=host,
            )
        )
