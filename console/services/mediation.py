"""Mediation rooms for the mediation screen: the room list, participants, invitations."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from console.core.codes import ParticipantRole, ParticipantState
from console.core.records import RoomRow
from console.store.repos import rooms
from console.store.store import Store


class MediationService:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def rooms(self) -> list[RoomRow]:
        return await self.store.read(rooms.all_rooms)

    async def by_ids(self, ids: frozenset[int]) -> list[RoomRow]:
        return await self.store.read(partial(rooms.by_ids, ids=ids))

    async def participants(self, room_id: int) -> list[tuple[str, str, str, bool]]:
        return await self.store.read(partial(rooms.participants_of, room_id=room_id))

    async def invite(self, room_id: int, subject: str, name: str) -> None:
        """Note the invitation as a seat (已邀请); joining with it later fills the same seat."""
        await self.store.write(
            partial(
                rooms.record_seat,
                room_id=room_id,
                key=subject,
                name=name,
                role=ParticipantRole.PARTY.code,
                state=ParticipantState.INVITED,
                consent=False,
                host=False,
            )
        )

    async def schedule(
        self, case_number: str, scheduled_at: datetime, backend: str, mediator_id: int | None
    ) -> int:
        """A new room for the case (raises ScheduleRefused with the reason); its id."""
        room_id, _ = await self.store.write(
            partial(
                rooms.schedule,
                case_number=case_number,
                scheduled_at=scheduled_at,
                backend=backend,
                mediator_id=mediator_id,
            )
        )
        return room_id
