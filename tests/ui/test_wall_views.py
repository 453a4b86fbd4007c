"""The wall as an operator drives it: drops, layouts, focus, zoom, saved views, tours, push."""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QDropEvent, QWheelEvent
from PySide6.QtWidgets import QApplication

from console.core.codes import AuditAction, ZoneKind
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.records import CameraRecord
from console.services.alerts import AlertService
from console.services.evidence import EvidenceService
from console.services.live_wall import LiveWallService
from console.services.masks import MaskService
from console.services.surveillance import SurveillanceService
from console.services.wall_views import WallViewService
from console.store.repos import audit, camera_zones, media_assets
from console.ui.wall.panel import WallPanel
from console.ui.wall.wall_surface import WallWindow
from console.ui.widgets.camera_drag import CameraMimeData
from tests.ui.conftest import Workspace, open_wall, run_scenario, run_until, until


def _ring(wall_cameras: dict[str, CameraRecord]) -> list[CameraRecord]:
    return [wall_cameras[f"h{i}"] for i in range(6)]


def _audited(workspace: Workspace, action: AuditAction) -> list[str]:
    rows = workspace.store.read_sync(lambda s: audit.recent(s, 200))
    return [r.target_id for r in rows if r.action == action.code]


def test_dropping_cameras_fills_tiles_and_dragging_a_tile_swaps(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    ring = _ring(wall_cameras)
    mime = CameraMimeData(ring[:2])
    drop = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.tiles[1].dropEvent(drop)
    assert panel.arrangement.on_page() == [None, ring[0], ring[1], None]
    run_until(
        qloop, lambda: panel.tiles[1].painted_frames > 2 and panel.tiles[2].painted_frames > 2
    )
    panel.tiles[3].tile_dropped.emit(1)  # tile 1 dragged onto tile 3
    assert panel.arrangement.on_page() == [None, None, ring[1], ring[0]]
    # Dropping a camera that is already on the wall moves it instead of showing it twice.
    # (The event does not own its MIME data: keep a reference, as a real drag does.)
    again = CameraMimeData([ring[0]])
    panel.tiles[0].dropEvent(
        QDropEvent(
            QPointF(5, 5),
            Qt.DropAction.CopyAction,
            again,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    assert panel.arrangement.on_page() == [ring[0], None, ring[1], None]
    run_until(qloop, lambda: set(_audited(workspace, AuditAction.VIEW_LIVE)) >= {
        ring[0].device_id, ring[1].device_id
    })  # fmt: skip
    panel.close_panel()
    assert live.close().clean


def test_split_layouts_focus_and_digital_zoom(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    for i, cam in enumerate(_ring(wall_cameras)):
        panel.show_camera(cam, i % 4) if i < 4 else None
    panel.set_layout("1+5")
    QApplication.processEvents()
    big, small = panel.tiles[0], panel.tiles[1]
    assert big.width() > 1.8 * small.width() and big.height() > 1.8 * small.height()
    assert panel.surface.visible_count == 6

    panel.toggle_focus(2)
    QApplication.processEvents()
    assert panel.focused_tile == 2 and panel.surface.visible_count == 1
    assert panel.tiles[2].isVisible() and not panel.tiles[0].isVisible()
    focused_cam = panel.arrangement.on_page()[2]
    other_cam = panel.arrangement.on_page()[0]
    assert focused_cam is not None and other_cam is not None
    # The hidden tiles stop decoding; the focused one keeps going at its new size.
    run_until(qloop, lambda: (s := live.stats(other_cam)) is not None and s.paused)
    run_until(qloop, lambda: panel.tiles[2].current_image() is not None)
    panel.apply_budget()
    plan = live.plan_for(focused_cam)
    assert plan is not None and not plan.paused

    tile = panel.tiles[2]
    centre = QPointF(tile.width() / 2, tile.height() / 2)
    wheel = QWheelEvent(
        centre,
        tile.mapToGlobal(centre),
        QPoint(0, 0),
        QPoint(0, 240),
        Qt.MouseButton.NoButton,
        Qt.KeyboardModifier.NoModifier,
        Qt.ScrollPhase.NoScrollPhase,
        False,
    )
    tile.wheelEvent(wheel)
    assert tile.zoom > 1.4
    shown = tile.source_rect()
    image = tile.current_image()
    assert image is not None and shown.width() < image.width() * 0.75
    tile.reset_zoom()
    assert tile.source_rect().width() == image.width()

    panel.toggle_focus(2)
    QApplication.processEvents()
    assert panel.focused_tile is None and panel.surface.visible_count == 6
    run_until(qloop, lambda: (s := live.stats(other_cam)) is not None and not s.paused)
    panel.close_panel()
    assert live.close().clean


def test_saved_view_reopens_and_tours_its_pages(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    ring = _ring(wall_cameras)
    panel.show_cameras_as_pages(ring)
    assert panel.arrangement.page_count == 2
    panel.save_view("环城路轮巡")
    run_until(qloop, lambda: workspace.store.read_sync(_view_count) == 1)
    panel.views_model.reload()
    run_until(qloop, lambda: panel.views_model.rowCount() == 1)
    view = panel.views_model.record(0)
    assert view.layout == "4" and [c for c in view.camera_ids if c] == [c.id for c in ring]

    panel.clear_wall()
    assert panel.arrangement.cameras() == []
    panel.open_view(view)
    run_until(qloop, lambda: len(panel.arrangement.cameras()) == 6)
    assert panel.arrangement.on_page() == ring[:4]

    # Tour: pages flip on the timer, and the next page is connected (paused) beforehand.
    flips: list[tuple[float, int]] = []
    panel.page_label.setText("")
    original = panel.next_page

    def counted() -> None:
        original()
        flips.append((time.monotonic(), panel.arrangement.page))

    panel._tour_timer.timeout.disconnect()
    panel._tour_timer.timeout.connect(counted)
    started = time.monotonic()
    panel.start_tour(0.4)
    assert panel.tour_running and panel.tour_interval_ms == 400
    run_until(qloop, lambda: all(live.stats(c) is not None for c in ring[4:]))
    assert all(live.stats(c).paused for c in ring[4:])  # type: ignore[union-attr]
    run_until(qloop, lambda: len(flips) >= 3, timeout=10)
    assert [page for _, page in flips[:3]] == [1, 0, 1]
    gaps = [b - a for (a, _), (b, _) in zip([(started, 0), *flips[:2]], flips[:3], strict=True)]
    assert all(0.3 <= gap <= 2.5 for gap in gaps), gaps
    panel.tour_button.setChecked(False)
    assert not panel.tour_running
    panel.close_panel()
    assert live.close().clean


def _view_count(session) -> int:  # type: ignore[no-untyped-def]
    from console.store.repos import wall_views

    return len(wall_views.visible_to(session, 1))


def test_push_the_wall_to_a_screen_and_take_it_back(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    panel.show_camera(wall_cameras["1"], 0)
    panel.push_to_screen(0)
    assert panel.wall_pushed
    assert isinstance(panel.surface.window(), WallWindow)
    assert panel.surface.window().isFullScreen() or panel.surface.window().isVisible()
    run_until(qloop, lambda: panel.tiles[0].painted_frames > 3)
    panel.surface.window().close()  # Esc or closing the window brings it back
    assert not panel.wall_pushed
    assert panel.surface.window() is panel.window()
    panel.close_panel()
    assert live.close().clean


def test_tile_evidence_masks_zones_and_alert_pop(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, wall_cameras, tmp_path: Path
) -> None:
    live = LiveWallService()
    boss = workspace.supervisor
    evidence = EvidenceService(workspace.store, boss, live, tmp_path / "media")
    masks = MaskService(workspace.store, boss, evidence)
    alerts = AlertService(workspace.store, boss, tmp_path / "media")
    panel = WallPanel(
        SurveillanceService(workspace.store, boss),
        live,
        WallViewService(workspace.store, boss),
        evidence=evidence,
        masks=masks,
        alerts=alerts,
    )
    qtbot.addWidget(panel)
    panel.resize(1600, 900)
    panel.show()

    # One scenario: every task steps inside the running loop (a step taken by Qt between two
    # run_until_complete calls finds no running loop).
    async def scenario() -> None:
        panel.load()
        panel.set_layout("4")
        cam = wall_cameras["h0"]
        panel.show_camera(cam, 1)
        await until(lambda: panel.tiles[1].painted_frames > 5)
        await until(lambda: (b := evidence.buffer_for(cam)) is not None and b.span() is not None)

        # Zones drawn in the editor are stored through the mask service.
        editor = panel.tile_actions.edit_zones(cam, panel.tiles[1])
        editor.kind.setCurrentIndex(editor.kind.findData(ZoneKind.PRIVACY_MASK))
        editor.canvas.points = [(0.1, 0.1), (0.4, 0.1), (0.4, 0.4), (0.1, 0.4)]
        editor.name.setText("住宅窗户")
        editor.save_button.click()

        def zones(session):  # type: ignore[no-untyped-def]
            return camera_zones.of_camera(session, cam.id, None)

        await until(lambda: len(workspace.store.read_sync(zones)) == 1)
        editor.close()
        # Opened again, the editor lists the stored zone. (Waiting on the first editor's own
        # reload after saving flakes about 4 in 10 runs since before 2026-12-02: that reload's
        # completion sometimes does not arrive within 15 s; not yet understood.)
        again = panel.tile_actions.edit_zones(cam, panel.tiles[1])
        await until(lambda: again.zone_list.count() == 1)
        again.close()

        # Snapshot: a media asset with a hash, audited.
        panel.tile_actions.snapshot(cam)
        await until(lambda: cam.device_id in _audited(workspace, AuditAction.SNAPSHOT))
        assets = workspace.store.read_sync(lambda s: media_assets.of_camera(s, cam.id))
        assert assets and len(assets[0].sha256) == 64 and assets[0].path.exists()
        # The notice follows once the task resumes after its write (the audit row is first).
        await until(lambda: any(t in panel.notice.text() for t in ("Snapshot saved", "截图已保存")))

        # Lifting the mask needs a stated reason and is audited.
        panel.tile_actions.lift_mask(cam, "协查案件需要")
        await until(lambda: cam.device_id in _audited(workspace, AuditAction.MASK_LIFTED))
        await until(lambda: masks.is_lifted(cam))  # set once the audit row is committed

        # An alert raised anywhere pops its camera into the first (largest) cell.
        other = wall_cameras["h3"]
        panel.apply_changes(
            ChangeSet(
                Operation.ALERT_RAISED,
                None,
                (change(Entity.CAMERA_ALERT, ChangeAction.CREATED, 999),),
                extra=(("camera_id", str(other.id)), ("device_id", other.device_id)),
            )
        )
        await until(lambda: panel.arrangement.on_page()[0] == other)

    try:
        run_scenario(qloop, scenario())
    finally:
        panel.close_panel()
        alerts.close()
        evidence.close()
        closed = live.close()
    assert closed.clean
