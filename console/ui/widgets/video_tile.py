"""A wall tile: paints the newest frame from its slot and says honestly how the stream is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.core.tile_health import TileHealth
from console.ui import theme
from console.ui.widgets.bgra_image import wrap_bgra

MAX_ZOOM = 8.0
ZOOM_STEP = 1.25
PAINT_INTERVAL_MS = 20
"""How often a tile takes its newest frame and, only if there is one, repaints: 50 Hz.

A 25 Hz tick beat against 25 fps cameras: a tile whose frames came right at the tick got
none at one tick and two at the next, and showed 18-20 fps instead of 25. Measured
2026-12-03 on the 36-tile bench wall, all tiles at full rate, 3 pairs side by side: with
20 ms every tile showed 25 fps and frame age p95 fell from 41-44 ms to 22-24 ms, for
0.02-0.03 cores more on the GUI thread. (On 2026-12-02, before decoding moved to the
pool, the same change had cost more than it gained.)"""

HEALTH_COLOURS = {
    TileHealth.LIVE: theme.OK,
    TileHealth.CONNECTING: theme.ACCENT,
    TileHealth.STALE: theme.WARN,
    TileHealth.FROZEN: theme.WARN,
    TileHealth.RECONNECTING: theme.WARN,
    TileHealth.OFFLINE: theme.ALERT,
    TileHealth.DENIED: theme.ALERT,
}


# Painting colours, made once: a QColor parsed from a name on every paint of every tile
# adds up on a 36-tile wall.
_BACKGROUND = QColor("#05090e")
_BAR = QColor(0, 0, 0, 150)
_TEXT = QColor(theme.TEXT)
_MUTED = QColor(theme.MUTED)
_FRAME = QColor(theme.LINE)
_FRAME_SELECTED = QColor(theme.ACCENT)
_HEALTH = {health: QColor(colour) for health, colour in HEALTH_COLOURS.items()}


def health_text(health: TileHealth) -> str:
    """A tile's health in the operator's words (the wall and the walkthrough say the same)."""
    # Spelled out in full each time: lupdate only recognises QCoreApplication.translate(...).
    return {
        TileHealth.CONNECTING: QCoreApplication.translate("TileHealth", "Connecting"),
        TileHealth.LIVE: QCoreApplication.translate("TileHealth", "Live"),
        TileHealth.STALE: QCoreApplication.translate("TileHealth", "Stale"),
        TileHealth.FROZEN: QCoreApplication.translate("TileHealth", "Frozen"),
        TileHealth.RECONNECTING: QCoreApplication.translate("TileHealth", "Reconnecting"),
        TileHealth.OFFLINE: QCoreApplication.translate("TileHealth", "Offline"),
        TileHealth.DENIED: QCoreApplication.translate("TileHealth", "Access denied"),
    }[health]


@dataclass(frozen=True, slots=True)
class _Layout:
    """Where a tile's overlay goes, for one tile size and font."""

    size: tuple[int, int]
    rect: QRect
    font: QFont
    top: QRect  # the title bar
    title: QRect
    bottom: QRect  # the status bar
    dot: tuple[int, int, int]  # the health dot: x, y, diameter
    status: QRect
    border: tuple[QRect, QRect, QRect, QRect]


