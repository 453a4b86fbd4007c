"""The wall's tiles laid out by a layout code; it can move into a full-screen window."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from console.core.wall_layouts import layout as layout_of
from console.ui.wall.wall_tile import WallTile


class WallSurface(QWidget):
    """Tiles by cell index; `arrange(code)` places the first layout-size tiles, hides the rest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("wall-surface")
        self.grid = QGridLayout(self)
        self.grid.setSpacing(2)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.tiles: list[WallTile] = []
        self.visible_count = 0

    def ensure_tiles(self, count: int) -> list[WallTile]:
        """Tiles are created on demand (a 64 layout needs 64) and reused afterwards."""
        created = []
        while len(self.tiles) < count:
            tile = WallTile(len(self.tiles), self)
            tile.hide()
            self.tiles.append(tile)
            created.append(tile)
        return created

    def arrange(self, code: str, only: int | None = None) -> None:
        """Lay out the tiles for `code`; with `only`, that one tile fills the surface (focus)."""
        lay = layout_of(code)
        self.ensure_tiles(lay.size)
        while self.grid.count():
            self.grid.takeAt(0)
        for r in range(8):
            self.grid.setRowStretch(r, 0)
            self.grid.setColumnStretch(r, 0)
        if only is not None:
            for i, tile in enumerate(self.tiles):
                tile.setVisible(i == only)
            self.grid.addWidget(self.tiles[only], 0, 0)
            self.grid.setRowStretch(0, 1)
            self.grid.setColumnStretch(0, 1)
            self.visible_count = 1
            return
        for r in range(lay.rows):
            self.grid.setRowStretch(r, 1)
        for c in range(lay.columns):
            self.grid.setColumnStretch(c, 1)
        for i, cell in enumerate(lay.cells):
            self.grid.addWidget(
                self.tiles[i], cell.row, cell.column, cell.row_span, cell.column_span
            )
            self.tiles[i].show()
        for tile in self.tiles[lay.size :]:
            tile.hide()
        self.visible_count = lay.size


class WallWindow(QWidget):
    """A frameless top-level window that shows the wall surface full screen on one monitor."""

    closed = Signal()

    def __init__(self) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("wall-window")
        self.setWindowTitle(self.tr("Video wall"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.hint = QLabel(self.tr("Esc returns the wall to the console"))
        self.hint.setProperty("role", "muted")
        layout.addWidget(self.hint)
        self._surface: WallSurface | None = None

    def hold(self, surface: WallSurface, screen_index: int | None) -> None:
        self._surface = surface
        self.layout().addWidget(surface)
        surface.show()  # reparenting hides a widget
        screens = QGuiApplication.screens()
        if screen_index is not None and 0 <= screen_index < len(screens):
            self.setScreen(screens[screen_index])
            self.setGeometry(screens[screen_index].geometry())
        self.showFullScreen()

    def release(self) -> WallSurface | None:
        surface, self._surface = self._surface, None
        if surface is not None:
            self.layout().removeWidget(surface)
            surface.setParent(None)
        return surface

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.close()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)
