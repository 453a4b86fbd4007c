"""Drawing a camera's privacy masks and motion zones on a still of its picture."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen, QPolygonF
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.core.codes import ZoneKind
from console.core.zones import (
    DEFAULT_SENSITIVITY,
    MAX_POINTS,
    SENSITIVITY_RANGE,
    Polygon,
    ZoneProblem,
    ZoneRecord,
    validate_polygon,
)
from console.ui import theme
from console.ui.i18n import current_lang


class PolygonCanvas(QWidget):
    """Shows the still and the zones; each click adds a point of the polygon being drawn."""

    changed = Signal()

    def __init__(self, still: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.still = still
        self.zones: list[ZoneRecord] = []
        self.points: list[tuple[float, float]] = []
        self.setMinimumSize(640, 360)
        self.setCursor(Qt.CursorShape.CrossCursor)

    def picture_rect(self) -> QRectF:
        """Where the still is drawn: as large as fits, aspect kept."""
        w, h = max(1, self.still.width()), max(1, self.still.height())
        scale = min(self.width() / w, self.height() / h)
        pw, ph = w * scale, h * scale
        return QRectF((self.width() - pw) / 2, (self.height() - ph) / 2, pw, ph)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        rect = self.picture_rect()
        pos = event.position()
        if event.button() != Qt.MouseButton.LeftButton or not rect.contains(pos):
            return
        if len(self.points) >= MAX_POINTS:
            return
        self.points.append(
            ((pos.x() - rect.left()) / rect.width(), (pos.y() - rect.top()) / rect.height())
        )
        self.update()
        self.changed.emit()

    def undo(self) -> None:
        if self.points:
            self.points.pop()
            self.update()
            self.changed.emit()

    def clear(self) -> None:
        self.points.clear()
        self.update()
        self.changed.emit()

    def _to_widget(self, points: Polygon | list[tuple[float, float]]) -> QPolygonF:
        rect = self.picture_rect()
        return QPolygonF(
            [
                QPointF(rect.left() + x * rect.width(), rect.top() + y * rect.height())
                for x, y in points
            ]
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#05090e"))
        p.drawImage(self.picture_rect(), self.still)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        for zone in self.zones:
            if zone.kind is ZoneKind.PRIVACY_MASK:
                p.setPen(QPen(QColor(theme.MUTED), 1))
                p.setBrush(QColor(40, 40, 40, 200))
            else:
                p.setPen(QPen(QColor(theme.WARN), 2))
                p.setBrush(QColor(255, 170, 0, 40))
            p.drawPolygon(self._to_widget(zone.points))
        if self.points:
            p.setPen(QPen(QColor(theme.ACCENT), 2, Qt.PenStyle.DashLine))
            p.setBrush(QColor(0, 150, 255, 50))
            poly = self._to_widget(self.points)
            if len(self.points) >= 3:
                p.drawPolygon(poly)
            else:
                p.drawPolyline(poly)
            p.setBrush(QColor(theme.ACCENT))
            for point in poly:
                p.drawEllipse(point, 4, 4)
        p.end()


class ZoneEditor(QDialog):
    """Emits intent only; the wall panel calls the mask service and reports the outcome."""

    save_requested = Signal(object, str, object, int)  # ZoneKind, name, Polygon, sensitivity
    delete_requested = Signal(int)  # zone id

    def __init__(self, camera_name: str, still: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Zones of %1").replace("%1", camera_name))
        self.canvas = PolygonCanvas(still)
        self.kind = QComboBox()
        for kind in ZoneKind:
            self.kind.addItem(kind.label(current_lang()), kind)
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("Zone name, e.g. 住宅窗户 or 出入口"))
        self.sensitivity = QSpinBox()
        self.sensitivity.setRange(*SENSITIVITY_RANGE)
        self.sensitivity.setValue(DEFAULT_SENSITIVITY)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.problem = QLabel()
        self.problem.setStyleSheet(f"color: {theme.ALERT};")
        self.zone_list = QListWidget()
        self.zone_list.setMaximumWidth(260)

        undo = QPushButton(self.tr("Undo point"))
        undo.clicked.connect(self.canvas.undo)
        clear = QPushButton(self.tr("Clear"))
        clear.clicked.connect(self.canvas.clear)
        self.save_button = QPushButton(self.tr("Save zone"))
        self.save_button.setProperty("primary", True)
        self.save_button.clicked.connect(self._save)
        delete = QPushButton(self.tr("Delete selected zone"))
        delete.clicked.connect(self._delete)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)

        form = QHBoxLayout()
        form.addWidget(QLabel(self.tr("Kind")))
        form.addWidget(self.kind)
        form.addWidget(QLabel(self.tr("Name")))
        form.addWidget(self.name, 1)
        form.addWidget(QLabel(self.tr("Sensitivity")))
        form.addWidget(self.sensitivity)
        buttons = QHBoxLayout()
        buttons.addWidget(undo)
        buttons.addWidget(clear)
        buttons.addStretch(1)
        buttons.addWidget(delete)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        side = QVBoxLayout()
        side.addWidget(QLabel(self.tr("Zones of this camera")))
        side.addWidget(self.zone_list, 1)
        body = QHBoxLayout()
        body.addWidget(self.canvas, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        hint = QLabel(self.tr("Click on the picture to add the corners of the zone."))
        hint.setProperty("role", "muted")
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addLayout(buttons)
        self._kind_changed()

    def _kind_changed(self) -> None:
        self.sensitivity.setEnabled(self.kind.currentData() is ZoneKind.MOTION_ZONE)

    def set_zones(self, zones: list[ZoneRecord]) -> None:
        self.canvas.zones = list(zones)
        self.canvas.update()
        self.zone_list.clear()
        for zone in zones:
            item = QListWidgetItem(f"{zone.kind.label(current_lang())} · {zone.name or zone.id}")
            item.setData(Qt.ItemDataRole.UserRole, zone.id)
            self.zone_list.addItem(item)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)

    def _save(self) -> None:
        try:
            polygon = validate_polygon(self.canvas.points)
        except ZoneProblem as exc:
            self.show_problem(str(exc))
            return
        self.problem.clear()
        self.save_requested.emit(
            self.kind.currentData(), self.name.text().strip(), polygon, self.sensitivity.value()
        )
        self.canvas.clear()

    def _delete(self) -> None:
        item = self.zone_list.currentItem()
        if item is not None:
            self.delete_requested.emit(int(item.data(Qt.ItemDataRole.UserRole)))
