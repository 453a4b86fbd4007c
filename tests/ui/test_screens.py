"""Screens show store data, refresh from change sets, and one screen's change reaches another."""

from __future__ import annotations

from console.core.codes import CallState, CaseState, DisputeCategory, FlowAction, SupervisionLevel
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CaseFilter
from console.services.cases import CaseService
from console.services.intake import IntakeService
from console.services.mediation import MediationService
from console.store.models import Call
from console.store.repos.cases import NewCase
from console.ui.assessment.ledger_page import LedgerPage
from console.ui.feed_bridge import FeedBridge
from console.ui.intake.panel import IntakePanel
from console.ui.mediation.panel import MediationPanel
from tests.ui.conftest import Workspace, run_until


def test_ledger_filters_and_pages(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    panel = LedgerPage(CaseService(workspace.store, workspace.supervisor))
    qtbot.addWidget(panel)
    panel.load()
    run_until(qloop, lambda: panel.model.total == 30 and panel.model.rowCount() == 30)
    panel.search.setText("工资纠纷7")
    run_until(qloop, lambda: panel.model.total == 1)
    assert panel.model.row_record(0).title == "工资纠纷7号"
    panel.search.clear()
    panel.state_box.setCurrentIndex(panel.state_box.findData(CaseState.CLOSED))
    run_until(qloop, lambda: panel.model.total == 0)
    panel.close_panel()


def test_change_in_one_screen_reaches_another(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    """Intake registers a case; the assessment ledger shows it; a supervisor's flag shows too."""
    store = workspace.store
    panel = LedgerPage(CaseService(store, workspace.supervisor))
    qtbot.addWidget(panel)
    bridge = FeedBridge(store.feed)
    bridge.changed.connect(panel.apply_changes)
    panel.load()
    run_until(qloop, lambda: panel.model.rowCount() == 30)

    intake_side = CaseService(store, workspace.duty)
    new_id, _ = qloop.run_until_complete(
        intake_side.register(
            NewCase("视频接访登记的新案件", DisputeCategory.MEDICAL, "医患纠纷", None)
        )
    )
    run_until(
        qloop,
        lambda: panel.model.rowCount() == 31 and panel.model.row_record(0).id == new_id,
    )

    supervisor_side = CaseService(store, workspace.supervisor)
    target = workspace.case_ids[3]
    qloop.run_until_complete(
        supervisor_side.advance(
            target, FlowAction.SUPERVISE, opinion="逾期未办", supervision=SupervisionLevel.RED
        )
    )
    row = panel.model.case_ids().index(target)
    run_until(qloop, lambda: panel.model.row_record(row).supervision is SupervisionLevel.RED)
    bridge.close()
    panel.close_panel()


def test_rows_leaving_the_filter_are_removed(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    store = workspace.store
    service = CaseService(store, workspace.supervisor)
    panel = LedgerPage(service)
    qtbot.addWidget(panel)
    bridge = FeedBridge(store.feed)
    bridge.changed.connect(panel.apply_changes)
    panel.model.set_filter(CaseFilter(states=(CaseState.ACCEPTED,)))
    run_until(qloop, lambda: panel.model.total == 30)
    qloop.run_until_complete(service.advance(workspace.case_ids[0], FlowAction.ASSIGN))
    run_until(qloop, lambda: panel.model.rowCount() == 29)
    assert workspace.case_ids[0] not in panel.model.case_ids()
    bridge.close()
    panel.close_panel()


def test_intake_queue_orders_and_updates(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    store = workspace.store
    panel = IntakePanel(IntakeService(store))
    qtbot.addWidget(panel)
    bridge = FeedBridge(store.feed)
    bridge.changed.connect(panel.apply_changes)
    panel.load()
    run_until(qloop, lambda: panel.queue_model.rowCount() == 5)
    assert panel.queue_model.record(0).ticket == "T00000"  # urgent first
    run_until(qloop, lambda: panel.waiting.value.text() == "5")

    def answer(session):  # type: ignore[no-untyped-def]
        call = session.query(Call).filter_by(ticket="T00003").one()
        call.state = CallState.COMPLETED.code
        return call.id, ChangeSet(
            Operation.CALL_UPDATED,
            workspace.duty.id,
            (change(Entity.CALL, ChangeAction.UPDATED, call.id),),
        )

    store.write_sync(answer)
    run_until(
        qloop, lambda: panel.queue_model.rowCount() == 4 and panel.history_model.rowCount() == 1
    )
    bridge.close()
    panel.close_panel()


def test_mediation_lists_rooms(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    panel = MediationPanel(MediationService(workspace.store))
    qtbot.addWidget(panel)
    panel.load()
    run_until(qloop, lambda: panel.model.rowCount() == 1)
    run_until(qloop, lambda: panel.detail_name.text() == "邻里纠纷调解室")
    panel.close_panel()


def test_mediation_schedules_a_room_from_a_case(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    from console.ui.mediation.schedule_dialog import ScheduleRoomDialog

    panel = MediationPanel(MediationService(workspace.store), mediator_id=workspace.supervisor.id)
    qtbot.addWidget(panel)
    panel.load()
    run_until(qloop, lambda: panel.model.rowCount() == 1)
    # An unknown case number is refused with the reason, and nothing is added.
    dialog = ScheduleRoomDialog("LJ-0000-999999", panel)
    panel.schedule_from(dialog)
    run_until(qloop, lambda: "LJ-0000-999999" in panel.detail_notice.text())
    assert panel.model.rowCount() == 1
    # The first room's case gets a second room, named after the case, scheduled.
    first = panel.model.record(0)
    dialog = ScheduleRoomDialog(first.case_number, panel)
    assert not dialog.backend.model().item(1).isEnabled()  # Janus: none configured
    panel.schedule_from(dialog)
    run_until(qloop, lambda: panel.model.rowCount() == 2)
    added = next(r for r in panel.model.records() if r.id != first.id)
    assert (added.backend, added.state.code) == ("mesh", "scheduled")
    assert added.case_number == first.case_number and added.name == "调解：工资纠纷0号"
    # With a media server configured, a room can be scheduled through it.
    dialog = ScheduleRoomDialog(first.case_number, panel, janus=True)
    assert dialog.backend.model().item(1).isEnabled()
    dialog.backend.setCurrentIndex(1)
    panel.schedule_from(dialog)
    run_until(qloop, lambda: panel.model.rowCount() == 3)
    janus_room = max(panel.model.records(), key=lambda r: r.id)
    assert janus_room.backend == "janus"
    panel.close_panel()
