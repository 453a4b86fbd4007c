"""The case detail: buttons by role and state, actions through their dialogs, refusals in words."""

from __future__ import annotations

from datetime import timedelta

import pytest

from console.core.case_flow import ActionArgs
from console.core.clock import to_local, utcnow
from console.core.codes import CaseState, FlowAction, Role, SupervisionLevel
from console.core.passwords import hash_password
from console.services.case_actions import CaseActions
from console.services.operator import Operator
from console.store.models import FlowStep
from console.store.repos import member_units, users
from console.ui.assessment.case_detail import CaseDetail
from tests.ui.conftest import Workspace, run_until

A = FlowAction


@pytest.fixture
def units(workspace: Workspace) -> dict[str, int]:
    def add(session):  # type: ignore[no-untyped-def]
        made = {
            "centre": member_units.add(session, code="zx", name="东湖区综治中心").id,
            "court": member_units.add(session, code="tj", name="城关镇人民调解委员会").id,
        }
        return made, None

    return workspace.store.write_sync(add)[0]


@pytest.fixture
def officer(workspace: Workspace, units: dict[str, int]) -> Operator:
    """A duty officer of the district centre, so flow rows carry a unit."""

    def add(session):  # type: ignore[no-untyped-def]
        record = users.add(
            session,
            username="wang",
            display_name="王值班",
            role=Role.DUTY_OFFICER,
            password_hash=hash_password("pass-word-123"),
            unit_id=units["centre"],
        )
        return record, None

    return Operator(workspace.store.write_sync(add)[0])


def _detail(qtbot, store, operator: Operator) -> CaseDetail:  # type: ignore[no-untyped-def]
    detail = CaseDetail(CaseActions(store, operator))
    qtbot.addWidget(detail)
    detail.resize(1200, 800)
    detail.show()
    return detail


def _shown(qloop, detail: CaseDetail, case_id: int) -> None:  # type: ignore[no-untyped-def]
    detail.show_case(case_id)
    run_until(
        qloop,
        lambda: (
            detail.view is not None and detail.view.card.id == case_id and detail._units is not None
        ),
    )


def _log_rows(detail: CaseDetail) -> list[list[str]]:
    m = detail.log_model
    return [[m.item(r, c).text() for c in range(m.columnCount())] for r in range(m.rowCount())]


def test_supervisor_and_duty_officer_see_different_buttons(
    qtbot, qloop, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    case_id = workspace.case_ids[0]
    duty = _detail(qtbot, workspace.store, workspace.duty)
    boss = _detail(qtbot, workspace.store, workspace.supervisor)
    _shown(qloop, duty, case_id)
    _shown(qloop, boss, case_id)
    assert set(duty.visible_actions()) == {A.DIVERT, A.ASSIGN}
    assert set(boss.visible_actions()) == {A.DIVERT, A.ASSIGN, A.VOID, A.SUPERVISE}
    assert duty.buttons[A.VOID].isHidden() and not boss.buttons[A.VOID].isHidden()
    assert duty.number.text().startswith("LJ-") and duty.title.text() == "工资纠纷0号"
    assert duty.parties.text() == "0" and duty.supervision_chip.isHidden()
    assert [row[1] for row in _log_rows(duty)] == ["上报", "受理"]
    duty.close_panel()
    boss.close_panel()


def test_assign_through_its_dialog_adds_a_flow_row(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, units: dict[str, int], officer: Operator
) -> None:
    case_id = workspace.case_ids[1]
    detail = _detail(qtbot, workspace.store, officer)
    _shown(qloop, detail, case_id)
    done: list[tuple[int, str]] = []
    detail.action_done.connect(lambda cid, code: done.append((cid, code)))

    detail.buttons[A.ASSIGN].click()
    dialog = detail.dialog
    assert dialog is not None and dialog.isVisible()
    # 交办 asks for a unit and a deadline, nothing else but the optional opinion.
    assert dialog.unit_box is not None and dialog.deadline_edit is not None
    assert dialog.channel_box is None and dialog.level_box is None and dialog.success_box is None
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData(units["court"]))
    deadline = (utcnow() + timedelta(days=5)).replace(second=0, microsecond=0)
    dialog.set_deadline(deadline)
    dialog.opinion_edit.setPlainText("请五日内组织调解")
    dialog.ok_button.click()

    run_until(qloop, lambda: detail.log_model.rowCount() == 3)
    when, what, who, unit, opinion = _log_rows(detail)[-1]
    assert what == f"交办 → 城关镇人民调解委员会 (due {to_local(deadline):%m-%d %H:%M})"
    assert (who, unit, opinion) == ("王值班", "东湖区综治中心", "请五日内组织调解")
    assert when.startswith(f"{to_local(utcnow()):%Y-%m-%d}")
    assert detail.unit.text() == "城关镇人民调解委员会"
    assert detail.view is not None and detail.view.card.state is CaseState.ASSIGNED
    assert detail.view.card.deadline == deadline
    assert done == [(case_id, "assign")] and detail.refusal.isHidden()
    # A duty officer cannot take the next step (办理): no buttons, and it says so.
    assert detail.visible_actions() == () and not detail.no_actions.isHidden()
    detail.close_panel()


