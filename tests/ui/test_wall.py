"""The wall with real decoding: a clip plays in a tile, views are audited, hidden tiles pause."""

from __future__ import annotations

import pytest

from console.core.codes import AuditAction
from console.core.tile_health import TileHealth
from console.services.live_wall import LiveWallService
from console.services.surveillance import SurveillanceService
from console.store.repos import audit
from console.ui.wall.panel import WallPanel
from tests.ui.conftest import Workspace, open_wall, run_until


def test_live_tile_plays_and_view_is_audited(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    panel.show_camera(wall_cameras["1"], 0)
    tile = panel.tiles[0]
    run_until(qloop, lambda: tile.painted_frames > 10 and tile.health is TileHealth.LIVE)
    assert "fps" in tile.status_text

    def views(session):  # type: ignore[no-untyped-def]
        return [e for e in audit.recent(session, 50) if e.action == AuditAction.VIEW_LIVE.code]

    run_until(qloop, lambda: len(workspace.store.read_sync(views)) == 1)
    assert workspace.store.read_sync(views)[0].target_id == wall_cameras["1"].device_id

    # A camera without a stream says so on its tile.
    panel.show_camera(wall_cameras["3"], 1)
    assert "未配置" in panel.tiles[1].status_text or "no video stream" in panel.tiles[1].status_text

    panel.close_panel()
    assert live.close().clean


def test_sensitive_camera_needs_a_reason(qloop, workspace: Workspace, wall_cameras) -> None:  # type: ignore[no-untyped-def]
    service = SurveillanceService(workspace.store, workspace.duty)
    with pytest.raises(PermissionError, match="事由"):
        qloop.run_until_complete(service.record_live_view(wall_cameras["2"]))
    qloop.run_until_complete(service.record_live_view(wall_cameras["2"], "协查走失老人"))
    last = workspace.store.read_sync(lambda s: audit.recent(s, 1))[0]
    assert last.detail == "协查走失老人" and last.target_id == wall_cameras["2"].device_id


def test_hidden_tile_is_paused_and_off_page_is_closed(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = open_wall(qtbot, workspace, live)
    panel.show_camera(wall_cameras["1"], 3)
    run_until(qloop, lambda: panel.tiles[3].painted_frames > 3)
    cam = wall_cameras["1"]
    # Focus on another tile: this one is hidden, its decoder pauses.
    panel.toggle_focus(0)
    run_until(qloop, lambda: (s := live.stats(cam)) is not None and s.paused)
    panel.toggle_focus(0)
    run_until(qloop, lambda: (s := live.stats(cam)) is not None and not s.paused)
    # One tile per page: the camera at cell 3 is on page 4, so page 1 does not decode it.
    panel.set_layout(1)
    assert live.stats(cam) is None
    panel.set_layout(4)
    run_until(qloop, lambda: (s := live.stats(cam)) is not None and not s.paused)
    panel.close_panel()
    assert live.close().clean


def test_search_by_pinyin_initials(qtbot, qloop, workspace: Workspace, wall_cameras) -> None:  # type: ignore[no-untyped-def]
    live = LiveWallService()
    panel = WallPanel(SurveillanceService(workspace.store, workspace.duty), live)
    qtbot.addWidget(panel)
    panel.search.setText("bjgy")
    run_until(qloop, lambda: panel.results.count() == 1)
    assert "滨江公园" in panel.results.item(0).text()
    panel.close_panel()
    live.close()


class _Overloaded(LiveWallService):
    """The real service, reporting the cap its overload governor sets when decoders fall
    behind (making a CI machine fall behind on purpose would not be reliable)."""

    @property
    def overload_cap(self) -> float | None:
        return 0.37


def test_overload_notice_is_short_and_never_widens_the_wall(
    qtbot, qloop, workspace: Workspace, wall_cameras
) -> None:  # type: ignore[no-untyped-def]
    live = _Overloaded()
    panel = open_wall(qtbot, workspace, live)
    narrowest = panel.minimumSizeHint().width()
    panel.show_camera(wall_cameras["1"], 0)
    label = panel.live_label
    run_until(qloop, lambda: "过载降帧" in label.text() or "Overloaded" in label.text())
    assert "0.37" in label.toolTip()
    # A status text of any length may be cut short but must not push the window wider
    # than the screen (a longer notice widened a 4K big screen's window to 4405 px).
    label.setText(label.text() + " · " + "很长的状态" * 80)
    assert panel.minimumSizeHint().width() <= narrowest
    panel.close_panel()
    assert live.close().clean
