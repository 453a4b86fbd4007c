"""Case actions on a real store: offered by role and state, performed with their arguments."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from console.core.case_flow import ActionArgs
from console.core.clock import utcnow
from console.core.codes import (
    CaseState,
    Channel,
    DeadlineStatus,
    DisputeCategory,
    FlowAction,
    Role,
    Satisfaction,
    SupervisionLevel,
)
from console.core.passwords import hash_password
from console.services.case_actions import CaseActions
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store import migrate
from console.store.models import AuditLog, Case, FlowStep, Party
from console.store.repos import member_units, users
from console.store.repos.cases import NewCase
from console.store.store import Store

A = FlowAction


@dataclass
class Desk:
    store: Store
    duty: CaseActions
    boss: CaseActions
    units: dict[str, int]
    case_id: int


def _desk(store: Store) -> Desk:
    hashed = hash_password("pass-word-123")

    def setup(session):  # type: ignore[no-untyped-def]
        centre = member_units.add(session, code="zzzx", name="区综治中心")
        court = member_units.add(
            session, code="rmtj", name="城关镇人民调解委员会", channel=Channel.PEOPLES_MEDIATION
        )
        labour = member_units.add(session, code="ldjc", name="区劳动保障监察大队")
        duty = users.add(
            session,
            username="duty",
            display_name="王值班",
            role=Role.DUTY_OFFICER,
            password_hash=hashed,
            unit_id=centre.id,
        )
        boss = users.add(
            session,
            username="boss",
            display_name="李督导",
            role=Role.SUPERVISOR,
            password_hash=hashed,
            unit_id=centre.id,
        )
        return (duty, boss, {"centre": centre.id, "court": court.id, "labour": labour.id}), None

    (duty, boss, units), _ = store.write_sync(setup)
    duty_op, boss_op = Operator(duty), Operator(boss)
    new = NewCase("欠薪纠纷", DisputeCategory.LABOUR, "拖欠三个月工资", None)
    case_id, _ = CaseService(store, duty_op).register_sync(new)

    def party(session):  # type: ignore[no-untyped-def]
        for name in ("张三", "某建筑公司"):
            session.add(
                Party(
                    case_id=case_id, role="applicant", name=name, id_type="resident_id", sex="male"
                )
            )
        return None, None

    store.write_sync(party)
    return Desk(store, CaseActions(store, duty_op), CaseActions(store, boss_op), units, case_id)


@pytest.fixture
def desk(store: Store) -> Desk:
    return _desk(store)


def _count(store: Store, model: type, case_id: int | None = None) -> int:
    def q(session):  # type: ignore[no-untyped-def]
        stmt = select(func.count()).select_from(model)
        if case_id is not None:
            stmt = stmt.where(model.case_id == case_id)  # type: ignore[attr-defined]
        return int(session.scalar(stmt))

    return store.read_sync(q)


def test_each_role_is_offered_its_own_actions(desk: Desk) -> None:
    duty_view = asyncio.run(desk.duty.view(desk.case_id))
    boss_view = asyncio.run(desk.boss.view(desk.case_id))
    assert duty_view is not None and boss_view is not None
    assert duty_view.card.state is CaseState.ACCEPTED
    assert set(duty_view.actions) == {A.DIVERT, A.ASSIGN}
    assert set(boss_view.actions) == {A.DIVERT, A.ASSIGN, A.VOID, A.SUPERVISE}


def test_card_and_log_of_a_registered_case(desk: Desk) -> None:
    view = asyncio.run(desk.duty.view(desk.case_id))
    assert view is not None
    card = view.card
    assert card.number.startswith("LJ-") and card.title == "欠薪纠纷"
    assert card.category is DisputeCategory.LABOUR
    assert card.parties == 2
    assert card.deadline is not None and card.deadline_status is DeadlineStatus.NORMAL
    assert card.supervision is SupervisionLevel.NONE and card.responsible_unit == ""
    assert [e.action for e in view.log] == [A.REPORT, A.ACCEPT]
    assert {(e.actor, e.unit) for e in view.log} == {("王值班", "区综治中心")}
    assert asyncio.run(desk.duty.view(10_000)) is None


def test_assign_writes_who_unit_target_and_deadline(desk: Desk) -> None:
    deadline = (utcnow() + timedelta(days=10)).replace(microsecond=0)
    args = ActionArgs(target_unit_id=desk.units["labour"], deadline=deadline, opinion="请依法处理")
    result, changes = asyncio.run(desk.duty.perform(desk.case_id, A.ASSIGN, args))
    assert result.done and result.state is CaseState.ASSIGNED
    assert changes is not None
    log = asyncio.run(desk.duty.flow_log(desk.case_id))
    row = log[-1]
    assert (row.action, row.actor, row.unit) == (A.ASSIGN, "王值班", "区综治中心")
    assert (row.target_unit, row.deadline, row.opinion) == (
        "区劳动保障监察大队",
        deadline,
        "请依法处理",
    )
    assert (row.before, row.after) == (CaseState.ACCEPTED, CaseState.ASSIGNED)
    card = asyncio.run(desk.duty.card(desk.case_id))
    assert card is not None
    assert card.responsible_unit == "区劳动保障监察大队" and card.deadline == deadline


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (ActionArgs(deadline=None, target_unit_id=-1), "必须设定办理时限"),
        (ActionArgs(target_unit_id=999_999, deadline=utcnow() + timedelta(days=1)), "不存在"),
        (ActionArgs(target_unit_id=None, deadline=utcnow() - timedelta(days=1)), "不能早于"),
    ],
)
def test_refused_assign_writes_nothing(desk: Desk, args: ActionArgs, words: str) -> None:
    steps, audits = _count(desk.store, FlowStep, desk.case_id), _count(desk.store, AuditLog)
    result, changes = asyncio.run(desk.duty.perform(desk.case_id, A.ASSIGN, args))
    assert not result.done and changes is None
    assert result.state is CaseState.ACCEPTED
    assert any(words in r for r in result.refusals), result.refusals
    assert _count(desk.store, FlowStep, desk.case_id) == steps
    assert _count(desk.store, AuditLog) == audits


def test_role_and_stale_state_are_refused_in_words(desk: Desk) -> None:
    result, _ = asyncio.run(desk.duty.perform(desk.case_id, A.VOID, ActionArgs(opinion="重复")))
    assert result.refusals == ("角色“值班员”无权执行“作废”",)
    # The duty officer's screen still offers 交办; the supervisor voids the case meanwhile.
    assert A.ASSIGN in asyncio.run(desk.duty.view(desk.case_id)).actions  # type: ignore[union-attr]
    voided, _ = asyncio.run(desk.boss.perform(desk.case_id, A.VOID, ActionArgs(opinion="重复登记")))
    assert voided.state is CaseState.VOIDED
    late = ActionArgs(target_unit_id=desk.units["court"], deadline=utcnow() + timedelta(days=3))
    result, changes = asyncio.run(desk.duty.perform(desk.case_id, A.ASSIGN, late))
    assert result.refusals == ("案件处于“作废”状态，不能执行“交办”",) and changes is None
    card = asyncio.run(desk.boss.card(desk.case_id))
    assert card is not None and card.void_reason == "重复登记" and card.state is CaseState.VOIDED
    unknown, _ = asyncio.run(desk.boss.perform(987_654, A.VOID, ActionArgs(opinion="x")))
    assert unknown.state is None and unknown.refusals == ("案件 987654 不存在",)


def walk_every_step(desk: Desk) -> None:
    """From 受理 to 评价 through every step of the flow, as the supervisor."""
    soon = utcnow() + timedelta(days=7)
    plan: list[tuple[FlowAction, ActionArgs, CaseState]] = [
        (
            A.SUPERVISE,
            ActionArgs(supervision=SupervisionLevel.YELLOW, opinion="关注"),
            CaseState.ACCEPTED,
        ),
        (A.DIVERT, ActionArgs(channel=Channel.PEOPLES_MEDIATION), CaseState.DIVERTED),
        (
            A.ASSIGN,
            ActionArgs(target_unit_id=desk.units["court"], deadline=soon),
            CaseState.ASSIGNED,
        ),
        (A.START, ActionArgs(), CaseState.IN_PROGRESS),
        (
            A.ASSIST,
            ActionArgs(target_unit_id=desk.units["labour"], opinion="核实工资"),
            CaseState.IN_PROGRESS,
        ),
        (A.SUSPEND, ActionArgs(opinion="当事人外出"), CaseState.SUSPENDED),
        (A.RESUME, ActionArgs(), CaseState.IN_PROGRESS),
        (A.FEEDBACK, ActionArgs(opinion="已组织调解"), CaseState.FEEDBACK),
        (A.SUBMIT_REVIEW, ActionArgs(), CaseState.REVIEW),
        (A.RETURN, ActionArgs(opinion="缺少协议书"), CaseState.IN_PROGRESS),
        (A.FEEDBACK, ActionArgs(opinion="补充协议书"), CaseState.FEEDBACK),
        (A.SUBMIT_REVIEW, ActionArgs(), CaseState.REVIEW),
        (A.CLOSE, ActionArgs(success=True, account="双方达成协议，工资已付清"), CaseState.CLOSED),
        (
            A.EVALUATE,
            ActionArgs(satisfaction=Satisfaction.SATISFIED, opinion="及时"),
            CaseState.EVALUATED,
        ),
    ]
    for action, args, expected in plan:
        view = asyncio.run(desk.boss.view(desk.case_id))
        assert view is not None and action in view.actions, (action, view and view.card.state)
        result, _ = asyncio.run(desk.boss.perform(desk.case_id, action, args))
        assert result.refusals == () and result.state is expected, (action, result)
    view = asyncio.run(desk.boss.view(desk.case_id))
    assert view is not None and view.actions == ()
    card = view.card
    assert card.supervision is SupervisionLevel.YELLOW and card.channel is Channel.PEOPLES_MEDIATION
    assert card.responsible_unit == "城关镇人民调解委员会"
    assert card.success is True and card.result_account == "双方达成协议，工资已付清"
    assert card.review_opinion == "满意；及时"
    assert card.deadline_status is DeadlineStatus.DONE
    log = view.log
    assert [e.action for e in log][2:] == [a for a, _, _ in plan]
    by_action = {e.action: e for e in log}
    assert by_action[A.DIVERT].channel is Channel.PEOPLES_MEDIATION
    assert by_action[A.ASSIST].target_unit == "区劳动保障监察大队"
    assert by_action[A.CLOSE].opinion == "化解成功：双方达成协议，工资已付清"
    assert all(e.actor == "李督导" for e in log[2:])

    def review_date(session):  # type: ignore[no-untyped-def]
        return session.scalar(select(Case.review_date).where(Case.id == desk.case_id))

    assert desk.store.read_sync(review_date) is not None


def test_every_step_from_accept_to_evaluate(desk: Desk) -> None:
    walk_every_step(desk)


@pytest.fixture
def pg_store(pg_fresh_db: str) -> Iterator[Store]:
    migrate.upgrade(pg_fresh_db)
    s = Store(pg_fresh_db)
    yield s
    s.close()


def test_every_step_on_postgresql(pg_store: Store) -> None:
    walk_every_step(_desk(pg_store))


def test_missing_answers_are_refused_and_units_listed_by_name(desk: Desk) -> None:
    for action, args in (
        (A.DIVERT, ActionArgs()),
        (A.SUPERVISE, ActionArgs(supervision=SupervisionLevel.NONE, opinion="x")),
    ):
        result, _ = asyncio.run(desk.boss.perform(desk.case_id, action, args))
        assert not result.done
    units = asyncio.run(desk.boss.member_units())
    assert [u.name for u in units] == sorted(
        ["区综治中心", "城关镇人民调解委员会", "区劳动保障监察大队"]
    )
    assert next(u for u in units if u.code == "rmtj").channel is Channel.PEOPLES_MEDIATION
    view = asyncio.run(desk.boss.view(desk.case_id))
    assert view is not None and view.card.state is CaseState.ACCEPTED and len(view.log) == 2


def test_only_what_an_action_needs_is_written(desk: Desk) -> None:
    """A stray channel or level given with 交办 is not written onto the case or its step."""
    args = ActionArgs(
        target_unit_id=desk.units["court"],
        deadline=utcnow() + timedelta(days=4),
        channel=Channel.LITIGATION,
        supervision=SupervisionLevel.RED,
        success=False,
    )
    result, _ = asyncio.run(desk.boss.perform(desk.case_id, A.ASSIGN, args))
    assert result.done
    view = asyncio.run(desk.boss.view(desk.case_id))
    assert view is not None
    assert view.card.channel is None and view.card.supervision is SupervisionLevel.NONE
    assert view.card.success is None
    assert view.log[-1].channel is None and view.log[-1].target_unit == "城关镇人民调解委员会"
