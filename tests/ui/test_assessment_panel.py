"""The assessment screen wires its pages: ledger → case card → evidence, map → card or wall,
and the walkthrough offered from the ledger's cases, their grids, the charts and cameras."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel
from sqlalchemy import update

from console.core.codes import GridKind, RegionLevel
from console.services.assessment import AssessmentServices
from console.store.models import Case, Region
from console.ui.assessment.panel import AssessmentPanel
from console.ui.assessment.walkthrough import Slide, SlideKind
from tests.ui.conftest import Workspace, run_until


def _panel(qtbot, workspace: Workspace) -> AssessmentPanel:  # type: ignore[no-untyped-def]
    panel = AssessmentPanel(AssessmentServices.open(workspace.store, workspace.supervisor))
    qtbot.addWidget(panel)
    panel.resize(1800, 1000)
    panel.show()
    panel.load()
    return panel


def test_selecting_a_case_fills_the_card_and_the_evidence_page_follows(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace
) -> None:
    panel = _panel(qtbot, workspace)
    run_until(qloop, lambda: panel.ledger.model.rowCount() == 30)
    panel.ledger.view.selectRow(2)
    chosen = panel.ledger.model.row_record(2).id
    run_until(qloop, lambda: panel.detail.view is not None and panel.detail.case_id == chosen)
    # The evidence page loads only when it is the page on screen.
    assert panel.evidence.timeline is None
    panel.detail.open_evidence.emit(chosen)
    assert panel.tabs.currentWidget() is panel.evidence
    run_until(qloop, lambda: panel.evidence.timeline is not None)
    assert panel.evidence.timeline.case_id == chosen
    # From the map: a case comes up on the card, a camera is asked of the wall.
    other = workspace.case_ids[7]
    panel.map.case_chosen.emit(other)
    assert panel.tabs.currentIndex() == 0
    run_until(qloop, lambda: panel.detail.case_id == other and panel.detail.view is not None)
    with qtbot.waitSignal(panel.camera_requested) as asked:
        panel.map.camera_chosen.emit(42)
    assert asked.args == [42]
    panel.close_panel()


def test_walkthrough_offers_cases_grids_charts_and_cameras(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace
) -> None:
    def two_grids(session):  # type: ignore[no-untyped-def]
        for i, name in enumerate(("幸福里网格", "长江路网格")):
            grid = Region(
                code=f"34010210100{i}",
                name=name,
                level=RegionLevel.GRID.code,
                grid_kind=GridKind.URBAN.code,
            )
            session.add(grid)
            session.flush()
            ids = workspace.case_ids[i::2]
            session.execute(update(Case).where(Case.id.in_(ids)).values(grid_id=grid.id))
        return None, None

    workspace.store.write_sync(two_grids)
    panel = _panel(qtbot, workspace)
    built: list[str] = []

    def camera_slide() -> list[Slide]:
        def make() -> QLabel:
            built.append("camera")
            return QLabel("建国路口")

        return [Slide(SlideKind.CAMERA, "建国路口", make)]

    panel.set_camera_slides(camera_slide)
    run_until(
        qloop, lambda: panel.ledger.model.rowCount() == 30 and panel.stats.snapshot is not None
    )
    panel.prepare_walkthrough()
    setup = panel._setup
    assert setup is not None and setup.isVisible()
    kinds = [s.kind for s in setup.chosen_slides()]
    assert kinds.count(SlideKind.CASE) == 12  # nothing selected: the top of the ledger
    # Each grid of those cases once, in the order its first case comes.
    assert sorted(s.title for s in setup.chosen_slides() if s.kind is SlideKind.GRID) == [
        "幸福里网格",
        "长江路网格",
    ]
    assert SlideKind.CHART in kinds
    assert kinds[-1] is SlideKind.CAMERA
    setup.accept()
    walk = panel.walkthrough
    assert walk is not None and walk.isVisible()
    walk.go_to(len(walk.slides) - 1)
    assert built == ["camera"]
    panel.close_panel()
    assert panel.walkthrough is None and not walk.isVisible()
