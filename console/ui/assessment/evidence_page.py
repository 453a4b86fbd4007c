"""The evidence page of the assessment screen: a case's media on a timeline, played and marked.

The strip shows every asset as a bar across time (colour by kind); the list beside the
player says each file's integrity in a symbol and in words; the player paints the current
frame scaled with the annotations of that moment drawn over it. Decoding, hashing and the
store all run elsewhere: the page only sends intents and paints what comes back.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.core import annotations as ann
from console.core.clock import to_local
from console.core.codes import IntegrityStatus, MediaKind
from console.core.events import ChangeSet, Entity
from console.services.evidence_timeline import (
    EvidencePlayer,
    EvidenceTimelineService,
    ExportedPackage,
    IntegrityResult,
    Timeline,
    TimelineItem,
)
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.bgra_image import wrap_bgra

POLL_MS = 30
SPEEDS = (0.25, 0.5, 1.0, 1.5, 2.0, 4.0)
KIND_COLOURS = {
    MediaKind.INTAKE_RECORDING: theme.ACCENT,
    MediaKind.MEDIATION_RECORDING: "#a56eff",
    MediaKind.CAMERA_CLIP: theme.WARN,
    MediaKind.SNAPSHOT: theme.OK,
    MediaKind.DOCUMENT: theme.MUTED,
}
MARK_COLOUR = QColor("#ff3b30")
TOOLS = ("select", "box", "arrow", "text")
# Tick steps for the time axis, in seconds: the first that leaves room for its label.
TICK_STEPS = (1, 5, 10, 30, 60, 300, 600, 1800, 3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400)


def integrity_words(result: IntegrityResult | None, checking: bool, lang: str) -> str:
    if result is None:
        return "…" if checking else ""
    symbol = "✓" if result.status is IntegrityStatus.VERIFIED else "✗"
    return f"{symbol} {result.status.label(lang)}"


def integrity_colour(result: IntegrityResult | None) -> str:
    if result is None:
        return theme.MUTED
    return theme.OK if result.status is IntegrityStatus.VERIFIED else theme.ALERT


class TimelineStrip(QWidget):
    """Assets as bars across time, one lane per kind; a click picks one."""

    asset_clicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence-strip")
        self.items: tuple[TimelineItem, ...] = ()
        self.integrity: dict[int, IntegrityResult] = {}
        self.selected: int | None = None
        self.cursor_ms: int | None = None  # playback position in the selected asset
        self._hits: list[tuple[QRectF, int]] = []
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMouseTracking(False)

    def set_items(self, items: tuple[TimelineItem, ...]) -> None:
        self.items = items
        self.updateGeometry()
        self.update()

    def lanes(self) -> list[MediaKind]:
        return [k for k in MediaKind if any(i.asset.kind is k for i in self.items)]

    def _lane_h(self) -> int:
        return QFontMetrics(self.font()).height() + theme.scaled(10)

    def sizeHint(self) -> Any:
        size = super().sizeHint()
        size.setHeight(self._lane_h() * (max(1, len(self.lanes())) + 1) + theme.scaled(8))
        return size

    def minimumSizeHint(self) -> Any:
        return self.sizeHint()

    def bar_rect(self, asset_id: int) -> QRectF | None:
        for rect, aid in self._hits:
            if aid == asset_id:
                return rect
        return None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        for rect, aid in reversed(self._hits):
            if rect.adjusted(-3, -3, 3, 3).contains(pos):
                self.asset_clicked.emit(aid)
                return
        super().mousePressEvent(event)

    @staticmethod
    def _paint_failed(p: QPainter, rect: QRectF) -> None:
        """A failed file is hatched and framed in red: it must not look like an ordinary bar."""
        p.save()
        p.setClipRect(rect)
        p.setPen(QPen(QColor(theme.ALERT), max(2, theme.scaled(2))))
        x, step = rect.left() - rect.height(), max(6, theme.scaled(7))
        while x < rect.right():
            p.drawLine(QPointF(x, rect.bottom()), QPointF(x + rect.height(), rect.top()))
            x += step
        p.restore()
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.setPen(QPen(QColor(theme.ALERT), max(2, theme.scaled(2))))
        p.drawRoundedRect(rect, 3, 3)

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        p.fillRect(self.rect(), QColor(theme.PANEL))
        fm = QFontMetrics(self.font())
        lane_h = self._lane_h()
        lanes = self.lanes()
        lang = current_lang()
        self._hits = []
        if not self.items:
            p.setPen(QColor(theme.MUTED))
            p.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self.tr("No media for this case"))
            return
        label_w = max(fm.horizontalAdvance(k.label(lang)) for k in lanes) + theme.scaled(16)
        left, right = label_w, self.width() - theme.scaled(12)
        start = min(i.start for i in self.items)
        end = max(i.end for i in self.items)
        span = max((end - start).total_seconds(), 1.0)
        start -= timedelta(seconds=span * 0.02)
        span *= 1.04

        def x_of(t: datetime) -> float:
            return left + (t - start).total_seconds() / span * (right - left)

        for row, kind in enumerate(lanes):
            y = theme.scaled(4) + row * lane_h
            if row % 2:
                p.fillRect(QRectF(0, y, self.width(), lane_h), QColor(theme.PANEL_ALT))
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                QRectF(theme.scaled(6), y, label_w, lane_h),
                Qt.AlignmentFlag.AlignVCenter,
                kind.label(lang),
            )
            for item in (i for i in self.items if i.asset.kind is kind):
                x0, x1 = x_of(item.start), x_of(item.end)
                width = max(x1 - x0, theme.scaled(8))
                rect = QRectF(x0, y + theme.scaled(4), width, lane_h - theme.scaled(8))
                self._hits.append((rect, item.asset.id))
                colour = QColor(KIND_COLOURS[kind])
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(colour)
                p.drawRoundedRect(rect, 3, 3)
                result = self.integrity.get(item.asset.id)
                if result is not None and result.status is not IntegrityStatus.VERIFIED:
                    self._paint_failed(p, rect)
                if item.asset.id == self.selected:
                    p.setBrush(Qt.BrushStyle.NoBrush)
                    p.setPen(QPen(QColor("#ffffff"), 2))
                    p.drawRoundedRect(rect.adjusted(-2, -2, 2, 2), 4, 4)
                    if self.cursor_ms is not None and not item.still:
                        cx = x_of(item.start + timedelta(milliseconds=self.cursor_ms))
                        p.setPen(QPen(QColor("#ffffff"), 2))
                        p.drawLine(QPointF(cx, y), QPointF(cx, y + lane_h))
        # The axis: ticks in the centre's local time.
        axis_y = theme.scaled(4) + len(lanes) * lane_h
        p.setPen(QColor(theme.LINE))
        p.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        sample = fm.horizontalAdvance("00-00 00:00:00") + theme.scaled(20)
        step = next((s for s in TICK_STEPS if s / span * (right - left) >= sample), TICK_STEPS[-1])
        origin = start.replace(tzinfo=UTC).timestamp()  # stored times are naive UTC
        t = math.ceil(origin / step) * step
        p.setPen(QColor(theme.MUTED))
        while t <= origin + span:
            at = datetime.fromtimestamp(t, UTC).replace(tzinfo=None)
            x = x_of(at)
            local = to_local(at)
            text = local.strftime("%H:%M:%S" if step < 3600 else "%m-%d %H:%M")
            p.drawLine(QPointF(x, axis_y), QPointF(x, axis_y + theme.scaled(4)))
            p.drawText(QPointF(x - fm.horizontalAdvance(text) / 2, axis_y + fm.ascent() + 6), text)
            t += step
        p.end()


class PlayerView(QWidget):
    """The picture, scaled to fit, with the annotations of this moment drawn over it."""

    drawn = Signal(object)  # a core.annotations geometry, normalised

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("evidence-player-view")
        self.setMinimumSize(theme.scaled(320), theme.scaled(180))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.image: QImage | None = None
        self._keep: Any = None  # the frame shown
        self._pixels: Any = None  # the numpy buffer the image wraps
        self.message = ""
        self.tool = "select"
        self.marks: list[ann.AnnotationRecord] = []  # the ones visible now
        self._press: QPointF | None = None
        self._drag: QPointF | None = None
        self.painted = 0

    def set_frame(self, frame: Any) -> None:
        self._keep = frame
        self.image, self._pixels = wrap_bgra(frame.image)
        self.update()

    def clear(self, message: str = "") -> None:
        self.image = None
        self._keep = None
        self._pixels = None
        self.message = message
        self.marks = []
        self.update()

    def picture_rect(self) -> QRectF:
        if self.image is None:
            return QRectF(self.rect())
        size = self.image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        return QRectF(
            (self.width() - size.width()) / 2,
            (self.height() - size.height()) / 2,
            size.width(),
            size.height(),
        )

    def to_picture(self, pos: QPointF) -> tuple[float, float]:
        r = self.picture_rect()
        x = (pos.x() - r.x()) / max(1.0, r.width())
        y = (pos.y() - r.y()) / max(1.0, r.height())
        return min(1.0, max(0.0, x)), min(1.0, max(0.0, y))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self.tool == "select" or self.image is None:
            return super().mousePressEvent(event)
        self._press = self._drag = event.position()
        self.update()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is not None:
            self._drag = event.position()
            self.update()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._press is None:
            return super().mouseReleaseEvent(event)
        (x1, y1), (x2, y2) = self.to_picture(self._press), self.to_picture(event.position())
        self._press = self._drag = None
        self.update()
        if self.tool == "box":
            self.drawn.emit(ann.box_from_corners(x1, y1, x2, y2))
        elif self.tool == "arrow":
            self.drawn.emit(ann.Arrow(x1, y1, x2, y2))
        elif self.tool == "text":
            self.drawn.emit(ann.TextMark(x2, y2))

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#000000"))
        if self.image is None:
            p.setPen(QColor(theme.ALERT if self.message else theme.MUTED))
            text = self.message or self.tr("Pick a file on the timeline or in the list")
            p.drawText(self.rect().adjusted(12, 12, -12, -12), Qt.AlignmentFlag.AlignCenter
                       | Qt.TextFlag.TextWordWrap, text)  # fmt: skip
            p.end()
            return
        r = self.picture_rect()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        p.drawImage(r, self.image)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for mark in self.marks:
            self._paint_mark(p, r, mark.geometry, mark.text)
        if self._press is not None and self._drag is not None:
            (x1, y1), (x2, y2) = self.to_picture(self._press), self.to_picture(self._drag)
            preview: ann.Geometry | None = None
            if self.tool == "box":
                preview = ann.box_from_corners(x1, y1, x2, y2)
            elif self.tool == "arrow":
                preview = ann.Arrow(x1, y1, x2, y2)
            if preview is not None:
                self._paint_mark(p, r, preview, "", dashed=True)
        p.end()
        self.painted += 1

    def _paint_mark(
        self, p: QPainter, r: QRectF, g: ann.Geometry, text: str, dashed: bool = False
    ) -> None:
        pen = QPen(MARK_COLOUR, max(2, theme.scaled(3)))
        if dashed:
            pen.setStyle(Qt.PenStyle.DashLine)
        p.setPen(pen)
        p.setBrush(Qt.BrushStyle.NoBrush)

        def pt(x: float, y: float) -> QPointF:
            return QPointF(r.x() + x * r.width(), r.y() + y * r.height())

        anchor: QPointF
        if isinstance(g, ann.Box):
            p.drawRect(QRectF(pt(g.x, g.y), pt(g.x + g.w, g.y + g.h)))
            anchor = pt(g.x, g.y + g.h)
        elif isinstance(g, ann.Arrow):
            a, b = pt(g.x1, g.y1), pt(g.x2, g.y2)
            p.drawLine(a, b)
            angle = math.atan2(b.y() - a.y(), b.x() - a.x())
            size = theme.scaled(16)
            head = QPolygonF(
                [
                    b,
                    QPointF(
                        b.x() - size * math.cos(angle - 0.45), b.y() - size * math.sin(angle - 0.45)
                    ),
                    QPointF(
                        b.x() - size * math.cos(angle + 0.45), b.y() - size * math.sin(angle + 0.45)
                    ),
                ]
            )
            p.setBrush(MARK_COLOUR)
            p.drawPolygon(head)
            anchor = a
        else:
            anchor = pt(g.x, g.y)
        if text:
            font = QFont(self.font())
            font.setBold(True)
            p.setFont(font)
            fm = QFontMetrics(font)
            box = QRectF(anchor.x(), anchor.y(), fm.horizontalAdvance(text) + 12, fm.height() + 6)
            box.moveRight(min(box.right(), r.right()))
            box.moveBottom(min(box.bottom(), r.bottom()))
            path = QPainterPath()
            path.addRoundedRect(box, 3, 3)
            p.fillPath(path, QColor(0, 0, 0, 170))
            p.setPen(QColor("#ffffff"))
            p.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


class EvidencePage(QWidget):
    """One case's evidence: `show_case(case_id)`, then the operator plays, marks and exports."""

    package_exported = Signal(str)  # the path of the zip

    def __init__(self, service: EvidenceTimelineService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-evidence")
        self._service = service
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._show_error)
        self.timeline: Timeline | None = None
        self.integrity: dict[int, IntegrityResult] = {}
        self._checking: set[int] = set()
        self.asset_id: int | None = None
        self.player: EvidencePlayer | None = None
        self._updating = False
        self.last_export: ExportedPackage | None = None

        self.title = QLabel(self.tr("No case selected"))
        self.title.setProperty("role", "section")
        self.status = QLabel("")
        self.status.setProperty("role", "muted")
        self.status.setWordWrap(True)
        self.verify_button = QPushButton(self.tr("Verify all"))
        self.export_button = QPushButton(self.tr("Export evidence package…"))
        self.export_button.setProperty("primary", True)
        header = QHBoxLayout()
        header.addWidget(self.title)
        header.addWidget(self.status, 1)
        header.addWidget(self.verify_button)
        header.addWidget(self.export_button)

        self.strip = TimelineStrip()

        self.assets = QTableWidget(0, 4)
        self.assets.setHorizontalHeaderLabels(
            [self.tr("Kind"), self.tr("Start"), self.tr("Length"), self.tr("Integrity")]
        )
        self.assets.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.assets.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.assets.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.assets.verticalHeader().setVisible(False)
        header_view = self.assets.horizontalHeader()
        for col in range(3):
            header_view.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.marks_list = QListWidget()
        self.delete_mark_button = QPushButton(self.tr("Delete annotation"))
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._section(self.tr("Files")))
        left_layout.addWidget(self.assets, 3)
        left_layout.addWidget(self._section(self.tr("Annotations of this file")))
        left_layout.addWidget(self.marks_list, 2)
        left_layout.addWidget(self.delete_mark_button)

        self.view = PlayerView()
        self.play_button = QPushButton(self.tr("Play"))
        self.back_button = QPushButton(self.tr("◀ Frame"))
        self.forward_button = QPushButton(self.tr("Frame ▶"))
        self.back_button.setToolTip(self.tr("One frame back"))
        self.forward_button.setToolTip(self.tr("One frame forward"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 0)
        self.time_label = QLabel("00:00.000 / 00:00.000")
        self.speed_box = QComboBox()
        for s in SPEEDS:
            self.speed_box.addItem(f"{s:g}×", s)
        self.speed_box.setCurrentIndex(SPEEDS.index(1.0))
        controls = QHBoxLayout()
        for w in (self.play_button, self.back_button, self.forward_button):
            controls.addWidget(w)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.time_label)
        controls.addSpacing(theme.scaled(12))
        controls.addWidget(QLabel(self.tr("Speed")))
        controls.addWidget(self.speed_box)

        self.tool_group = QButtonGroup(self)
        self.tool_buttons: dict[str, QPushButton] = {}
        tools = QHBoxLayout()
        tools.addWidget(QLabel(self.tr("Annotate:")))
        names = {
            "select": self.tr("Pointer"),
            "box": self.tr("Box"),
            "arrow": self.tr("Arrow"),
            "text": self.tr("Text"),
        }
        for tool in TOOLS:
            b = QPushButton(names[tool])
            b.setCheckable(True)
            self.tool_group.addButton(b)
            self.tool_buttons[tool] = b
            tools.addWidget(b)
            b.clicked.connect(lambda _=False, t=tool: self.set_tool(t))
        self.tool_buttons["select"].setChecked(True)
        self.mark_text = QLineEdit()
        self.mark_text.setPlaceholderText(
            self.tr("Text for the next annotation (optional for box/arrow)")
        )
        tools.addWidget(self.mark_text, 1)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.view, 1)
        right_layout.addLayout(controls)
        right_layout.addLayout(tools)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 1)
        split.setStretchFactor(1, 3)
        split.setSizes([theme.scaled(460), theme.scaled(1400)])

        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.strip)
        layout.addWidget(split, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._poll)

        self.strip.asset_clicked.connect(self.load_asset)
        self.assets.cellClicked.connect(self._row_clicked)
        self.verify_button.clicked.connect(self.verify_all)
        self.export_button.clicked.connect(self._ask_export)
        self.play_button.clicked.connect(self.toggle_play)
        self.back_button.clicked.connect(lambda: self._step(-1))
        self.forward_button.clicked.connect(lambda: self._step(+1))
        self.slider.valueChanged.connect(self._slider_moved)
        self.speed_box.currentIndexChanged.connect(self._speed_changed)
        self.view.drawn.connect(self._annotation_drawn)
        self.delete_mark_button.clicked.connect(self._delete_selected_mark)
        self._refresh_controls()

    @staticmethod
    def _section(text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "section")
        return label

    # --- loading ------------------------------------------------------------------------

    def show_case(self, case_id: int) -> None:
        """Load a case's timeline, check every file's integrity, play nothing yet."""
        self._close_player()
        self.asset_id = None
        self.integrity.clear()
        self.view.clear()
        self._tasks.start(self._service.timeline(case_id), self._timeline_loaded)

    def _timeline_loaded(self, timeline: Timeline) -> None:
        first = self.timeline is None or self.timeline.case_id != timeline.case_id
        self.timeline = timeline
        self.title.setText(self.tr("Evidence of case %1").replace("%1", timeline.case_number))
        self.strip.set_items(timeline.items)
        self._fill_assets()
        self._fill_marks()
        unchecked = [i.asset for i in timeline.items if i.asset.id not in self.integrity]
        if first or unchecked:
            self._verify([i.asset for i in timeline.items] if first else unchecked)
        if self.asset_id is None and timeline.items:
            self.load_asset(timeline.items[0].asset.id)

    def _item(self, asset_id: int | None) -> TimelineItem | None:
        if self.timeline is None:
            return None
        return next((i for i in self.timeline.items if i.asset.id == asset_id), None)

    def _fill_assets(self) -> None:
        items = self.timeline.items if self.timeline else ()
        lang = current_lang()
        self.assets.setRowCount(len(items))
        for row, item in enumerate(items):
            start = to_local(item.start).strftime("%m-%d %H:%M:%S")
            length = "—" if item.still else _clock(item.duration_ms or 0)
            cells = [item.asset.kind.label(lang), start, length, ""]
            for col, text in enumerate(cells):
                cell = QTableWidgetItem(text)
                cell.setData(Qt.ItemDataRole.UserRole, item.asset.id)
                if col == 0:
                    cell.setToolTip(f"{item.asset.source}\n{item.asset.path}")
                self.assets.setItem(row, col, cell)
            self._show_integrity(row, item.asset.id)
            if item.asset.id == self.asset_id:
                self.assets.selectRow(row)

    def _show_integrity(self, row: int, asset_id: int) -> None:
        result = self.integrity.get(asset_id)
        cell = self.assets.item(row, 3)
        if cell is None:
            return
        cell.setText(integrity_words(result, asset_id in self._checking, current_lang()))
        cell.setForeground(QColor(integrity_colour(result)))
        if result is not None:
            cell.setToolTip(result.message)

    def integrity_text(self, asset_id: int) -> str:
        for row in range(self.assets.rowCount()):
            cell = self.assets.item(row, 3)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == asset_id:
                return cell.text()
        return ""

    def _row_clicked(self, row: int, _col: int) -> None:
        cell = self.assets.item(row, 0)
        if cell is not None:
            self.load_asset(int(cell.data(Qt.ItemDataRole.UserRole)))

    def load_asset(self, asset_id: int) -> None:
        item = self._item(asset_id)
        if item is None:
            return
        self._close_player()
        self.asset_id = asset_id
        self.strip.selected = asset_id
        self.strip.cursor_ms = 0
        self.strip.update()
        for row in range(self.assets.rowCount()):
            cell = self.assets.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == asset_id:
                self.assets.selectRow(row)
        self.view.clear()
        self.player = self._service.open_player(item.asset)
        self._timer.start()
        self._fill_marks()
        self._refresh_controls()

    def _close_player(self) -> None:
        player, self.player = self.player, None
        self._timer.stop()
        if player is not None:
            self._tasks.start(self._service.close_player(player))

    # --- playing ------------------------------------------------------------------------

    def _poll(self) -> None:
        player = self.player
        if player is None:
            return
        frame = player.slot.take()
        if frame is not None:
            self.view.set_frame(frame)
        state = player.state
        if state.error and self.view.image is None:
            self.view.clear(state.error)
        self._refresh_controls()
        self._show_marks_at(state.position_ms)

    def position_ms(self) -> int:
        return self.player.state.position_ms if self.player else 0

    def _refresh_controls(self) -> None:
        player = self.player
        state = player.state if player else None
        moving = state is not None and state.opened and not state.still and not state.error
        for w in (self.play_button, self.back_button, self.forward_button, self.slider):
            w.setEnabled(moving)
        self.speed_box.setEnabled(moving)
        if state is None or state.error:
            self.time_label.setText("—")
            return
        self.play_button.setText(self.tr("Pause") if state.playing else self.tr("Play"))
        self._updating = True
        try:
            if self.slider.maximum() != state.duration_ms:
                self.slider.setRange(0, state.duration_ms)
            if not self.slider.isSliderDown():
                self.slider.setValue(state.position_ms)
        finally:
            self._updating = False
        self.time_label.setText(f"{_clock(state.position_ms)} / {_clock(state.duration_ms)}")
        if self.strip.cursor_ms != state.position_ms:
            self.strip.cursor_ms = state.position_ms
            self.strip.update()

    def toggle_play(self) -> None:
        if self.player is None:
            return
        if self.player.state.playing:
            self.player.pause()
        else:
            self.player.play()

    def _step(self, frames: int) -> None:
        if self.player is not None:
            self.player.step(frames)

    def seek(self, ms: int) -> None:
        if self.player is not None:
            self.player.seek(ms)

    def _slider_moved(self, value: int) -> None:
        if not self._updating:
            self.seek(value)

    def _speed_changed(self, index: int) -> None:
        if self.player is not None:
            self.player.set_speed(float(self.speed_box.itemData(index)))

    # --- annotations --------------------------------------------------------------------

    def set_tool(self, tool: str) -> None:
        self.view.tool = tool
        self.tool_buttons[tool].setChecked(True)
        self.view.setCursor(
            Qt.CursorShape.ArrowCursor if tool == "select" else Qt.CursorShape.CrossCursor
        )

    def marks_of_asset(self) -> list[ann.AnnotationRecord]:
        if self.timeline is None:
            return []
        return [a for a in self.timeline.annotations if a.asset_id == self.asset_id]

    def _fill_marks(self) -> None:
        self.marks_list.clear()
        lang = current_lang()
        for mark in self.marks_of_asset():
            text = f"{_clock(mark.at_ms)}  {mark.kind.label(lang)}"
            if mark.text:
                text += f"「{mark.text}」"
            text += f"  — {mark.author_name}"
            row = QListWidgetItem(text)
            row.setData(Qt.ItemDataRole.UserRole, mark.id)
            self.marks_list.addItem(row)
        self._show_marks_at(self.position_ms())

    def _show_marks_at(self, position_ms: int) -> None:
        visible = [m for m in self.marks_of_asset() if m.visible_at(position_ms)]
        if [m.id for m in visible] != [m.id for m in self.view.marks]:
            self.view.marks = visible
            self.view.update()

    def _annotation_drawn(self, geometry: ann.Geometry) -> None:
        if self.asset_id is None:
            return
        text = self.mark_text.text()
        draft = ann.AnnotationDraft(self.asset_id, self.position_ms(), geometry, text)
        self._tasks.start(self._service.add_annotation(draft), self._annotation_added)

    def _annotation_added(self, record: ann.AnnotationRecord) -> None:
        self.mark_text.clear()
        self.status.setText(self.tr("Annotation saved at %1").replace("%1", _clock(record.at_ms)))
        self._reload()

    def _delete_selected_mark(self) -> None:
        row = self.marks_list.currentItem()
        if row is None:
            return
        mark_id = int(row.data(Qt.ItemDataRole.UserRole))
        self._tasks.start(self._service.delete_annotation(mark_id), lambda _r: self._reload())

    def _reload(self) -> None:
        if self.timeline is not None:
            self._tasks.start(self._service.timeline(self.timeline.case_id), self._timeline_loaded)

    # --- integrity and export -----------------------------------------------------------

    def verify_all(self) -> None:
        if self.timeline is not None:
            self._verify([i.asset for i in self.timeline.items])

    def _verify(self, assets: list[Any]) -> None:
        ids = {a.id for a in assets}
        self._checking |= ids
        for a in assets:
            self.integrity.pop(a.id, None)
        self._fill_assets()
        self.status.setText(self.tr("Checking %n file(s)…", "", len(assets)))
        self._tasks.start(
            self._service.check_all(assets, on_result=self._integrity_arrived),
            self._verified,
        )

    def _integrity_arrived(self, result: IntegrityResult) -> None:
        self._checking.discard(result.asset_id)
        self.integrity[result.asset_id] = result
        self.strip.integrity = self.integrity
        self.strip.update()
        for row in range(self.assets.rowCount()):
            cell = self.assets.item(row, 0)
            if cell is not None and cell.data(Qt.ItemDataRole.UserRole) == result.asset_id:
                self._show_integrity(row, result.asset_id)

    def _verified(self, results: list[IntegrityResult]) -> None:
        bad = [r for r in results if r.status is not IntegrityStatus.VERIFIED]
        if not results:
            self.status.setText("")
        elif bad:
            self.status.setText(self.tr("%n file(s) failed the integrity check", "", len(bad)))
            self.status.setStyleSheet(f"color: {theme.ALERT};")
        else:
            self.status.setText(self.tr("All files match their stored hashes"))
            self.status.setStyleSheet(f"color: {theme.OK};")

    def _ask_export(self) -> None:
        if self.timeline is None:
            return
        suggested = f"证据包_{self.timeline.case_number}.zip"
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export evidence package"), suggested, self.tr("Zip archive (*.zip)")
        )
        if path:
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        if self.timeline is None:
            return
        self.export_button.setEnabled(False)
        self.status.setText(self.tr("Writing the evidence package…"))
        self.status.setStyleSheet("")

        def done(result: ExportedPackage) -> None:
            self.export_button.setEnabled(True)
            self.last_export = result
            text = (
                self.tr("Package written: %1 files, SHA-256 %2")
                .replace("%1", str(len(result.manifest.files)))
                .replace("%2", result.sha256[:16] + "…")
            )
            if result.missing or result.altered:
                text += " " + self.tr("(%1 missing, %2 altered — listed in the manifest)").replace(
                    "%1", str(result.missing)
                ).replace("%2", str(result.altered))
                self.status.setStyleSheet(f"color: {theme.WARN};")
            self.status.setText(text)
            self.package_exported.emit(str(result.path))

        self._tasks.start(self._service.export_package(self.timeline.case_id, path), done)

    def _show_error(self, message: str) -> None:
        self.export_button.setEnabled(True)
        self.status.setText(message)
        self.status.setStyleSheet(f"color: {theme.ALERT};")

    # --- the store and closing ----------------------------------------------------------

    def apply_changes(self, changes: ChangeSet) -> None:
        if self.timeline is None:
            return
        if changes.touches(Entity.ANNOTATION) or changes.touches(Entity.MEDIA_ASSET):
            self._reload()

    def close_panel(self) -> None:
        self._timer.stop()
        self._tasks.cancel_all()
        player, self.player = self.player, None
        if player is not None:
            # Closing the screen: the thread ends within one decode step of being told.
            player.stop()
            player.join(5.0)


def _clock(ms: int) -> str:
    s, milli = divmod(max(0, ms), 1000)
    m, s = divmod(s, 60)
    h, m = divmod(m, 60)
    return f"{h}:{m:02d}:{s:02d}.{milli:03d}" if h else f"{m:02d}:{s:02d}.{milli:03d}"
