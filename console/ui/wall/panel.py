"""The wall screen: camera tree and search, saved views and tours, and the wall of live tiles."""

from __future__ import annotations

import time

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer
from PySide6.QtGui import QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.core.decode_budget import Stream, TileRole
from console.core.events import ChangeSet, Entity, Operation
from console.core.live_lag import CatchUpNotice
from console.core.records import CameraRecord, WallViewRecord
from console.core.tile_health import TileHealth
from console.core.wall_arrangement import WallArrangement
from console.core.wall_layouts import DEFAULT_LAYOUT, LAYOUTS
from console.services.alerts import AlertService
from console.services.catalogue import CatalogueService
from console.services.evidence import EvidenceService
from console.services.live_wall import LiveWallService, ScreenTile
from console.services.masks import MaskService
from console.services.surveillance import SurveillanceService
from console.services.wall_views import WallViewService
from console.ui import theme
from console.ui.models.record_list_model import Column, RecordListModel
from console.ui.models.region_tree_model import CAMERA_ROLE, RegionTreeModel
from console.ui.tasks import TaskGroup
from console.ui.wall.alert_list import AlertList
from console.ui.wall.catalogue_tab import CatalogueTab
from console.ui.wall.evidence_actions import EvidenceActions
from console.ui.wall.wall_surface import WallSurface, WallWindow
from console.ui.wall.wall_tile import WallTile
from console.ui.widgets.video_tile import PAINT_INTERVAL_MS, health_text

STATUS_INTERVAL_MS = 500
SEARCH_PAUSE_MS = 200
BUDGET_INTERVAL_MS = 1000
MIN_TOUR_S = 5
# Layouts up to this many tiles are "visible" tiles for the decode budget; bigger walls
# are background tiles that degrade first (except the large cell of a 1+N layout).
SMALL_WALL = 9


