"""The wall screen: the camera tree by region and grid, search, and a grid of live tiles."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer
from PySide6.QtWidgets import (
    QButtonGroup,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.core.records import CameraRecord
from console.core.tile_health import TileHealth
from console.services.live_wall import LiveWallService
from console.services.surveillance import SurveillanceService
from console.ui.models.region_tree_model import CAMERA_ROLE, RegionTreeModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.video_tile import VideoTile

LAYOUTS = (1, 4, 9, 16)
PAINT_INTERVAL_MS = 40  # 25 Hz: the rate the wall paints at, whatever the cameras send
STATUS_INTERVAL_MS = 500
SEARCH_PAUSE_MS = 200


class WallPanel(QWidget):
    def __init__(
        self,
        service: SurveillanceService,
        live: LiveWallService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wall-panel")
        self._service = service
        self._live = live
        self._tasks = TaskGroup(self)
        self._cameras: dict[int, CameraRecord] = {}  # tile index -> camera
        self._selected_tile = 0
        self._layout_n = 9

        self.tree_model = RegionTreeModel(service, self)
        self.tree = QTreeView()
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.doubleClicked.connect(self._on_tree_activated)
        # Open the city and its districts as soon as they load: an operator starts there.
        self.tree_model.children_loaded.connect(self._expand_top_levels)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search name, code, address or pinyin initials"))
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget()
        self.results.itemDoubleClicked.connect(self._on_result_activated)
        self.left_stack = QStackedWidget()
        self.left_stack.addWidget(self.tree)
        self.left_stack.addWidget(self.results)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Cameras by region and grid"))
        title.setProperty("role", "section")
        lv.addWidget(title)
        lv.addWidget(self.search)
        lv.addWidget(self.left_stack, 1)

        bar = QHBoxLayout()
        self.layout_buttons = QButtonGroup(self)
        for n in LAYOUTS:
            b = QPushButton(self.tr("%n tile(s)", "", n))
            b.setCheckable(True)
            b.setChecked(n == self._layout_n)
            self.layout_buttons.addButton(b, n)
            bar.addWidget(b)
        self.layout_buttons.idClicked.connect(self.set_layout)
        bar.addStretch(1)
        self.live_label = QLabel()
        bar.addWidget(self.live_label)

        self.grid_host = QWidget()
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(2)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: list[VideoTile] = []
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(bar)
        rv.addWidget(self.grid_host, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([340, 1500])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self._build_tiles()

        self._paint_timer = QTimer(self)
        self._paint_timer.setInterval(PAINT_INTERVAL_MS)
        self._paint_timer.timeout.connect(self._paint_tick)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self._status_tick)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())

    def _expand_top_levels(self, parent: QModelIndex) -> None:
        depth = 0
        walk = parent
        while walk.isValid():
            depth += 1
            walk = walk.parent()
        if depth == 0:
            for row in range(self.tree_model.rowCount(parent)):
                self.tree.expand(self.tree_model.index(row, 0, parent))

    # --- layout and tiles

    def _build_tiles(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item and item.widget():
                item.widget().setParent(None)
        side = int(math.sqrt(self._layout_n))
        while len(self.tiles) < self._layout_n:
            tile = VideoTile(len(self.tiles))
            tile.resized.connect(lambda size, t=tile: self._tile_resized(t, size))
            tile.activated.connect(lambda t=tile: self._select_tile(t.index))
            self.tiles.append(tile)
        for i, tile in enumerate(self.tiles):
            camera = self._cameras.get(i)
            if i < self._layout_n:
                self.grid.addWidget(tile, i // side, i % side)
                tile.show()
                if camera is not None:
                    # Back on the page: decode again (a resize event follows if the size changed).
                    self._live.resize(camera, max(1, tile.width()), max(1, tile.height()))
            else:
                tile.hide()
                # Off-page tiles are not decoded.
                if camera is not None:
                    self._live.resize(camera, 0, 0)

    def set_layout(self, n: int) -> None:
        if n not in LAYOUTS:
            raise ValueError(f"unsupported layout {n}")
        self._layout_n = n
        button = self.layout_buttons.button(n)
        if button is not None:
            button.setChecked(True)
        self._build_tiles()

    def _select_tile(self, index: int) -> None:
        self._selected_tile = index
        for t in self.tiles:
            t.selected = t.index == index
            t.update()

    def _tile_resized(self, tile: VideoTile, size: QSize) -> None:
        camera = self._cameras.get(tile.index)
        if camera is not None and tile.isVisible():
            self._live.resize(camera, size.width(), size.height())

    def show_camera(
        self, camera: CameraRecord, tile_index: int | None = None, reason: str = ""
    ) -> None:
        index = self._free_tile() if tile_index is None else tile_index
        old = self._cameras.pop(index, None)
        if old is not None and old.id != camera.id:
            self._live.close_feed(old)
        tile = self.tiles[index]
        feed = self._live.open(camera, tile.width(), tile.height())
        if feed is None:
            tile.detach(self.tr("%1: no video stream configured").replace("%1", camera.name))
            return
        self._cameras[index] = camera
        tile.attach(feed.slot, camera.name)
        self._tasks.start(self._service.record_live_view(camera, reason))
        self._select_tile((index + 1) % self._layout_n)

    def _free_tile(self) -> int:
        for i in range(self._layout_n):
            if i not in self._cameras:
                return i
        return self._selected_tile

    def _open_with_reason(self, camera: CameraRecord) -> None:
        if not camera.sensitive:
            self.show_camera(
                camera, self._selected_tile if self._selected_tile in self._cameras else None
            )
            return
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Sensitive camera"))
        dialog.setLabelText(
            self.tr("“%1” is a sensitive location. State the reason for viewing:").replace(
                "%1", camera.name
            )
        )
        dialog.textValueSelected.connect(
            lambda text: text.strip() and self.show_camera(camera, reason=text)
        )
        dialog.open()

    def _on_tree_activated(self, index: QModelIndex) -> None:
        camera = self.tree_model.data(index, CAMERA_ROLE)
        if camera is not None:
            self._open_with_reason(camera)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        camera = item.data(Qt.ItemDataRole.UserRole)
        if camera is not None:
            self._open_with_reason(camera)

    def _run_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            self.left_stack.setCurrentWidget(self.tree)
            return

        def show(found: list[CameraRecord]) -> None:
            self.results.clear()
            for cam in found:
                item = QListWidgetItem(f"{cam.name}\n{cam.device_id} · {cam.address}")
                item.setData(Qt.ItemDataRole.UserRole, cam)
                self.results.addItem(item)
            if not found:
                self.results.addItem(self.tr("No camera matches"))
            self.left_stack.setCurrentWidget(self.results)

        self._tasks.start(self._service.search(text), show)

    # --- timers

    def _paint_tick(self) -> None:
        for tile in self.tiles[: self._layout_n]:
            tile.refresh()

    def _status_tick(self) -> None:
        live = 0
        for index, camera in self._cameras.items():
            stats = self._live.stats(camera)
            tile = self.tiles[index]
            if stats is None:
                continue
            if stats.health is TileHealth.LIVE:
                live += 1
            age = stats.last_frame_age_s
            rate = f"{stats.fps:.0f} fps · {stats.bitrate_kbps:.0f} kbps"
            text = f"{self.health_text(stats.health)} · {rate}"
            if age is not None and stats.health is not TileHealth.LIVE:
                text += " · " + self.tr("last frame %1 s ago").replace("%1", f"{age:.0f}")
            if stats.last_error and stats.health is not TileHealth.LIVE:
                text += f" · {stats.last_error}"
            tile.set_status(stats.health, text)
        self.live_label.setText(
            self.tr("Live: %1 / %2").replace("%1", str(live)).replace("%2", str(len(self._cameras)))
        )

    def health_text(self, health: TileHealth) -> str:
        return {
            TileHealth.CONNECTING: self.tr("Connecting"),
            TileHealth.LIVE: self.tr("Live"),
            TileHealth.STALE: self.tr("Stale"),
            TileHealth.FROZEN: self.tr("Frozen"),
            TileHealth.RECONNECTING: self.tr("Reconnecting"),
            TileHealth.OFFLINE: self.tr("Offline"),
            TileHealth.DENIED: self.tr("Access denied"),
        }[health]

    # --- lifecycle

    def load(self) -> None:
        self._paint_timer.start()
        self._status_timer.start()

    def fill_with_live_cameras(self) -> None:
        """The demo's opening view: the cameras that really stream, on the wall."""

        def place(cameras: list[CameraRecord]) -> None:
            usable = [c for c in cameras if not c.sensitive][: self._layout_n]
            for i, cam in enumerate(usable):
                self.show_camera(cam, i)

        self._tasks.start(self._service.live_capable(), place)

    def close_panel(self) -> None:
        self._paint_timer.stop()
        self._status_timer.stop()
        self._search_timer.stop()
        self._tasks.cancel_all()
        self.tree_model.close()
        for camera in self._cameras.values():
            self._live.close_feed(camera)
        self._cameras.clear()