class VideoTile(QWidget):
    """Owns nothing but a reference to a latest-frame slot; the wall's timer calls `refresh`."""

    resized = Signal(QSize)
    activated = Signal()
    double_clicked = Signal()

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index = index
        self.setObjectName(f"video-tile-{index}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self._slot: Any = None
        self._pixels: Any = None  # the numpy buffer the QImage wraps: kept alive with it
        self._image: QImage | None = None
        self.title = ""
        self.health: TileHealth | None = None
        self.status_text = ""
        self.selected = False
        self.painted_frames = 0
        self.zoomable = False
        self.keep_aspect = False
        """Letterbox the picture instead of stretching it over the tile (calls, not walls)."""
        self.empty_text: str | None = None
        """What an empty tile says; None: the wall's hint."""
        # Digital zoom: the factor and the picture point (0..1) at the tile's centre.
        self.zoom = 1.0
        self._centre = QPointF(0.5, 0.5)
        self._pan_from: QPointF | None = None
        self._overlay: _Layout | None = None
        self._bar_layout: _Layout | None = None
        self._bar_key: tuple[object, ...] | None = None
        self._bar_pixmaps: tuple[QPixmap | None, QPixmap | None] = (None, None)

    def attach(self, slot: Any, title: str) -> None:
        if slot is not self._slot:
            self.reset_zoom()
        self._slot = slot
        self.title = title
        self._pixels = None
        self._image = None
        self.health = TileHealth.CONNECTING
        self.update()

    def detach(self, message: str = "") -> None:
        self._slot = None
        self._pixels = None
        self._image = None
        self.title = ""
        self.health = None
        self.status_text = message
        self.update()

    def current_image(self) -> QImage | None:
        """A copy of the picture on the tile now (the frame buffer is reused by the decoder)."""
        return self._image.copy() if self._image is not None else None

    @property
    def attached(self) -> bool:
        return self._slot is not None

    def refresh(self) -> bool:
        """Take the newest frame if there is one; True when the tile will repaint."""
        if self._slot is None:
            return False
        frame = self._slot.take()
        if frame is None:
            return False
        self._image, self._pixels = wrap_bgra(frame.image)
        self.update()
        return True

    def set_status(self, health: TileHealth | None, text: str) -> None:
        if health != self.health or text != self.status_text:
            self.health = health
            self.status_text = text
            self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._overlay = None
        self.resized.emit(event.size())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._overlay = None
        super().changeEvent(event)

    def mousePressEvent(self, event: Any) -> None:
        self.activated.emit()
        if self.zoom > 1.0 and event.button() == Qt.MouseButton.LeftButton:
            self._pan_from = event.position()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and self.zoom > 1.0:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self._set_centre(
                self._centre.x() - delta.x() / (self.width() * self.zoom),
                self._centre.y() - delta.y() / (self.height() * self.zoom),
            )
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._pan_from = None
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self.double_clicked.emit()
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Digital zoom about the point under the cursor."""
        if not self.zoomable or self._image is None:
            super().wheelEvent(event)
            return
        steps = event.angleDelta().y() / 120
        if not steps:
            return
        new_zoom = min(MAX_ZOOM, max(1.0, self.zoom * ZOOM_STEP**steps))
        pos = event.position()
        # Keep the picture point under the cursor where it is.
        fx, fy = pos.x() / max(1, self.width()) - 0.5, pos.y() / max(1, self.height()) - 0.5
        px = self._centre.x() + fx / self.zoom
        py = self._centre.y() + fy / self.zoom
        self.zoom = new_zoom
        self._set_centre(px - fx / new_zoom, py - fy / new_zoom)
        event.accept()

    def reset_zoom(self) -> None:
        self.zoom = 1.0
        self._centre = QPointF(0.5, 0.5)
        self.update()

    def _set_centre(self, x: float, y: float) -> None:
        half = 0.5 / self.zoom
        self._centre = QPointF(min(1 - half, max(half, x)), min(1 - half, max(half, y)))
        self.update()

    def source_rect(self) -> QRectF:
        """The part of the picture shown, in picture pixels (all of it when not zoomed)."""
        if self._image is None:
            return QRectF()
        w, h = self._image.width(), self._image.height()
        if self.zoom <= 1.0:
            return QRectF(0, 0, w, h)
        sw, sh = w / self.zoom, h / self.zoom
        return QRectF(self._centre.x() * w - sw / 2, self._centre.y() * h - sh / 2, sw, sh)

    def paintEvent(self, event: QPaintEvent) -> None:
        layout = self._layout()
        rect = layout.rect
        p = QPainter(self)
        if self._image is None or self.keep_aspect:
            # A wall picture is stretched over the whole tile: no background needed there.
            p.fillRect(rect, _BACKGROUND)
        if self._image is not None and self.keep_aspect:
            p.drawImage(self._fitted(rect), self._image)
        elif self._image is not None:
            if self.zoom > 1.0:
                p.drawImage(QRectF(rect), self._image, self.source_rect())
            elif self._image.width() == rect.width() and self._image.height() == rect.height():
                p.drawImage(0, 0, self._image)
            else:
                p.drawImage(rect, self._image)
        self._paint_overlay(p, layout)
        if self._image is None and not self.title:
            p.setPen(_MUTED)
            text = self.empty_text
            if text is None:
                text = self.tr("Empty — double-click a camera")
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        edge = _FRAME_SELECTED if self.selected else _FRAME
        for line in layout.border:
            p.fillRect(line, edge)
        p.end()
        self.painted_frames += 1

    def _fitted(self, rect: QRect) -> QRect:
        """The largest rectangle of the picture's shape centred in `rect`."""
        assert self._image is not None
        size = self._image.size().scaled(rect.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRect(
            rect.x() + (rect.width() - size.width()) // 2,
            rect.y() + (rect.height() - size.height()) // 2,
            size.width(),
            size.height(),
        )

    def _layout(self) -> _Layout:
        """The overlay's font and rectangles for the tile's size and font, made when first
        painted after a resize or font change: value objects made on every paint of every
        tile cost the GUI thread measurably on a 36-tile wall."""
        layout = self._overlay
        if layout is None or layout.size != (self.width(), self.height()):
            rect = self.rect()
            font = QFont(self.font())
            # Titles grow with the big-screen scale too: read from across the room.
            scale = theme.scaled(100) / 100
            font.setPointSizeF(max(8.0 * scale, min(12.0 * scale, rect.height() / 22)))
            bar_h = QFontMetrics(font, self).height() + 6
            w, h = rect.width(), rect.height()
            d = bar_h // 2
            bottom = QRect(0, h - bar_h, w, bar_h)
            layout = self._overlay = _Layout(
                size=(w, h),
                rect=rect,
                font=font,
                top=QRect(0, 0, w, bar_h),
                title=QRect(6, 0, w - 12, bar_h),
                bottom=bottom,
                dot=(6, bottom.top() + (bar_h - d) // 2, d),
                status=bottom.adjusted(12 + d, 0, -6, 0),
                border=(
                    QRect(0, 0, w, 1),
                    QRect(0, h - 1, w, 1),
                    QRect(0, 1, 1, h - 2),
                    QRect(w - 1, 1, 1, h - 2),
                ),
            )
        return layout

    def _paint_overlay(self, p: QPainter, layout: _Layout) -> None:
        top, bottom = self._bars(layout)
        if top is not None:
            p.drawPixmap(0, 0, top)
        if bottom is not None:
            p.drawPixmap(0, layout.bottom.y(), bottom)

    def _bars(self, layout: _Layout) -> tuple[QPixmap | None, QPixmap | None]:
        """The title and status bars as translucent pixmaps, drawn again only when what
        they show changes.

        Filling the bars, shaping the texts and drawing the dot on every paint took 70 of a
        tile's 215 us (measured 2026-12-03, 36 tiles offscreen); two pixmaps cost a
        fraction of that, and a wall tile paints 25 times a second with the same bars.
        """
        zoom = f"×{self.zoom:.1f}" if self.zoom > 1.0 else ""
        key = (self.title, zoom, self.health, self.status_text, self.devicePixelRatioF())
        if self._bar_layout is not layout or self._bar_key != key:
            self._bar_layout, self._bar_key = layout, key
            self._bar_pixmaps = (
                self._bar(layout, layout.top, self._paint_title, zoom) if self.title else None,
                self._bar(layout, layout.bottom, self._paint_status, zoom)
                if self.health is not None or self.status_text
                else None,
            )
        return self._bar_pixmaps

    def _bar(
        self,
        layout: _Layout,
        rect: QRect,
        paint: Callable[[QPainter, _Layout, str], None],
        zoom: str,
    ) -> QPixmap:
        ratio = self.devicePixelRatioF()
        bar = QPixmap(round(rect.width() * ratio), round(rect.height() * ratio))
        bar.setDevicePixelRatio(ratio)
        bar.fill(_BAR)
        p = QPainter(bar)
        p.translate(-rect.x(), -rect.y())  # the layout's coordinates are the tile's
        p.setFont(layout.font)
        paint(p, layout, zoom)
        p.end()
        return bar

    def _paint_title(self, p: QPainter, layout: _Layout, zoom: str) -> None:
        p.setPen(_TEXT)
        p.drawText(layout.title, Qt.AlignmentFlag.AlignVCenter, self.title)
        if zoom:
            p.drawText(
                layout.title, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight, zoom
            )

    def _paint_status(self, p: QPainter, layout: _Layout, zoom: str) -> None:
        colour = _HEALTH.get(self.health, _MUTED) if self.health else _MUTED
        p.setBrush(colour)
        p.setPen(Qt.PenStyle.NoPen)
        x, y, d = layout.dot
        p.drawEllipse(x, y, d, d)
        p.setPen(_TEXT)
        p.drawText(layout.status, Qt.AlignmentFlag.AlignVCenter, self.status_text)