class WallPanel(QWidget):
    def __init__(
        self,
        service: SurveillanceService,
        live: LiveWallService,
        views: WallViewService | None = None,
        *,
        evidence: EvidenceService | None = None,
        masks: MaskService | None = None,
        alerts: AlertService | None = None,
        catalogue: CatalogueService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("wall-panel")
        self._service = service
        self._live = live
        self._views = views
        self._alerts = alerts
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(lambda text: self.say(text, error=True))
        self.arrangement: WallArrangement[CameraRecord] = WallArrangement(DEFAULT_LAYOUT)
        self._shown: dict[int, CameraRecord] = {}  # tile index -> camera on it now
        self._catch_up: dict[int, CatchUpNotice] = {}  # camera id -> its notice
        self._open: dict[int, CameraRecord] = {}  # camera id -> cameras with a running feed
        self._viewed: set[int] = set()  # camera ids audited as viewed and still on screen
        self._reasons: dict[int, str] = {}  # camera id -> stated reason (sensitive cameras)
        self._selected_tile = 0
        self._focus: int | None = None
        self._wall_window: WallWindow | None = None
        self.current_view: WallViewRecord | None = None

        self.tabs = QTabWidget()
        # Four short tabs fit side by side; scroll arrows would hide the first one.
        self.tabs.setUsesScrollButtons(False)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.tabs.addTab(self._build_camera_tab(), self.tr("Cameras"))
        self.catalogue_tab: CatalogueTab | None = None
        if catalogue is not None:
            self.catalogue_tab = CatalogueTab(catalogue)
            self.catalogue_tab.camera_activated.connect(self._place_activated)
            self.catalogue_tab.cameras_to_wall.connect(self.show_cameras_as_pages)
            self.catalogue_tab.said.connect(lambda text, error: self.say(text, error=error))
            self.tabs.addTab(self.catalogue_tab, self.tr("Favourites and groups"))
        self.tabs.addTab(self._build_views_tab(), self.tr("Views"))
        self.alert_list: AlertList | None = None
        if alerts is not None:
            self.alert_list = AlertList(alerts)
            self.alert_list.camera_requested.connect(self.show_camera_by_id)
            self._alert_tab = self.tabs.addTab(self.alert_list, self.tr("Alerts"))
            self.alert_list.model.loaded.connect(self._update_alert_tab)
        self.tile_actions = EvidenceActions(live, evidence, masks, self._reason_for, self)
        self.tile_actions.said.connect(lambda text, error: self.say(text, error=error))
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.surface = WallSurface()
        self.tiles: list[WallTile] = self.surface.tiles
        self.wall_host = QStackedWidget()
        self.wall_host.addWidget(self.surface)
        self.pushed_label = QLabel()
        self.pushed_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pushed_label.setProperty("role", "muted")
        self.wall_host.addWidget(self.pushed_label)

        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        rv.addLayout(self._build_toolbar())
        rv.addWidget(self.wall_host, 1)
        rv.addWidget(self.notice)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(right)
        split.setStretchFactor(1, 1)
        split.setSizes([400, 1500])
        layout = QVBoxLayout(self)
        layout.addWidget(split)

        self._paint_timer = QTimer(self)
        self._paint_timer.setInterval(PAINT_INTERVAL_MS)
        self._paint_timer.timeout.connect(self._paint_tick)
        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_INTERVAL_MS)
        self._status_timer.timeout.connect(self._status_tick)
        self._budget_timer = QTimer(self)
        self._budget_timer.setInterval(BUDGET_INTERVAL_MS)
        self._budget_timer.timeout.connect(self.apply_budget)
        self._tour_timer = QTimer(self)
        self._tour_ms = 0
        self._tour_timer.timeout.connect(self._tour_tick)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._run_search)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self._arrange()

    # --- building

    def _build_camera_tab(self) -> QWidget:
        self.tree_model = RegionTreeModel(self._service, self)
        self.tree = QTreeView()
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.tree_model)
        self.tree.setUniformRowHeights(True)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
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
        tab = QWidget()
        lv = QVBoxLayout(tab)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Cameras by region and grid"))
        title.setProperty("role", "section")
        lv.addWidget(title)
        lv.addWidget(self.search)
        lv.addWidget(self.left_stack, 1)
        hint = QLabel(self.tr("Double-click or drag a camera onto a tile"))
        hint.setProperty("role", "muted")
        hint.setWordWrap(True)
        lv.addWidget(hint)
        return tab

    def _build_views_tab(self) -> QWidget:
        tab = QWidget()
        lv = QVBoxLayout(tab)
        lv.setContentsMargins(0, 0, 0, 0)
        self.views_model: RecordListModel[WallViewRecord] = RecordListModel(
            entity=Entity.WALL_VIEW,
            columns=[
                Column(lambda: self.tr("View"), lambda v: v.name),
                Column(lambda: self.tr("Layout"), lambda v: self.layout_text(v.layout)),
                Column(
                    lambda: self.tr("Cameras"), lambda v: str(sum(1 for c in v.camera_ids if c))
                ),
                Column(lambda: self.tr("Tour"), self._tour_text),
            ],
            load_all=self._load_views,
            load_ids=self._load_view_ids,
            parent=self,
        )
        self.views_table = QTableView()
        self.views_table.setModel(self.views_model)
        self.views_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.views_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.views_table.verticalHeader().hide()
        self.views_table.horizontalHeader().setStretchLastSection(True)
        self.views_table.doubleClicked.connect(
            lambda i: self.open_view(self.views_model.record(i.row()))
        )
        lv.addWidget(self.views_table, 1)
        row = QHBoxLayout()
        self.open_view_button = QPushButton(self.tr("Open"))
        self.open_view_button.clicked.connect(self._open_selected_view)
        self.delete_view_button = QPushButton(self.tr("Delete"))
        self.delete_view_button.clicked.connect(self._delete_selected_view)
        row.addWidget(self.open_view_button)
        row.addWidget(self.delete_view_button)
        row.addStretch(1)
        lv.addLayout(row)
        return tab

    def _build_toolbar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        self.layout_combo = QComboBox()
        for code in LAYOUTS:
            self.layout_combo.addItem(self.layout_text(code), code)
        self.layout_combo.setCurrentIndex(list(LAYOUTS).index(DEFAULT_LAYOUT))
        self.layout_combo.activated.connect(
            lambda i: self.set_layout(str(self.layout_combo.itemData(i)))
        )
        bar.addWidget(QLabel(self.tr("Layout")))
        bar.addWidget(self.layout_combo)

        self.prev_page_button = QToolButton()
        self.prev_page_button.setText("◀")
        self.prev_page_button.setToolTip(self.tr("Previous page (Page Up)"))
        self.prev_page_button.clicked.connect(self.previous_page)
        self.page_label = QLabel()
        self.next_page_button = QToolButton()
        self.next_page_button.setText("▶")
        self.next_page_button.setToolTip(self.tr("Next page (Page Down)"))
        self.next_page_button.clicked.connect(self.next_page)
        bar.addWidget(self.prev_page_button)
        bar.addWidget(self.page_label)
        bar.addWidget(self.next_page_button)

        bar.addWidget(QLabel(self.tr("Tour every")))
        self.tour_spin = QSpinBox()
        self.tour_spin.setRange(MIN_TOUR_S, 3600)
        self.tour_spin.setValue(20)
        self.tour_spin.setSuffix(self.tr(" s"))
        bar.addWidget(self.tour_spin)
        self.tour_button = QPushButton(self.tr("Start tour"))
        self.tour_button.setCheckable(True)
        self.tour_button.toggled.connect(self._tour_toggled)
        bar.addWidget(self.tour_button)

        self.save_view_button = QPushButton(self.tr("Save view…"))
        self.save_view_button.clicked.connect(self._ask_view_name)
        self.save_view_button.setEnabled(self._views is not None)
        bar.addWidget(self.save_view_button)
        self.clear_button = QPushButton(self.tr("Clear wall"))
        self.clear_button.clicked.connect(self.clear_wall)
        bar.addWidget(self.clear_button)

        bar.addStretch(1)
        self.live_label = QLabel()
        # Its text changes with the wall's state: it may be cut short, but must never make
        # the window wider than the screen (a longer notice did, on a 4K big screen).
        self.live_label.setMinimumWidth(1)
        bar.addWidget(self.live_label)
        self.fullscreen_button = QPushButton(self.tr("Full screen"))
        self.fullscreen_button.setToolTip(self.tr("Show the wall alone, full screen (Esc returns)"))
        self.fullscreen_button.clicked.connect(lambda: self.push_to_screen(None))
        bar.addWidget(self.fullscreen_button)
        self.push_button = QToolButton()
        self.push_button.setText(self.tr("Push to screen"))
        self.push_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.push_menu = QMenu(self.push_button)
        self.push_menu.aboutToShow.connect(self._fill_push_menu)
        self.push_button.setMenu(self.push_menu)
        bar.addWidget(self.push_button)
        return bar

    def layout_text(self, code: str) -> str:
        if "+" in code:
            return self.tr("%1 split").replace("%1", code)
        return self.tr("%n tile(s)", "", int(code))

    def _tour_text(self, view: WallViewRecord) -> str:
        if not view.tour_interval_s:
            return self.tr("off")
        return self.tr("every %1 s").replace("%1", str(view.tour_interval_s))

    def _expand_top_levels(self, parent: QModelIndex) -> None:
        depth = 0
        walk = parent
        while walk.isValid():
            depth += 1
            walk = walk.parent()
        if depth == 0:
            for row in range(self.tree_model.rowCount(parent)):
                self.tree.expand(self.tree_model.index(row, 0, parent))

    # --- tiles and layout

    def _wire_new_tiles(self, tiles: list[WallTile]) -> None:
        for tile in tiles:
            tile.resized.connect(lambda size, t=tile: self._tile_resized(t, size))
            tile.activated.connect(lambda t=tile: self._select_tile(t.index))
            tile.double_clicked.connect(lambda t=tile: self.toggle_focus(t.index))
            tile.cameras_dropped.connect(lambda cams, t=tile: self._dropped(t.index, cams))
            tile.tile_dropped.connect(lambda source, t=tile: self._swap(source, t.index))
            tile.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tile.customContextMenuRequested.connect(lambda _p, t=tile: self._tile_menu(t))

    def _arrange(self) -> None:
        self._wire_new_tiles(self.surface.ensure_tiles(self.arrangement.page_size))
        self.surface.arrange(self.arrangement.layout_code, self._focus)
        self._sync_feeds()

    def set_layout(self, code: str | int) -> None:
        code = str(code)
        if code not in LAYOUTS:
            raise ValueError(f"unsupported layout {code}")
        self._focus = None
        self.arrangement.set_layout(code)
        self.layout_combo.setCurrentIndex(list(LAYOUTS).index(code))
        self._arrange()

    @property
    def layout_code(self) -> str:
        return self.arrangement.layout_code

    def _select_tile(self, index: int) -> None:
        self._selected_tile = index
        for t in self.tiles:
            selected = t.index == index
            if t.selected != selected:
                t.selected = selected
                t.update()

    def toggle_focus(self, index: int) -> None:
        """Double-click: one tile fills the wall (and gets the better stream); again to return."""
        self._focus = None if self._focus is not None else index
        self._arrange()

    @property
    def focused_tile(self) -> int | None:
        return self._focus

    def _tile_resized(self, tile: WallTile, size: QSize) -> None:
        camera = self._shown.get(tile.index)
        if camera is not None and tile.isVisible():
            self._live.resize(camera, size.width(), size.height())

    def _visible_tiles(self) -> list[int]:
        if self._focus is not None:
            return [self._focus]
        return list(range(self.arrangement.page_size))

    def _sync_feeds(self) -> None:
        """Bring tiles, decoders and the view audit in line with the arrangement and page."""
        page = self.arrangement.on_page()
        visible = set(self._visible_tiles())
        wanted: dict[int, CameraRecord] = {}
        now_viewed: set[int] = set()
        for index, camera in enumerate(page):
            tile = self.tiles[index]
            if camera is None:
                if index in self._shown:
                    del self._shown[index]
                    tile.detach()
                continue
            on_screen = index in visible
            width, height = (tile.width(), tile.height()) if on_screen else (0, 0)
            feed = self._live.open(camera, max(0, width), max(0, height))
            if feed is None:
                self._shown.pop(index, None)
                tile.detach(self.tr("%1: no video stream configured").replace("%1", camera.name))
                continue
            wanted[camera.id] = camera
            if self._shown.get(index) != camera:
                tile.attach(feed.slot, camera.name)
                self._shown[index] = camera
            if on_screen:
                now_viewed.add(camera.id)
        # The tour's next page connects early, paused, so that it shows at once.
        if self.tour_running:
            for camera in self.arrangement.upcoming():
                fresh = camera is not None and camera.id not in wanted
                if fresh and self._live.open(camera, 0, 0) is not None:  # type: ignore[arg-type]
                    wanted[camera.id] = camera  # type: ignore[union-attr]
        for camera_id, camera in list(self._open.items()):
            if camera_id not in wanted:
                self._live.close_feed(camera)
        self._open = wanted
        for camera_id in now_viewed - self._viewed:
            camera = wanted[camera_id]
            self._tasks.start(
                self._service.record_live_view(camera, self._reasons.get(camera.id, ""))
            )
        self._viewed = now_viewed
        self._update_page_label()

    def _update_page_label(self) -> None:
        count = self.arrangement.page_count
        self.page_label.setText(
            self.tr("Page %1/%2")
            .replace("%1", str(self.arrangement.page + 1))
            .replace("%2", str(count))
        )
        self.prev_page_button.setEnabled(count > 1)
        self.next_page_button.setEnabled(count > 1)

    # --- placing cameras

    def show_camera(
        self, camera: CameraRecord, tile_index: int | None = None, reason: str = ""
    ) -> None:
        """Put a camera on a tile of the current page (the first free one when not given)."""
        if reason.strip():
            self._reasons[camera.id] = reason.strip()
        if camera.sensitive and camera.id not in self._reasons:
            raise PermissionError(f"“{camera.name}”为敏感点位，查看须填写事由")
        if tile_index is None:
            free = self.arrangement.first_free_on_page()
            tile_index = self._selected_tile if free is None else free
        self.arrangement.place_on_page(camera, tile_index)
        self._sync_feeds()
        self._select_tile((tile_index + 1) % self.arrangement.page_size)

    def _with_reason(self, cameras: list[CameraRecord], then: object) -> None:
        """Run `then()` once every sensitive camera among `cameras` has a stated reason."""
        missing = [c for c in cameras if c.sensitive and c.id not in self._reasons]
        if not missing:
            then()  # type: ignore[operator]
            return
        names = "、".join(c.name for c in missing[:5]) + ("…" if len(missing) > 5 else "")
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Sensitive camera"))
        dialog.setLabelText(
            self.tr("“%1” is a sensitive location. State the reason for viewing:").replace(
                "%1", names
            )
        )

        def accepted(text: str) -> None:
            if not text.strip():
                return
            for c in missing:
                self._reasons[c.id] = text.strip()
            then()  # type: ignore[operator]

        dialog.textValueSelected.connect(accepted)
        dialog.open()

    def _place_activated(self, camera: CameraRecord) -> None:
        target = self._selected_tile if self.arrangement.on_page()[self._selected_tile] else None
        self._with_reason([camera], lambda: self.show_camera(camera, target))

    def _dropped(self, tile_index: int, cameras: list[CameraRecord]) -> None:
        def place() -> None:
            size = self.arrangement.page_size
            for offset, camera in enumerate(cameras[:size]):
                self.arrangement.place_on_page(camera, (tile_index + offset) % size)
            self._sync_feeds()

        self._with_reason(cameras, place)

    def _swap(self, source: int, target: int) -> None:
        self.arrangement.swap_on_page(source, target)
        self._sync_feeds()

    def remove_from_tile(self, index: int) -> None:
        self.arrangement.remove_on_page(index)
        if self._focus == index:
            self._focus = None
            self.surface.arrange(self.arrangement.layout_code)
        self._sync_feeds()

    def clear_wall(self) -> None:
        self.tour_button.setChecked(False)
        self.arrangement.clear()
        self.current_view = None
        self._focus = None
        self._arrange()

    def _tile_menu(self, tile: WallTile) -> None:
        menu = QMenu(self)
        camera = self._shown.get(tile.index)
        if camera is not None:
            menu.addAction(self.tr("Remove from wall"), lambda: self.remove_from_tile(tile.index))
        focus_text = self.tr("Back to the wall") if self._focus is not None else self.tr("Focus")
        menu.addAction(focus_text, lambda: self.toggle_focus(tile.index))
        if tile.zoom > 1.0:
            menu.addAction(self.tr("Reset zoom"), tile.reset_zoom)
        if camera is not None:
            self.tile_actions.add_to_menu(menu, camera, tile)
            if self.catalogue_tab is not None:
                tab = self.catalogue_tab
                menu.addSeparator()
                star = (
                    self.tr("Remove from favourites")
                    if tab.is_favourite(camera)
                    else self.tr("Add to favourites")
                )
                menu.addAction(star, lambda: tab.toggle_favourite(camera))
                groups = tab.groups()
                if groups:
                    sub = menu.addMenu(self.tr("Add to group"))
                    for group_id, name in groups:
                        sub.addAction(name, lambda g=group_id: tab.add_to_group(g, camera))
        menu.popup(tile.mapToGlobal(tile.rect().center()))

    def _reason_for(self, camera: CameraRecord) -> str:
        return self._reasons.get(camera.id, "")

    def say(self, text: str, *, error: bool = False) -> None:
        """One line under the wall for outcomes and problems, in the operator's words."""
        colour = theme.ALERT if error else theme.MUTED
        self.notice.setStyleSheet(f"color: {colour};")
        self.notice.setText(text)

    def show_camera_by_id(self, camera_id: int, *, popped: bool = False) -> None:
        """Bring a camera onto the wall (from an alert): its tile is selected if it is there."""
        position = self.arrangement.position_of(camera_id)
        if position is not None and position // self.arrangement.page_size == self.arrangement.page:
            self._select_tile(position % self.arrangement.page_size)
            return

        def place(found: list[CameraRecord]) -> None:
            if not found:
                return
            camera = found[0]
            # An alert takes the large cell of a 1+N layout, or the first cell.
            self._with_reason([camera], lambda: self.show_camera(camera, 0 if popped else None))

        self._tasks.start(self._service.cameras_by_ids([camera_id]), place)

    def show_cameras_as_pages(self, cameras: list[CameraRecord]) -> None:
        """A whole group onto the wall: page after page of the current layout."""

        def place() -> None:
            self.tour_button.setChecked(False)
            self.current_view = None
            self._focus = None
            self.arrangement = WallArrangement(self.layout_code, list(cameras))
            self._arrange()

        self._with_reason(cameras, place)

    def _on_tree_activated(self, index: QModelIndex) -> None:
        camera = self.tree_model.data(index, CAMERA_ROLE)
        if camera is not None:
            self._place_activated(camera)

    def _on_result_activated(self, item: QListWidgetItem) -> None:
        camera = item.data(Qt.ItemDataRole.UserRole)
        if camera is not None:
            self._place_activated(camera)

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

    # --- pages and tours

    def next_page(self) -> None:
        self.arrangement.next_page()
        self._focus = None
        self._arrange()

    def previous_page(self) -> None:
        self.arrangement.previous_page()
        self._focus = None
        self._arrange()

    @property
    def tour_running(self) -> bool:
        return self._tour_timer.isActive()

    def start_tour(self, interval_s: float) -> None:
        """Step through the pages every `interval_s` (the spin box bounds what operators pick)."""
        self.tour_spin.setValue(max(MIN_TOUR_S, round(interval_s)))
        self._tour_ms = max(100, int(interval_s * 1000))
        self.tour_button.setChecked(True)

    @property
    def tour_interval_ms(self) -> int:
        return self._tour_timer.interval()

    def _tour_toggled(self, on: bool) -> None:
        if on:
            ms = self._tour_ms or self.tour_spin.value() * 1000
            self._tour_ms = 0
            self._tour_timer.start(ms)
            self.tour_button.setText(self.tr("Stop tour"))
        else:
            self._tour_timer.stop()
            self.tour_button.setText(self.tr("Start tour"))
        self._sync_feeds()

    def _tour_tick(self) -> None:
        if self.arrangement.page_count > 1:
            self.next_page()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_PageDown:
            self.next_page()
        elif event.key() == Qt.Key.Key_PageUp:
            self.previous_page()
        elif event.key() == Qt.Key.Key_Escape and self._focus is not None:
            self.toggle_focus(self._focus)
        else:
            super().keyPressEvent(event)

    # --- saved views

    async def _load_views(self) -> list[WallViewRecord]:
        return await self._views.views() if self._views is not None else []

    async def _load_view_ids(self, ids: frozenset[int]) -> list[WallViewRecord]:
        return [v for v in await self._load_views() if v.id in ids]

    def _selected_view(self) -> WallViewRecord | None:
        rows = self.views_table.selectionModel().selectedRows()
        return self.views_model.record(rows[0].row()) if rows else None

    def _open_selected_view(self) -> None:
        view = self._selected_view()
        if view is not None:
            self.open_view(view)

    def _delete_selected_view(self) -> None:
        view = self._selected_view()
        if view is not None and self._views is not None:
            self._tasks.start(self._views.delete(view.id))

    def open_view(self, view: WallViewRecord) -> None:
        if self._views is None:
            return

        def show(cameras: list[CameraRecord | None]) -> None:
            def place() -> None:
                self.tour_button.setChecked(False)
                self.current_view = view
                self._focus = None
                self.arrangement = WallArrangement(view.layout, cameras)
                self.layout_combo.setCurrentIndex(list(LAYOUTS).index(view.layout))
                self._arrange()
                if view.tour_interval_s and self.arrangement.page_count > 1:
                    self.start_tour(view.tour_interval_s)

            self._with_reason([c for c in cameras if c is not None], place)

        self._tasks.start(self._views.cameras_of(view), show)

    def save_view(self, name: str, *, shared: bool = False) -> None:
        if self._views is None or not name.strip():
            return
        interval = self.tour_spin.value() if self.tour_button.isChecked() else 0
        ids = [c.id if c is not None else None for c in self.arrangement.cameras()]
        self._tasks.start(
            self._views.save(name.strip(), self.layout_code, interval, ids, shared=shared)
        )

    def _ask_view_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("Save view"))
        dialog.setLabelText(self.tr("Name of this view (layout, cameras and tour):"))
        if self.current_view is not None:
            dialog.setTextValue(self.current_view.name)
        dialog.textValueSelected.connect(lambda text: self.save_view(text))
        dialog.open()

    # --- full screen and other monitors

    def _fill_push_menu(self) -> None:
        self.push_menu.clear()
        for i, screen in enumerate(QGuiApplication.screens()):
            geometry = screen.geometry()
            label = self.tr("Screen %1 (%2×%3)").replace("%1", str(i + 1))
            label = label.replace("%2", str(geometry.width())).replace("%3", str(geometry.height()))
            self.push_menu.addAction(label, lambda i=i: self.push_to_screen(i))

    def push_to_screen(self, screen_index: int | None) -> None:
        """Move the wall into a full-screen window (on another monitor or this one)."""
        if self._wall_window is not None:
            self.take_wall_back()
        window = WallWindow()
        window.closed.connect(self.take_wall_back)
        self.wall_host.removeWidget(self.surface)
        window.hold(self.surface, screen_index)
        self._wall_window = window
        where = (
            self.tr("screen %1").replace("%1", str(screen_index + 1))
            if screen_index is not None
            else self.tr("full screen")
        )
        self.pushed_label.setText(
            self.tr(
                "The wall is shown on %1. Press Esc there or close it to bring it back."
            ).replace("%1", where)
        )
        self.wall_host.setCurrentWidget(self.pushed_label)

    def take_wall_back(self) -> None:
        window, self._wall_window = self._wall_window, None
        if window is None:
            return
        surface = window.release()
        if surface is not None:
            self.wall_host.insertWidget(0, surface)
            self.wall_host.setCurrentWidget(surface)
        window.closed.disconnect(self.take_wall_back)
        window.close()
        window.deleteLater()

    @property
    def wall_pushed(self) -> bool:
        return self._wall_window is not None

    # --- decode budget

    def _role_of(self, index: int) -> TileRole:
        if self._focus is not None:
            return TileRole.FOCUSED if index == self._focus else TileRole.HIDDEN
        if "+" in self.layout_code and index == 0:
            return TileRole.FOCUSED
        if self.arrangement.page_size <= SMALL_WALL:
            return TileRole.VISIBLE
        return TileRole.BACKGROUND

    def apply_budget(self) -> None:
        """Hand the tiles on screen to the workstation decode budget (stream and rate)."""
        tiles = []
        for index, camera in self._shown.items():
            tile = self.tiles[index]
            role = self._role_of(index) if tile.isVisible() else TileRole.HIDDEN
            tiles.append(ScreenTile(camera, tile.width(), tile.height(), role))
        if tiles:
            self._live.apply_budget(tiles)

    def plan_text(self, camera: CameraRecord) -> str:
        plan = self._live.plan_for(camera)
        if plan is None or plan.paused:
            return ""
        stream = self.tr("main") if plan.stream is Stream.MAIN else self.tr("sub")
        if plan.keyframes_only:
            return self.tr("%1 stream, key frames only").replace("%1", stream)
        if plan.max_fps:
            return (
                self.tr("%1 stream ≤ %2 fps")
                .replace("%1", stream)
                .replace("%2", f"{plan.max_fps:.0f}")
            )
        return self.tr("%1 stream").replace("%1", stream)

    # --- timers

    def _paint_tick(self) -> None:
        for index in self._visible_tiles():
            self.tiles[index].refresh()

    def _status_tick(self) -> None:
        live = 0
        now = time.monotonic()
        for index, camera in self._shown.items():
            stats = self._live.stats(camera)
            tile = self.tiles[index]
            if stats is None:
                continue
            if stats.health is TileHealth.LIVE:
                live += 1
            age = stats.last_frame_age_s
            rate = f"{stats.fps:.0f} fps · {stats.bitrate_kbps:.0f} kbps"
            text = self.health_text(stats.health)
            notice = self._catch_up.setdefault(camera.id, CatchUpNotice())
            catching_up = notice.update(stats.frames_skipped_late, stats.catching_up, now)
            if catching_up and stats.health is TileHealth.LIVE:
                # This machine cannot decode every frame of this camera: the picture stays
                # live by skipping to key frames, so motion is jerky. Said right after the
                # health, since a small tile's status line shows only its start.
                text += " · " + self.tr("catching up (frames skipped)")
            text += f" · {rate}"
            if age is not None and stats.health is not TileHealth.LIVE:
                text += " · " + self.tr("last frame %1 s ago").replace("%1", f"{age:.0f}")
            plan = self.plan_text(camera)
            if plan and stats.health is TileHealth.LIVE:
                text += f" · {plan}"
            if age is not None and stats.health is TileHealth.LIVE and age > 0.5:
                text += " · " + self.tr("frame age %1 ms").replace("%1", f"{age * 1000:.0f}")
            if stats.last_error and stats.health is not TileHealth.LIVE:
                text += f" · {stats.last_error}"
            tile.set_status(stats.health, text)
        text = self.tr("Live: %1 / %2").replace("%1", str(live))
        text = text.replace("%2", str(len(self._shown)))
        cap = self._live.overload_cap
        tip = ""
        if cap is not None:
            # The decoders fell behind: the budget is held lower until they keep up again,
            # which is why background tiles show fewer frames than the plan would give.
            text += " · " + self.tr("Overloaded")
            tip = self.tr(
                "Decoding fell behind: held to %1 cores, background tiles slowed until it "
                "keeps up again"
            ).replace("%1", f"{cap:.2f}")
        self.live_label.setText(text)
        self.live_label.setToolTip(tip)

    def health_text(self, health: TileHealth) -> str:
        return health_text(health)

    def cameras_with_reasons(self) -> list[tuple[CameraRecord, str]]:
        """The cameras on the wall's current page, each with the reason stated for it."""
        shown = [c for c in self.arrangement.on_page() if c is not None]
        return [(c, self._reasons.get(c.id, "")) for c in shown]

    # --- lifecycle

    def load(self) -> None:
        self._paint_timer.start()
        self._status_timer.start()
        self._budget_timer.start()
        self.views_model.reload()
        if self.catalogue_tab is not None:
            self.catalogue_tab.load()
        if self.alert_list is not None:
            self.alert_list.load()
        if self._alerts is not None:
            self._tasks.start(self._alerts.start_all())

    def apply_changes(self, changes: ChangeSet) -> None:
        self.views_model.apply_changes(changes)
        if self.catalogue_tab is not None:
            self.catalogue_tab.apply_changes(changes)
        if self.alert_list is not None:
            self.alert_list.apply_changes(changes)
        if changes.operation is Operation.ALERT_RAISED:
            camera_id = dict(changes.extra).get("camera_id")
            if camera_id is not None:
                self.show_camera_by_id(int(camera_id), popped=True)
                self.say(self.tr("Motion alert: the camera is on the wall"), error=True)

    def _update_alert_tab(self) -> None:
        if self.alert_list is None:
            return
        count = self.alert_list.unacknowledged()
        text = self.tr("Alerts") + (f" ({count})" if count else "")
        self.tabs.setTabText(self._alert_tab, text)

    def fill_with_live_cameras(self) -> None:
        """The demo's opening view: the cameras that really stream, on the wall."""

        def place(cameras: list[CameraRecord]) -> None:
            usable = [c for c in cameras if not c.sensitive][: self.arrangement.page_size]
            for i, cam in enumerate(usable):
                self.arrangement.place_on_page(cam, i)
            self._sync_feeds()

        self._tasks.start(self._service.live_capable(), place)

    def close_panel(self) -> None:
        self._paint_timer.stop()
        self._status_timer.stop()
        self._search_timer.stop()
        self._tour_timer.stop()
        self._budget_timer.stop()
        self._tasks.cancel_all()
        self.tile_actions.close()
        self.tree_model.close()
        self.views_model.close()
        if self.catalogue_tab is not None:
            self.catalogue_tab.close_tab()
        if self.alert_list is not None:
            self.alert_list.close_list()
        self.take_wall_back()
        for camera in self._open.values():
            self._live.close_feed(camera)
        self._open.clear()
        self._shown.clear()
