"""The case flow as actions: what the signed-in operator may do on a case now, and doing it.

Every action is checked twice by the same core rules: before it is offered (by role and
state) and inside the write that performs it (role, state and arguments, against the
case as it is in that transaction), so a stale screen cannot push an illegal step.
A refusal comes back as words for the operator, with nothing written.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from console.core import case_flow
from console.core.case_flow import ActionArgs
from console.core.clock import utcnow
from console.core.codes import CaseState, FlowAction
from console.core.events import ChangeSet
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store.repos import flow_log, member_units
from console.store.repos.flow_log import CaseCard, FlowLogEntry
from console.store.repos.member_units import MemberUnitRecord
from console.store.store import Store

__all__ = [
    "ActionArgs",
    "ActionResult",
    "CaseActions",
    "CaseCard",
    "CaseView",
    "FlowLogEntry",
    "MemberUnitRecord",
]


@dataclass(frozen=True, slots=True)
class CaseView:
    """All the case detail shows, read at one moment."""

    card: CaseCard
    log: tuple[FlowLogEntry, ...]
    actions: tuple[FlowAction, ...]
    """What this operator may do on the case in its state now."""


@dataclass(frozen=True, slots=True)
class ActionResult:
    state: CaseState | None
    """The case's state after the action; None if the case does not exist."""
    refusals: tuple[str, ...] = ()

    @property
    def done(self) -> bool:
        return not self.refusals


class CaseActions:
    def __init__(self, store: Store, operator: Operator, cases: CaseService | None = None) -> None:
        self.store = store
        self.operator = operator
        self.cases = cases or CaseService(store, operator)

    def actions_for(self, state: CaseState) -> tuple[FlowAction, ...]:
        return case_flow.allowed_actions(state, self.operator.role)

    # reads

    def _view(self, session: Any, case_id: int) -> CaseView | None:
        card = flow_log.case_card(session, case_id, utcnow())
        if card is None:
            return None
        log = tuple(flow_log.entries(session, case_id))
        return CaseView(card, log, self.actions_for(card.state))

    async def view(self, case_id: int) -> CaseView | None:
        return await self.store.read(partial(self._view, case_id=case_id))

    async def card(self, case_id: int) -> CaseCard | None:
        return await self.store.read(partial(flow_log.case_card, case_id=case_id, now=utcnow()))

    async def flow_log(self, case_id: int) -> list[FlowLogEntry]:
        return await self.store.read(partial(flow_log.entries, case_id=case_id))

    async def member_units(self) -> list[MemberUnitRecord]:
        return await self.store.read(member_units.all_units)

    # the action

    def _perform(
        self, session: Any, case_id: int, action: FlowAction, args: ActionArgs
    ) -> tuple[ActionResult, ChangeSet | None]:
        state = flow_log.case_state(session, case_id)
        if state is None:
            return ActionResult(None, (f"案件 {case_id} 不存在",)), None
        now = utcnow()
        needs = case_flow.needs(action)
        units = member_units.unit_ids(session) if case_flow.Need.UNIT in needs else None
        refused = case_flow.refusals(
            state, action, self.operator.role, args, now=now, unit_ids=units
        )
        if refused:
            return ActionResult(state, refused), None
        wants = set(needs)
        opinion = case_flow.step_opinion(action, args)
        try:
            after, changes = self.cases.advance_in(
                session,
                case_id=case_id,
                action=action,
                opinion=opinion,
                channel=args.channel if case_flow.Need.CHANNEL in wants else None,
                target_unit_id=args.target_unit_id if case_flow.Need.UNIT in wants else None,
                supervision=args.supervision if case_flow.Need.LEVEL in wants else None,
                deadline=args.deadline if case_flow.Need.DEADLINE in wants else None,
            )
        except case_flow.IllegalTransition as exc:
            # Nothing has been written that the rollback would keep: the write fails whole.
            raise _Refused(ActionResult(state, (str(exc),))) from exc
        if action is FlowAction.CLOSE and args.success is not None:
            flow_log.record_result(session, case_id, success=args.success, account=args.account)
        if action is FlowAction.EVALUATE:
            flow_log.record_evaluation(session, case_id, review=opinion, at=now)
        return ActionResult(after), changes

    async def perform(
        self, case_id: int, action: FlowAction, args: ActionArgs | None = None
    ) -> tuple[ActionResult, ChangeSet | None]:
        """Take `action` on the case as this operator; a refusal writes nothing."""
        try:
            return await self.store.write(
                partial(self._perform, case_id=case_id, action=action, args=args or ActionArgs())
            )
        except _Refused as refused:
            return refused.result, None


class _Refused(Exception):
    def __init__(self, result: ActionResult) -> None:
        super().__init__(result.refusals)
        self.result = result
