"""The walkthrough: cycles by itself, answers every key of keyboards and presenter remotes,
pauses visibly, closes its slides and itself, and goes full screen on the chosen monitor."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication
from PySide6.QtWidgets import QLabel

from console.services.statistics import StatisticsService
from console.ui.assessment.walkthrough import (
    CaseSlide,
    GridSlide,
    Slide,
    SlideKind,
    Walkthrough,
    WalkthroughSetup,
    case_slide,
    grid_slide,
)
from tests.ui.conftest import Workspace, run_until

ROOT = Path(__file__).resolve().parents[2]


class Tracked(QLabel):
    """A slide widget that records being closed, as a camera view stops its decoding."""

    closed: list[str] = []

    def closeEvent(self, event: QCloseEvent) -> None:
        Tracked.closed.append(self.text())
        super().closeEvent(event)


def _slides(n: int) -> list[Slide]:
    def make(i: int):  # type: ignore[no-untyped-def]
        return lambda: Tracked(f"slide {i + 1}")

    return [Slide(SlideKind.CAMERA, f"第{i + 1}页", make(i)) for i in range(n)]


def _walkthrough(qtbot, n: int = 12, interval_s: float = 60.0) -> Walkthrough:  # type: ignore[no-untyped-def]
    wt = Walkthrough(_slides(n), interval_s=interval_s)
    qtbot.addWidget(wt)
    wt.start()
    return wt


def _shown(wt: Walkthrough) -> str:
    assert isinstance(wt.current, QLabel)
    return wt.current.text()


def test_cycles_on_its_own_and_pause_stops_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    wt = _walkthrough(qtbot, n=3, interval_s=0.15)
    assert wt.isFullScreen() and wt.index == 0
    seen: list[int] = []
    wt.slide_changed.connect(seen.append)
    qtbot.waitUntil(lambda: len(seen) >= 3, timeout=5000)
    assert seen[:3] == [1, 2, 0]  # wraps round to the first
    assert wt.progress.maximum() == 1000

    qtbot.keyClick(wt, Qt.Key.Key_P)
    assert wt.paused and wt.paused_label.isVisible()
    at = wt.index
    qtbot.wait(600)  # four intervals
    assert wt.index == at
    qtbot.keyClick(wt, Qt.Key.Key_P)
    assert not wt.paused and not wt.paused_label.isVisible()
    qtbot.waitUntil(lambda: wt.index != at, timeout=5000)
    wt.close()


def test_slide_time_advances_and_pause_holds_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    wt = _walkthrough(qtbot, n=4, interval_s=20)
    wt.advance_time(19)
    assert wt.index == 0 and wt.progress.value() == 950
    wt.advance_time(1)
    assert wt.index == 1 and wt.progress.value() == 0
    wt.set_paused(True)
    wt.advance_time(100)
    assert wt.index == 1
    # F5 (a remote's "start show") resumes from the start of the current slide.
    wt.advance_time(0)
    qtbot.keyClick(wt, Qt.Key.Key_F5)
    assert not wt.paused and wt.index == 1 and wt.elapsed_s < 0.5
    wt.close()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (Qt.Key.Key_Right, 5),
        (Qt.Key.Key_Down, 5),
        (Qt.Key.Key_PageDown, 5),
        (Qt.Key.Key_Space, 5),
        (Qt.Key.Key_Left, 3),
        (Qt.Key.Key_Up, 3),
        (Qt.Key.Key_PageUp, 3),
        (Qt.Key.Key_Home, 0),
        (Qt.Key.Key_End, 11),
    ],
)
def test_navigation_keys(qtbot, key, expected) -> None:  # type: ignore[no-untyped-def]
    wt = _walkthrough(qtbot)
    wt.go_to(4)
    wt.advance_time(10)
    qtbot.keyClick(wt, key)
    assert wt.index == expected
    assert _shown(wt) == f"slide {expected + 1}"
    assert wt.position_label.text() == f"{expected + 1} / 12"
    assert wt.elapsed_s == 0  # a manual move gives the new slide its full time
    wt.close()


@pytest.mark.parametrize("key", [Qt.Key.Key_P, Qt.Key.Key_B, Qt.Key.Key_Period])
def test_pause_keys_toggle(qtbot, key) -> None:  # type: ignore[no-untyped-def]
    wt = _walkthrough(qtbot)
    changes: list[bool] = []
    wt.paused_changed.connect(changes.append)
    qtbot.keyClick(wt, key)
    assert wt.paused and wt.paused_label.isVisible() and wt.paused_label.text()
    qtbot.keyClick(wt, key)
    assert not wt.paused and not wt.paused_label.isVisible()
    assert changes == [True, False]
    wt.close()


def test_number_keys_jump(qtbot) -> None:  # type: ignore[no-untyped-def]
    wt = _walkthrough(qtbot)
    qtbot.keyClick(wt, Qt.Key.Key_3)
    assert wt.index == 2
    wt._forget_digits()  # the typing window has passed
    qtbot.keyClick(wt, Qt.Key.Key_1)
    assert wt.index == 0
    qtbot.keyClick(wt, Qt.Key.Key_2)  # "12" within the window
    assert wt.index == 11
    qtbot.keyClick(wt, Qt.Key.Key_5)  # "125" is no slide: a fresh "5"
    assert wt.index == 4
    qtbot.keyClick(wt, Qt.Key.Key_0)  # "50" is no slide and there is no slide 0: stays
    assert wt.index == 4
    qtbot.waitUntil(lambda: not wt._digit_timer.isActive(), timeout=3000)
    qtbot.keyClick(wt, Qt.Key.Key_9)
    assert wt.index == 8
    wt.close()


def test_escape_closes_and_slides_are_closed_as_they_go(qtbot) -> None:  # type: ignore[no-untyped-def]
    Tracked.closed.clear()
    wt = _walkthrough(qtbot, n=3)
    qtbot.keyClick(wt, Qt.Key.Key_Right)
    assert Tracked.closed == ["slide 1"]
    # A focusable widget inside a slide (a camera view, a list) never takes the keys.
    assert wt.current is not None
    assert wt.current.focusPolicy() == Qt.FocusPolicy.NoFocus
    with qtbot.waitSignal(wt.closed, timeout=2000):
        qtbot.keyClick(wt, Qt.Key.Key_Escape)
    assert not wt.isVisible()
    assert Tracked.closed == ["slide 1", "slide 2"]
    assert not wt._tick.isActive()


def test_case_and_grid_slides_show_the_store(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    service = StatisticsService(workspace.store)
    case_id = workspace.case_ids[0]

    def add_grid(session):  # type: ignore[no-untyped-def]
        from console.core.codes import RegionLevel
        from console.store.models import Case, Region

        grid = Region(code="G1", name="东华第一网格", level=RegionLevel.GRID.code)
        session.add(grid)
        session.flush()
        for cid in workspace.case_ids[:4]:
            session.get(Case, cid).grid_id = grid.id
        return grid.id, None

    grid_id, _ = workspace.store.write_sync(add_grid)
    wt = Walkthrough(
        [case_slide(service, case_id, "工资纠纷0号"), grid_slide(service, grid_id, "东华第一网格")],
        interval_s=60,
    )
    qtbot.addWidget(wt)
    wt.start()
    assert isinstance(wt.current, CaseSlide)
    slide = wt.current
    run_until(qloop, lambda: slide.card is not None)
    assert slide.card is not None
    assert slide.card.title == "工资纠纷0号" and slide.card.state.code == "accepted"
    assert [s.action.code for s in slide.card.latest_steps] == ["accept", "report"]
    texts = {label.text() for label in slide.findChildren(QLabel)}
    assert "工资纠纷0号" in texts and any("受理" in t for t in texts)
    # Type on a presentation screen is larger than the application's.
    assert wt.zoom >= 1.6

    qtbot.keyClick(wt, Qt.Key.Key_PageDown)
    assert isinstance(wt.current, GridSlide)
    grid = wt.current
    run_until(qloop, lambda: grid.summary is not None)
    assert grid.summary is not None and (grid.summary.total, grid.summary.open) == (4, 4)
    assert grid.donut.items()[0][:2] == ("受理", 4)
    assert grid.open.text() == "4"
    wt.close()


def test_setup_dialog_chooses_slides_screen_and_interval(qtbot) -> None:  # type: ignore[no-untyped-def]
    offered = _slides(4)
    dialog = WalkthroughSetup(offered, interval_s=30)
    qtbot.addWidget(dialog)
    assert dialog.interval_s() == 30
    # One screen here: it is the one offered and chosen.
    assert dialog.screen_box.count() == len(QGuiApplication.screens())
    assert dialog.chosen_screen() is QGuiApplication.primaryScreen()
    dialog.list.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.list.setCurrentRow(3)
    dialog._move(-1)  # the fourth slide before the third
    assert [s.title for s in dialog.chosen_slides()] == ["第1页", "第4页", "第3页"]
    dialog.all_box.setChecked(False)
    ok = dialog.buttons.buttons()[0]
    assert dialog.chosen_slides() == [] and not ok.isEnabled()
    dialog.all_box.setChecked(True)
    dialog.interval_box.setValue(15)
    wt = dialog.create_walkthrough()
    qtbot.addWidget(wt)
    assert len(wt.slides) == 4 and wt.interval_ms == 15000
    assert wt.target_screen is QGuiApplication.primaryScreen()
    assert wt.parent() is None  # a window of its own, beside the main window


SCREENS = {
    "screens": [
        {"name": "desk", "x": 0, "y": 0, "width": 1920, "height": 1080},
        {"name": "wall4k", "x": 1920, "y": 0, "width": 3840, "height": 2160},
    ]
}

TWO_SCREENS = textwrap.dedent(
    """
    import json
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow
    from console.ui.assessment.walkthrough import Slide, SlideKind, Walkthrough, WalkthroughSetup

    app = QApplication([])
    desk, wall = app.screens()
    main = QMainWindow()
    main.setGeometry(desk.geometry().adjusted(0, 0, -100, -100))
    main.show()
    slides = [Slide(SlideKind.CHART, "t", lambda: QLabel("x"))]
    dialog = WalkthroughSetup(slides, main)
    chosen = dialog.chosen_screen().name()
    wt = dialog.create_walkthrough()
    wt.start()
    app.processEvents()
    g = wt.geometry()
    on_desk = Walkthrough(slides, screen=desk)
    on_desk.start()
    app.processEvents()
    print(json.dumps({
        "default": chosen,
        "screen": wt.screen().name(),
        "geometry": [g.x(), g.y(), g.width(), g.height()],
        "full": wt.isFullScreen(),
        "zoom": wt.zoom,
        "main_visible": main.isVisible(),
        "desk_geometry": on_desk.geometry().getRect(),
        "desk_zoom": on_desk.zoom,
    }))
    """
)


def test_goes_full_screen_on_the_chosen_monitor(tmp_path: Path) -> None:
    """Two monitors (Qt's offscreen platform with a screen layout): the setup dialog offers
    the one the main window is not on, and the walkthrough fills exactly that one."""
    config = tmp_path / "screens.json"
    config.write_text(json.dumps(SCREENS))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    proc = subprocess.run(
        [sys.executable, "-c", TWO_SCREENS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["default"] == "wall4k"
    assert result["screen"] == "wall4k"
    assert result["geometry"] == [1920, 0, 3840, 2160]
    assert result["full"] and result["main_visible"]
    assert result["zoom"] == pytest.approx(2.5)  # 4K at the desk's type size: 2.5× larger
    assert result["desk_geometry"] == [0, 0, 1920, 1080]
    assert result["desk_zoom"] == pytest.approx(1.6)


def test_a_slide_may_have_its_own_interval(qtbot) -> None:  # type: ignore[no-untyped-def]
    slides = _slides(3)
    slides[1] = Slide(SlideKind.CAMERA, "路口", slides[1].factory, interval_s=60)
    wt = Walkthrough(slides, interval_s=20)
    qtbot.addWidget(wt)
    wt.start()
    wt.advance_time(20)
    assert wt.index == 1
    wt.advance_time(30)
    assert wt.index == 1 and wt.progress.value() == 500
    wt.advance_time(30)
    assert wt.index == 2
    wt.close()


def test_a_slide_that_fails_to_build_is_reported_and_skipped_past(qtbot) -> None:  # type: ignore[no-untyped-def]
    def broken() -> QLabel:
        raise LookupError("摄像机 34010000001320000001 已删除")

    slides = [*_slides(1), Slide(SlideKind.CAMERA, "坏的", broken), *_slides(1)]
    wt = Walkthrough(slides, interval_s=60)
    qtbot.addWidget(wt)
    wt.start()
    qtbot.keyClick(wt, Qt.Key.Key_Right)
    assert wt.index == 1 and "已删除" in _shown(wt)
    qtbot.keyClick(wt, Qt.Key.Key_Right)
    assert wt.index == 2 and _shown(wt) == "slide 1"
    wt.close()


def test_needs_a_slide(qapp) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):
        Walkthrough([])
