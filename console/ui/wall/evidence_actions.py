"""What the wall offers on a tile's camera: snapshot, instant replay, export, zones and masks."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QDialog,
    QInputDialog,
    QMenu,
    QVBoxLayout,
    QWidget,
)

from console.core.codes import ZoneKind
from console.core.records import CameraRecord
from console.core.zones import Polygon, ZoneRecord, may_edit_zones, may_lift_masks
from console.services.evidence import EvidenceService
from console.services.live_wall import LiveWallService
from console.services.masks import MaskService
from console.ui.tasks import TaskGroup
from console.ui.wall.zone_editor import ZoneEditor
from console.ui.widgets.video_tile import VideoTile

REPLAY_PAINT_MS = 40
EXPORT_DEFAULT_S = 20


class ReplayDialog(QDialog):
    """Plays a replay file through the normal decode path in one tile, until closed."""

    def __init__(
        self, live: LiveWallService, camera: CameraRecord, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Instant replay — %1").replace("%1", camera.name))
        self.resize(960, 580)
        self._live = live
        self._camera = camera
        self.tile = VideoTile(0)
        self.tile.zoomable = True
        layout = QVBoxLayout(self)
        layout.addWidget(self.tile)
        self._timer = QTimer(self)
        self._timer.setInterval(REPLAY_PAINT_MS)
        self._timer.timeout.connect(self.tile.refresh)
        feed = live.open(camera, 960, 540)
        if feed is not None:
            self.tile.attach(feed.slot, self.windowTitle())
            self.tile.set_status(None, self.tr("Replay of the last 30 s, looping"))
            self._timer.start()
        self.tile.resized.connect(lambda s: live.resize(camera, s.width(), s.height()))
        self.finished.connect(self._stop)

    def _stop(self) -> None:
        self._timer.stop()
        self._live.close_feed(self._camera)


class EvidenceActions(QObject):
    """Adds evidence and zone actions to a tile's menu and runs them; outcomes are said."""

    said = Signal(str, bool)  # text, is_error

    def __init__(
        self,
        live: LiveWallService,
        evidence: EvidenceService | None,
        masks: MaskService | None,
        reason_of: Callable[[CameraRecord], str],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._live = live
        self._evidence = evidence
        self._masks = masks
        self._reason_of = reason_of
        self._parent = parent
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(lambda text: self.said.emit(text, True))
        self.replays: list[ReplayDialog] = []

    def add_to_menu(self, menu: QMenu, camera: CameraRecord, tile: VideoTile) -> None:
        if self._evidence is not None:
            menu.addSeparator()
            menu.addAction(self.tr("Snapshot"), lambda: self.snapshot(camera))
            menu.addAction(self.tr("Instant replay (30 s)"), lambda: self.replay(camera))
            menu.addAction(self.tr("Export clip…"), lambda: self._ask_export(camera))
        if self._masks is None:
            return
        role = self._masks.operator.role
        if may_edit_zones(role):
            menu.addAction(
                self.tr("Masks and motion zones…"), lambda: self.edit_zones(camera, tile)
            )
        if may_lift_masks(role):
            if self._masks.is_lifted(camera):
                menu.addAction(self.tr("Restore privacy mask"), lambda: self.restore_mask(camera))
            else:
                menu.addAction(self.tr("Lift privacy mask…"), lambda: self._ask_lift(camera))

    # --- evidence

    def snapshot(self, camera: CameraRecord) -> None:
        assert self._evidence is not None
        self._tasks.start(
            self._evidence.snapshot(camera, reason=self._reason_of(camera)),
            lambda asset: self.said.emit(
                self.tr("Snapshot saved: %1 (SHA-256 %2…)")
                .replace("%1", str(asset.path))
                .replace("%2", asset.sha256[:12]),
                False,
            ),
        )

    def replay(self, camera: CameraRecord) -> None:
        assert self._evidence is not None

        def play(path: object) -> None:
            replay_camera = replace(
                camera,
                id=-camera.id,
                device_id=f"replay-{camera.device_id}",
                main_url=None,
                sub_url=path.as_uri(),  # type: ignore[attr-defined]
            )
            dialog = ReplayDialog(self._live, replay_camera, self._parent)
            self.replays.append(dialog)
            dialog.finished.connect(lambda _r: self.replays.remove(dialog))
            dialog.open()

        self._tasks.start(
            self._evidence.instant_replay(camera, reason=self._reason_of(camera)), play
        )

    def _ask_export(self, camera: CameraRecord) -> None:
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle(self.tr("Export clip"))
        dialog.setLabelText(self.tr("Export the last how many seconds (at most 30)?"))
        dialog.setInputMode(QInputDialog.InputMode.IntInput)
        dialog.setIntRange(2, 30)
        dialog.setIntValue(EXPORT_DEFAULT_S)
        dialog.intValueSelected.connect(lambda s: self.export_last(camera, s))
        dialog.open()

    def export_last(self, camera: CameraRecord, seconds: int, case_id: int | None = None) -> None:
        assert self._evidence is not None
        end = datetime.now(UTC).replace(tzinfo=None)
        start = end - timedelta(seconds=seconds)
        self._tasks.start(
            self._evidence.export_clip(
                camera, start, end, case_id=case_id, reason=self._reason_of(camera)
            ),
            lambda asset: self.said.emit(
                self.tr("Clip exported: %1 (%2 s, SHA-256 %3…)")
                .replace("%1", str(asset.path))
                .replace("%2", f"{asset.duration_s or 0:.0f}")
                .replace("%3", asset.sha256[:12]),
                False,
            ),
        )

    # --- masks and zones

    def _ask_lift(self, camera: CameraRecord) -> None:
        dialog = QInputDialog(self._parent)
        dialog.setWindowTitle(self.tr("Lift privacy mask"))
        dialog.setLabelText(
            self.tr("Lifting the mask of “%1” is recorded. State the reason:").replace(
                "%1", camera.name
            )
        )
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.lift_mask(camera, text.strip())
        )
        dialog.open()

    def lift_mask(self, camera: CameraRecord, reason: str) -> None:
        assert self._masks is not None
        self._tasks.start(
            self._masks.lift_mask(camera, reason),
            lambda _r: self.said.emit(
                self.tr("Privacy mask of %1 lifted on this console").replace("%1", camera.name),
                False,
            ),
        )

    def restore_mask(self, camera: CameraRecord) -> None:
        assert self._masks is not None
        self._tasks.start(
            self._masks.restore_mask(camera),
            lambda _r: self.said.emit(
                self.tr("Privacy mask of %1 restored").replace("%1", camera.name), False
            ),
        )

    def edit_zones(self, camera: CameraRecord, tile: VideoTile) -> ZoneEditor:
        assert self._masks is not None
        masks = self._masks
        still = tile.current_image() or QImage(640, 360, QImage.Format.Format_RGB32)
        editor = ZoneEditor(camera.name, still, self._parent)

        generation = [0]

        def reload() -> None:
            # Reads may finish out of order (several reader threads): only the newest
            # reload may fill the list, or the opening read could undo a save's.
            generation[0] += 1
            mine = generation[0]

            def show(zones: list[ZoneRecord]) -> None:
                if mine == generation[0]:
                    editor.set_zones(zones)

            self._tasks.start(masks.zones(camera), show)

        def save(kind: ZoneKind, name: str, points: Polygon, sensitivity: int) -> None:
            self._tasks.start(
                masks.add_zone(camera, kind, points, name=name, sensitivity=sensitivity),
                lambda _z: reload(),
            )

        editor.save_requested.connect(save)
        editor.delete_requested.connect(
            lambda zone_id: self._tasks.start(masks.delete_zone(zone_id), lambda _r: reload())
        )
        reload()
        editor.open()
        return editor

    def close(self) -> None:
        self._tasks.cancel_all()
        for dialog in list(self.replays):
            dialog.close()
