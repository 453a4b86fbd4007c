"""Petition registration: keep the officer's draft, check it, spot repeat callers, register it."""

from __future__ import annotations

from concurrent.futures import Future
from functools import partial

from console.core import registration as reg
from console.core.clock import utcnow
from console.core.events import ChangeSet
from console.core.records import CaseFilter, CaseRow
from console.core.registration import DraftRefused, RegistrationDraft
from console.services.operator import Operator
from console.store.repos import cases
from console.store.repos import registration as drafts
from console.store.store import Store


class RegistrationService:
    """One officer's registrations. Saving a draft is cheap; the form decides how often."""

    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    async def save_draft(self, draft: RegistrationDraft) -> None:
        # No change set: a draft is the officer's own until registered; nobody else shows it.
        await self.store.write(lambda s: (drafts.save_draft(s, self.operator.id, draft), None))

    def save_draft_detached(self, draft: RegistrationDraft) -> Future[tuple[int, ChangeSet | None]]:
        """Queue a save on the writer without the event loop: for a form that is closing."""
        return self.store.submit_write(
            lambda s: (drafts.save_draft(s, self.operator.id, draft), None)
        )

    async def load_draft(self, call_id: int | None) -> RegistrationDraft | None:
        return await self.store.read(
            partial(drafts.load_draft, officer_id=self.operator.id, call_id=call_id)
        )

    async def delete_draft(self, call_id: int | None) -> None:
        await self.store.write(lambda s: (drafts.delete_draft(s, self.operator.id, call_id), None))

    async def open_drafts(self) -> list[RegistrationDraft]:
        return await self.store.read(partial(drafts.open_drafts, officer_id=self.operator.id))

    async def validate(self, draft: RegistrationDraft) -> dict[str, str]:
        return reg.validate(draft, utcnow())

    async def repeat_case(self, draft: RegistrationDraft) -> CaseRow | None:
        """The earlier case of the same caller within 30 days, as the ledger shows it."""

        def query(session):  # type: ignore[no-untyped-def]
            earlier = drafts.repeat_case_id(session, draft)
            if earlier is None:
                return None
            rows = cases.rows_by_ids(session, CaseFilter(), frozenset({earlier}))
            return rows[0] if rows else None

        return await self.store.read(query)

    async def register(self, draft: RegistrationDraft) -> int:
        """The new case's id; raises `DraftRefused` with the problems of an unfinished draft."""
        problems = reg.validate(draft, utcnow())
        if problems:
            raise DraftRefused(problems)
        case_id, _ = await self.store.write(self._register(draft))
        return case_id

    def register_sync(self, draft: RegistrationDraft) -> tuple[int, ChangeSet | None]:
        return self.store.write_sync(self._register(draft))

    def _register(self, draft: RegistrationDraft):  # type: ignore[no-untyped-def]
        return partial(
            drafts.register, draft=draft, actor_id=self.operator.id, role=self.operator.role
        )
