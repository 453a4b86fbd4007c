"""Intake reads for the petition screen: the queue, the call history and today's figures."""

from __future__ import annotations

from functools import partial

from console.core.clock import local_midnight_utc
from console.core.records import CallRow
from console.store.repos import calls
from console.store.store import Store


class IntakeService:
    def __init__(self, store: Store) -> None:
        self.store = store

    async def active_queue(self) -> list[CallRow]:
        return await self.store.read(calls.active_queue)

    async def history(self, limit: int = 200, text: str = "") -> list[CallRow]:
        """Finished calls, newest first; `text` searches ticket, caller, phone, officer, outcome."""
        return await self.store.read(partial(calls.history, limit=limit, text=text))

    async def by_ids(self, ids: frozenset[int]) -> list[CallRow]:
        return await self.store.read(partial(calls.by_ids, ids=ids))

    async def today_stats(self) -> dict[str, float]:
        return await self.store.read(partial(calls.today_stats, since=local_midnight_utc()))

    async def call_id(self, ticket: str) -> int | None:
        """The call row of a queue ticket (None if the server never stored it)."""
        return await self.store.read(partial(calls.id_for_ticket, ticket=ticket))
