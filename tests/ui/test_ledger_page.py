"""The ledger page: header sorts, the new filters, deadline colours and badges, bulk 督办 with
its per-case report, export of the whole filter, and the case it tells the screen about."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor

from console.core.codes import CaseState, DeadlineStatus, FlowAction, SupervisionLevel
from console.services.cases import CaseService
from console.services.ledger_export import ExportFormat
from console.store.models import Case
from console.ui import theme
from console.ui.assessment.ledger_page import BulkReportDialog, LedgerPage, SuperviseDialog
from console.ui.feed_bridge import FeedBridge
from console.ui.models.case_ledger_model import CaseLedgerModel
from tests.ui.conftest import Workspace, run_until

COL = {name: i for i, name in enumerate(CaseLedgerModel.COLUMNS)}


def _page(qtbot, qloop, workspace: Workspace) -> LedgerPage:  # type: ignore[no-untyped-def]
    page = LedgerPage(CaseService(workspace.store, workspace.supervisor))
    qtbot.addWidget(page)
    page.load()
    run_until(qloop, lambda: page.model.rowCount() == 30)
    return page


def _age(workspace: Workspace, by_days: dict[int, int]) -> None:
    """Move some cases' deadlines into the past (or nearer)."""

    def write(session):  # type: ignore[no-untyped-def]
        for index, days in by_days.items():
            case = session.get(Case, workspace.case_ids[index])
            case.deadline = case.deadline - timedelta(days=days)
        return None, None

    workspace.store.write_sync(write)


def test_header_click_sorts_in_the_store(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    _age(workspace, {5: 40, 9: 30})
    page = _page(qtbot, qloop, workspace)
    first = page.model.row_record(0).id
    assert first == workspace.case_ids[-1]  # newest first by default
    page.view.horizontalHeader().sectionClicked.emit(COL["deadline"])
    run_until(qloop, lambda: page.model.row_record(0).id == workspace.case_ids[5])
    assert page.model.current_filter.sort == "deadline"
    assert not page.model.current_filter.descending
    assert page.model.row_record(1).id == workspace.case_ids[9]
    page.view.horizontalHeader().sectionClicked.emit(COL["deadline"])
    run_until(qloop, lambda: page.model.current_filter.descending and page.model.total == 30)
    run_until(qloop, lambda: page.model.row_record(29).id == workspace.case_ids[5])
    # A column the store cannot sort by changes nothing.
    page.view.horizontalHeader().sectionClicked.emit(COL["title"])
    assert page.model.current_filter.sort == "deadline"
    # Filters keep the clicked order.
    page.search.setText("工资纠纷1")
    run_until(qloop, lambda: page.model.total == 11)
    assert page.model.current_filter.sort == "deadline"
    page.close_panel()


def test_deadline_supervision_filters_colours_and_badges(
    qtbot, qloop, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    _age(workspace, {2: 40, 3: 40, 4: 18})  # two overdue, one due within 3 days (20 - 18)
    service = CaseService(workspace.store, workspace.supervisor)
    qloop.run_until_complete(
        service.advance(
            workspace.case_ids[3],
            FlowAction.SUPERVISE,
            opinion="逾期",
            supervision=SupervisionLevel.RED,
        )
    )
    page = _page(qtbot, qloop, workspace)
    box = page.deadline_box
    box.setCurrentIndex(box.findData(DeadlineStatus.OVERDUE))
    run_until(qloop, lambda: page.model.total == 2)
    assert {page.model.row_record(r).id for r in range(2)} == set(workspace.case_ids[2:4])
    tint = page.model.index(0, COL["title"]).data(Qt.ItemDataRole.BackgroundRole)
    assert isinstance(tint, QColor) and tint.rgb() == QColor(theme.ALERT).rgb()
    box.setCurrentIndex(box.findData(DeadlineStatus.DUE_SOON))
    run_until(qloop, lambda: page.model.total == 1)
    assert page.model.row_record(0).id == workspace.case_ids[4]
    assert page.model.index(0, COL["deadline"]).data().endswith(DeadlineStatus.DUE_SOON.zh)
    box.setCurrentIndex(0)
    page.supervision_box.setCurrentIndex(page.supervision_box.findData(SupervisionLevel.RED))
    red = workspace.case_ids[3]
    run_until(qloop, lambda: page.model.total == 1 and page.model.row_record(0).id == red)
    badge = page.model.index(0, COL["supervision"])
    assert badge.data() == "红牌"
    assert badge.data(Qt.ItemDataRole.ForegroundRole).name() == QColor(theme.ALERT).name()
    page.close_panel()


def test_bulk_supervise_reports_each_case(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    store = workspace.store
    boss = CaseService(store, workspace.supervisor)
    voided = workspace.case_ids[-2]  # second row: newest first
    qloop.run_until_complete(boss.advance(voided, FlowAction.VOID, opinion="重复登记"))
    page = _page(qtbot, qloop, workspace)
    bridge = FeedBridge(store.feed)
    bridge.changed.connect(page.apply_changes)
    selection = page.view.selectionModel()
    selection.clearSelection()
    assert not page.supervise_button.isEnabled()
    page.view.selectRow(0)
    for row in (1, 2):
        selection.select(
            page.model.index(row, 0),
            selection.SelectionFlag.Select | selection.SelectionFlag.Rows,
        )
    assert page.selected_ids() == workspace.case_ids[-1:-4:-1]
    assert page.supervise_button.isEnabled()
    dialog = page.ask_supervise()
    assert isinstance(dialog, SuperviseDialog)
    dialog.level_box.setCurrentIndex(dialog.level_box.findData(SupervisionLevel.YELLOW))
    dialog._check()  # no opinion: core refuses, the dialog stays open
    assert dialog.isVisible() and "督办意见" in dialog.problem.text()
    dialog.opinion.setPlainText("三日内反馈办理情况")
    dialog._check()
    run_until(qloop, lambda: isinstance(page.dialog, BulkReportDialog))
    report = page.dialog
    assert isinstance(report, BulkReportDialog)
    assert report.refused.count() == 1
    assert "作废" in report.refused.item(0).text()
    assert page.model.row_record(1).number in report.refused.item(0).text()
    run_until(
        qloop,
        lambda: (
            page.model.row_record(0).supervision is SupervisionLevel.YELLOW
            and page.model.row_record(2).supervision is SupervisionLevel.YELLOW
        ),
    )
    assert page.model.row_record(1).state is CaseState.VOIDED
    assert page.model.row_record(1).supervision is SupervisionLevel.NONE
    bridge.close()
    page.close_panel()


def test_export_writes_the_whole_filter_and_selection_is_announced(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, tmp_path: Path
) -> None:
    page = _page(qtbot, qloop, workspace)
    chosen: list[int] = []
    page.case_selected.connect(chosen.append)
    page.view.selectRow(4)
    assert chosen[-1] == page.model.row_record(4).id
    page.search.setText("工资纠纷2")
    run_until(qloop, lambda: page.model.total == 11)
    target = tmp_path / "台账.xlsx"
    page.export_to(target, ExportFormat.XLSX)
    assert not page.xlsx_button.isEnabled()
    run_until(qloop, lambda: page.xlsx_button.isEnabled())
    assert "11" in page.export_status.text() and target.name in page.export_status.text()
    rows = list(load_workbook(target, read_only=True).active.iter_rows(values_only=True))
    assert len(rows) == 12  # the header and every matching case, not just those on screen
    assert {r[1] for r in rows[1:]} == {page.model.row_record(i).title for i in range(11)}
    page.close_panel()
