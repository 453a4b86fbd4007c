"""The shell: four screens as docks, role layouts, detaching, big-screen mode, remembered layout."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QLabel

from console.core.codes import Role
from console.services.assessment import AssessmentServices
from console.services.intake import IntakeService
from console.services.live_wall import LiveWallService
from console.services.mediation import MediationService
from console.services.surveillance import SurveillanceService
from console.ui.assessment.panel import AssessmentPanel
from console.ui.intake.panel import IntakePanel
from console.ui.main_window import MainWindow, Screen
from console.ui.mediation.panel import MediationPanel
from console.ui.wall.panel import WallPanel
from tests.ui.conftest import Workspace, run_until


def _window(workspace: Workspace, settings: QSettings, live: LiveWallService) -> MainWindow:
    store, op = workspace.store, workspace.supervisor
    intake = IntakePanel(IntakeService(store))
    mediation = MediationPanel(MediationService(store))
    wall = WallPanel(SurveillanceService(store, op), live)
    assessment = AssessmentPanel(AssessmentServices.open(store, op))
    screens = [
        Screen("intake", "视频接访", intake, intake.load, intake.apply_changes, intake.close_panel),
        Screen(
            "mediation",
            "视频调解",
            mediation,
            mediation.load,
            mediation.apply_changes,
            mediation.close_panel,
        ),
        Screen("wall", "视频监控", wall, wall.load, lambda _c: None, wall.close_panel),
        Screen(
            "assessment",
            "视频研判",
            assessment,
            assessment.load,
            assessment.apply_changes,
            assessment.close_panel,
        ),
    ]
    return MainWindow(op, screens, store_label="test", settings=settings)


def _front(window: MainWindow) -> str:
    visible = [k for k, d in window.docks.items() if not d.visibleRegion().isEmpty()]
    assert len(visible) == 1, visible
    return visible[0]


def test_role_layouts_detach_and_remembered_layout(
    qtbot, qloop, workspace: Workspace, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "console.ini"), QSettings.Format.IniFormat)
    live = LiveWallService()
    window = _window(workspace, settings, live)
    qtbot.addWidget(window)
    window.resize(1600, 900)
    window.show()
    window.load_all()
    for role, front in (
        (Role.DUTY_OFFICER, "intake"),
        (Role.MEDIATOR, "mediation"),
        (Role.SUPERVISOR, "assessment"),
    ):
        window.apply_role_layout(role)
        run_until(qloop, lambda front=front: _front(window) == front)

    window.detach("wall", 0)
    assert window.docks["wall"].isFloating()
    window.toggle_fullscreen()
    run_until(qloop, window.isFullScreen)
    window.toggle_fullscreen()
    window.close()  # saves the layout: wall floating

    again = _window(workspace, settings, live)
    qtbot.addWidget(again)
    again.restore_or_default(Role.SUPERVISOR)
    assert again.docks["wall"].isFloating(), "the floating wall was not remembered"
    again.close()
    assert live.close().clean


def test_status_bar_names_operator(qtbot, qloop, workspace: Workspace, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "c.ini"), QSettings.Format.IniFormat)
    live = LiveWallService()
    window = _window(workspace, settings, live)
    qtbot.addWidget(window)
    labels = [w.text() for w in window.statusBar().findChildren(QLabel)]
    assert any("boss" in t for t in labels)
    window.close()
    live.close()
