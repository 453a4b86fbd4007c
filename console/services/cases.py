"""Case use cases: the ledger, registration and every flow step, each audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from console.core import case_flow
from console.core.codes import AuditAction, CaseState, Channel, FlowAction, SupervisionLevel
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CaseFilter, CaseRow
from console.services.operator import Operator
from console.store.repos import audit, cases, regions
from console.store.repos.cases import NewCase
from console.store.store import Store


@dataclass(frozen=True, slots=True)
class BulkOutcome:
    """One case of a bulk action: done, or refused and why (in the operator's words)."""

    case_id: int
    ok: bool
    reason: str = ""


class CaseService:
    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator

    # reads

    async def ledger_page(self, f: CaseFilter, offset: int, limit: int) -> list[CaseRow]:
        return await self.store.read(partial(cases.ledger_page, f=f, offset=offset, limit=limit))

    async def ledger_count(self, f: CaseFilter) -> int:
        return await self.store.read(partial(cases.ledger_count, f=f))

    async def rows_by_ids(self, f: CaseFilter, ids: frozenset[int]) -> list[CaseRow]:
        return await self.store.read(partial(cases.rows_by_ids, f=f, ids=ids))

    async def ledger_ids(self, f: CaseFilter) -> list[int]:
        """Every matching case id in the ledger's order."""
        return await self.store.read(partial(cases.ledger_ids, f=f))

    async def deadline_summary(self) -> dict[str, int]:
        now = datetime.now(UTC).replace(tzinfo=None)
        return await self.store.read(partial(cases.deadline_summary, now=now))

    async def flow_of(self, case_id: int) -> list[tuple[str, str, str, datetime, str]]:
        return await self.store.read(partial(cases.flow_of, case_id=case_id))

    async def counties(self) -> list[tuple[int, str]]:
        """(id, name) of the districts and counties, for the ledger's area filter."""

        def query(session):  # type: ignore[no-untyped-def]
            city = regions.children(session, None)
            return [(n.id, n.name) for c in city for n in regions.children(session, c.id)]

        return await self.store.read(query)

    async def grid_ids_under(self, region_id: int) -> list[int]:
        return await self.store.read(partial(regions.descendant_grid_ids, region_id=region_id))

    # writes

    def _register(self, session, new: NewCase):  # type: ignore[no-untyped-def]
        case_id = cases.register(session, new, actor_id=self.operator.id, role=self.operator.role)
        audit.append(
            session,
            actor_id=self.operator.id,
            action=AuditAction.CASE_CHANGED,
            target_kind="case",
            target_id=case_id,
            detail="registered",
        )
        return case_id, ChangeSet(
            Operation.CASE_REGISTERED,
            self.operator.id,
            (
                change(Entity.CASE, ChangeAction.CREATED, case_id),
                change(Entity.FLOW_STEP, ChangeAction.CREATED, case_id),
            ),
        )

    async def register(self, new: NewCase) -> tuple[int, ChangeSet | None]:
        return await self.store.write(partial(self._register, new=new))

    def register_sync(self, new: NewCase) -> tuple[int, ChangeSet | None]:
        return self.store.write_sync(partial(self._register, new=new))

    def advance_in(  # type: ignore[no-untyped-def]
        self,
        session,
        case_id: int,
        action: FlowAction,
        opinion: str,
        channel: Channel | None,
        target_unit_id: int | None,
        supervision: SupervisionLevel | None,
        deadline: datetime | None = None,
    ):
        """One flow step inside the caller's transaction (`advance` runs it in its own): for
        use cases that write more with the step, all or nothing."""
        after = cases.advance(
            session,
            case_id,
            action,
            actor_id=self.operator.id,
            role=self.operator.role,
            opinion=opinion,
            unit_id=self.operator.user.unit_id,
            channel=channel,
            target_unit_id=target_unit_id,
            supervision=supervision,
            deadline=deadline,
        )
        audit.append(
            session,
            actor_id=self.operator.id,
            action=AuditAction.CASE_CHANGED,
            target_kind="case",
            target_id=case_id,
            detail=action.code,
        )
        return after, ChangeSet(
            Operation.CASE_ADVANCED,
            self.operator.id,
            (
                change(Entity.CASE, ChangeAction.UPDATED, case_id),
                change(Entity.FLOW_STEP, ChangeAction.CREATED, case_id),
            ),
        )

    async def advance(
        self,
        case_id: int,
        action: FlowAction,
        *,
        opinion: str = "",
        channel: Channel | None = None,
        target_unit_id: int | None = None,
        supervision: SupervisionLevel | None = None,
        deadline: datetime | None = None,
    ) -> tuple[CaseState, ChangeSet | None]:
        return await self.store.write(
            partial(
                self.advance_in,
                case_id=case_id,
                action=action,
                opinion=opinion,
                channel=channel,
                target_unit_id=target_unit_id,
                supervision=supervision,
                deadline=deadline,
            )
        )

    async def supervise_many(
        self, case_ids: list[int], level: SupervisionLevel, opinion: str
    ) -> list[BulkOutcome]:
        """督办 on each case, each in its own transaction: one refusal stops no other."""
        now = datetime.now(UTC).replace(tzinfo=None)
        args = case_flow.ActionArgs(opinion=opinion, supervision=level)
        reasons = case_flow.check_arguments(FlowAction.SUPERVISE, args, now=now)
        if reasons:
            why = "；".join(reasons)
            return [BulkOutcome(case_id, False, why) for case_id in case_ids]
        outcomes = []
        for case_id in case_ids:
            try:
                await self.advance(
                    case_id, FlowAction.SUPERVISE, opinion=opinion.strip(), supervision=level
                )
            except case_flow.IllegalTransition as exc:
                outcomes.append(BulkOutcome(case_id, False, str(exc)))
            else:
                outcomes.append(BulkOutcome(case_id, True))
        return outcomes