def test_illegal_action_is_refused_in_words(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, units: dict[str, int], officer: Operator
) -> None:
    case_id = workspace.case_ids[2]
    detail = _detail(qtbot, workspace.store, officer)
    _shown(qloop, detail, case_id)
    # The supervisor voids the case meanwhile; this screen is not told and still offers 交办.
    voided, _ = qloop.run_until_complete(
        CaseActions(workspace.store, workspace.supervisor).perform(
            case_id, A.VOID, ActionArgs(opinion="重复登记")
        )
    )
    assert voided.done
    assert A.ASSIGN in detail.visible_actions()

    detail.buttons[A.ASSIGN].click()
    dialog = detail.dialog
    assert dialog is not None and dialog.unit_box is not None
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData(units["court"]))
    dialog.ok_button.click()

    run_until(qloop, lambda: not detail.refusal.isHidden())
    assert "案件处于“作废”状态，不能执行“交办”" in detail.refusal.text()
    run_until(qloop, lambda: detail.view is not None and detail.view.card.state is CaseState.VOIDED)
    assert [row[1] for row in _log_rows(detail)] == ["上报", "受理", "作废"]
    assert "Voided: 重复登记" in detail.result.text()
    assert detail.visible_actions() == ()

    def assigns(session):  # type: ignore[no-untyped-def]
        return session.query(FlowStep).filter_by(case_id=case_id, action="assign").count()

    assert workspace.store.read_sync(assigns) == 0
    detail.close_panel()


def test_dialog_keeps_what_core_refuses(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, units: dict[str, int]
) -> None:
    case_id = workspace.case_ids[3]
    detail = _detail(qtbot, workspace.store, workspace.supervisor)
    _shown(qloop, detail, case_id)
    dialog = detail.ask(A.ASSIGN)
    assert dialog is not None and dialog.unit_box is not None
    dialog.unit_box.setCurrentIndex(dialog.unit_box.findData(units["court"]))
    dialog.set_deadline(utcnow() - timedelta(hours=2))
    dialog.ok_button.click()
    assert dialog.isVisible() and "办理时限不能早于当前时间" in dialog.refusal.text()
    dialog.reject()

    dialog = detail.ask(A.SUPERVISE)
    assert dialog is not None and dialog.level_box is not None
    assert [dialog.level_box.itemData(i) for i in range(dialog.level_box.count())] == [
        None,
        SupervisionLevel.NORMAL,
        SupervisionLevel.YELLOW,
        SupervisionLevel.RED,
    ]
    dialog.ok_button.click()
    assert "必须选择督办级别" in dialog.refusal.text()
    assert "必须填写督办意见" in dialog.refusal.text()
    dialog.level_box.setCurrentIndex(dialog.level_box.findData(SupervisionLevel.RED))
    dialog.opinion_edit.setPlainText("逾期未办")
    dialog.ok_button.click()
    assert not dialog.isVisible()
    run_until(qloop, lambda: not detail.supervision_chip.isHidden())
    assert "红牌" in detail.supervision_chip.text()
    assert _log_rows(detail)[-1][1:] == ["督办", "boss", "", "逾期未办"]
    detail.close_panel()


def test_follows_store_changes_and_asks_for_evidence(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace
) -> None:
    case_id = workspace.case_ids[4]
    detail = _detail(qtbot, workspace.store, workspace.duty)
    _shown(qloop, detail, case_id)
    other = CaseActions(workspace.store, workspace.supervisor)
    _, changes = qloop.run_until_complete(
        other.perform(
            case_id, A.SUPERVISE, ActionArgs(supervision=SupervisionLevel.YELLOW, opinion="关注")
        )
    )
    assert changes is not None
    # A change to another case leaves this one alone; a change to this one refreshes it.
    _, elsewhere = qloop.run_until_complete(
        other.perform(workspace.case_ids[5], A.VOID, ActionArgs(opinion="重复"))
    )
    assert elsewhere is not None
    detail.apply_changes(elsewhere)
    assert detail._tasks.pending == 0  # no reload started
    assert detail.supervision_chip.isHidden()
    detail.apply_changes(changes)
    run_until(qloop, lambda: not detail.supervision_chip.isHidden())
    assert "黄牌" in detail.supervision_chip.text()

    with qtbot.waitSignal(detail.open_evidence, timeout=2000) as signal:
        detail.evidence_button.click()
    assert signal.args == [case_id]
    detail.close_panel()
