"""The 研判会 walkthrough: a full-screen window on a chosen monitor cycling through slides.

A slide is a small record with a factory that builds its widget when the slide comes up
(and the walkthrough closes it when the slide goes), so the lead can hand in camera-view
slides from the wall without this module importing the wall. The main window, and the wall
on another screen, keep running: this is a separate top-level window on the same Qt loop.

Keys (keyboard and presenter remotes): Right/Down/PageDown/Space next, Left/Up/PageUp
previous, Home/End first/last, digits jump to a slide (typed within a second they make a
number), P, B or "." pause and resume (the remote's blank key), F5 resume from the start
of the current slide, Esc leave.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QScreen
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local, utcnow
from console.core.codes import CaseState
from console.services.statistics import CaseCard, GridSummary, StatisticsService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.charts import DonutChart, colour

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 20.0
TICK_MS = 100
"""How often the progress bar and the clock move; the slide changes on the tick that reaches
its interval, so a slide lasts its interval within one tick."""
DIGIT_WINDOW_MS = 1000
"""Digits typed within this window make one slide number ("1", "2" → slide 12)."""


class SlideKind(enum.Enum):
    CASE = "case"
    GRID = "grid"
    CHART = "chart"
    CAMERA = "camera"


@dataclass(frozen=True, slots=True)
class Slide:
    kind: SlideKind
    title: str
    factory: Callable[[], QWidget]
    """Builds the slide's widget when it comes up; the walkthrough closes and deletes it when
    the slide goes (a camera view should stop its decoding in its closeEvent)."""
    interval_s: float | None = None
    """This slide's own time on screen; None: the walkthrough's interval."""


NEXT_KEYS = frozenset({Qt.Key.Key_Right, Qt.Key.Key_Down, Qt.Key.Key_PageDown, Qt.Key.Key_Space})
PREVIOUS_KEYS = frozenset({Qt.Key.Key_Left, Qt.Key.Key_Up, Qt.Key.Key_PageUp})
PAUSE_KEYS = frozenset({Qt.Key.Key_P, Qt.Key.Key_B, Qt.Key.Key_Period})
RESUME_KEYS = frozenset({Qt.Key.Key_F5})
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}


def default_screen(avoid: QScreen | None = None) -> QScreen:
    """The first screen other than `avoid` (the main window's), else the primary one."""
    screens = QGuiApplication.screens()
    for screen in screens:
        if screen is not avoid:
            return screen
    return QGuiApplication.primaryScreen()


def zoom_for(screen: QScreen) -> float:
    """How much larger than the application's type: the big-screen size for that screen."""
    app_scale = theme.scaled(1000) / 1000
    return max(1.0, theme.big_screen_scale(screen.geometry().height()) / app_scale)


def apply_zoom(widget: QWidget, zoom: float) -> None:
    """Large type for a slide's widget: charts and cards grow by `zoom`; other widgets get a
    larger font (a style sheet with fixed sizes wins, so slides should not set one)."""
    font = widget.font()
    font.setPointSizeF(font.pointSizeF() * zoom)
    widget.setFont(font)
    for w in [widget, *widget.findChildren(QWidget)]:
        set_zoom = getattr(w, "set_zoom", None)
        if callable(set_zoom):
            set_zoom(zoom)


class Walkthrough(QWidget):
    """Full screen on one monitor; cycles by itself every `interval_s` unless paused."""

    slide_changed = Signal(int)
    paused_changed = Signal(bool)
    closed = Signal()

    def __init__(
        self,
        slides: Sequence[Slide],
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
        screen: QScreen | None = None,
        parent: QWidget | None = None,
    ) -> None:
        if not slides:
            raise ValueError("a walkthrough needs at least one slide")
        # A window of its own (never a child of the main window) so it can sit full screen
        # on another monitor while the main window keeps working.
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.FramelessWindowHint)
        self.setObjectName("walkthrough")
        self.setWindowTitle(self.tr("Walkthrough"))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.slides = list(slides)
        self.interval_ms = max(1, round(interval_s * 1000))
        avoid = parent.screen() if parent is not None else None
        self.target_screen = screen or default_screen(avoid)
        self.zoom = zoom_for(self.target_screen)
        self.index = -1
        self.paused = False
        self.current: QWidget | None = None
        self._elapsed_ms = 0.0
        self._digits = ""
        self._clock = QElapsedTimer()

        z = self.zoom
        base = theme.scaled(100) / 100 * z
        self.title_label = QLabel("")
        self.title_label.setStyleSheet(
            f"font-size: {round(26 * base)}px; font-weight: bold; color: {theme.TEXT};"
        )
        self.paused_label = QLabel(self.tr("Paused"))
        self.paused_label.setStyleSheet(
            f"font-size: {round(18 * base)}px; font-weight: bold; color: {theme.BG};"
            f"background: {theme.WARN}; border-radius: {round(4 * base)}px;"
            f"padding: {round(4 * base)}px {round(14 * base)}px;"
        )
        self.paused_label.hide()
        header = QHBoxLayout()
        header.addWidget(self.title_label, 1)
        header.addWidget(self.paused_label)

        self.body = QVBoxLayout()
        self.body.setContentsMargins(0, 0, 0, 0)

        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.progress.setFixedHeight(max(3, round(6 * base)))
        self._style_progress()

        footer_css = f"font-size: {round(14 * base)}px; color: {theme.MUTED};"
        self.position_label = QLabel("")
        self.hint_label = QLabel(self.tr("→ next   ← previous   P pause   1–9 go to   Esc leave"))
        self.clock_label = QLabel("")
        for label in (self.position_label, self.hint_label, self.clock_label):
            label.setStyleSheet(footer_css)
        footer = QHBoxLayout()
        footer.addWidget(self.position_label)
        footer.addStretch(1)
        footer.addWidget(self.hint_label)
        footer.addStretch(1)
        footer.addWidget(self.clock_label)

        layout = QVBoxLayout(self)
        m = round(24 * base)
        layout.setContentsMargins(m, round(m * 0.6), m, round(m * 0.5))
        layout.setSpacing(round(10 * base))
        layout.addLayout(header)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.progress)
        layout.addLayout(footer)
        self.setStyleSheet(f"QWidget#walkthrough {{ background: {theme.BG}; }}")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)

        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._digit_timer = QTimer(self)
        self._digit_timer.setSingleShot(True)
        self._digit_timer.setInterval(DIGIT_WINDOW_MS)
        self._digit_timer.timeout.connect(self._forget_digits)

    # --- showing

    def start(self) -> None:
        """Full screen on the target monitor, first slide, the cycle running."""
        self.winId()  # create the native window so it can be placed on its screen
        handle = self.windowHandle()
        if handle is not None:
            handle.setScreen(self.target_screen)
        self.setGeometry(self.target_screen.geometry())
        self.showFullScreen()
        self.activateWindow()
        self.setFocus()
        self.go_to(0)
        self._clock.start()
        self._tick.start()
        self._update_clock()

    def go_to(self, index: int) -> None:
        index = max(0, min(index, len(self.slides) - 1))
        self._elapsed_ms = 0.0
        self._clock.restart()
        if index == self.index and self.current is not None:
            self._update_progress()
            return
        self._drop_current()
        self.index = index
        slide = self.slides[index]
        try:
            widget = slide.factory()
        except Exception as exc:  # a camera gone, a case deleted: say so, keep presenting
            log.exception("walkthrough slide %r could not be built", slide.title)
            widget = QLabel(self.tr("This slide cannot be shown: {reason}").format(reason=exc))
            widget.setAlignment(Qt.AlignmentFlag.AlignCenter)
            widget.setWordWrap(True)
        apply_zoom(widget, self.zoom)
        for w in [widget, *widget.findChildren(QWidget)]:
            # Keys are the presenter's: no slide widget may take them.
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.current = widget
        self.body.addWidget(widget)
        self.title_label.setText(slide.title)
        self.position_label.setText(f"{index + 1} / {len(self.slides)}")
        self._update_progress()
        self.slide_changed.emit(index)

    def next(self) -> None:
        self.go_to((self.index + 1) % len(self.slides))

    def previous(self) -> None:
        self.go_to((self.index - 1) % len(self.slides))

    def set_paused(self, paused: bool) -> None:
        if paused == self.paused:
            return
        self.paused = paused
        self._clock.restart()
        self.paused_label.setVisible(paused)
        self._style_progress()
        self.paused_changed.emit(paused)

    def toggle_pause(self) -> None:
        self.set_paused(not self.paused)

    def advance_time(self, seconds: float) -> None:
        """Let `seconds` of slide time pass now, as the ticks would (tests, a remote's skip)."""
        if not self.paused:
            self._elapsed_ms += seconds * 1000
        self._check_elapsed()

    @property
    def elapsed_s(self) -> float:
        return self._elapsed_ms / 1000

    # --- time

    def _on_tick(self) -> None:
        passed = self._clock.restart()
        if not self.paused:
            self._elapsed_ms += passed
        self._check_elapsed()
        self._update_clock()

    def _check_elapsed(self) -> None:
        if self._elapsed_ms >= self.current_interval_ms():
            self.next()
        else:
            self._update_progress()

    def _update_progress(self) -> None:
        share = self._elapsed_ms / self.current_interval_ms()
        self.progress.setValue(min(1000, round(1000 * share)))

    def current_interval_ms(self) -> int:
        own = self.slides[self.index].interval_s if self.index >= 0 else None
        return max(1, round(own * 1000)) if own is not None else self.interval_ms

    def _update_clock(self) -> None:
        self.clock_label.setText(f"{to_local(utcnow()):%H:%M:%S}")

    def _style_progress(self) -> None:
        chunk = theme.WARN if self.paused else theme.ACCENT
        self.progress.setStyleSheet(
            f"QProgressBar {{ background: {theme.PANEL}; border: none; }}"
            f"QProgressBar::chunk {{ background: {chunk}; }}"
        )

    # --- keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in NEXT_KEYS:
            self.next()
        elif key in PREVIOUS_KEYS:
            self.previous()
        elif key in PAUSE_KEYS:
            self.toggle_pause()
        elif key in RESUME_KEYS:
            self.set_paused(False)
            self.go_to(self.index)
        elif key == Qt.Key.Key_Home:
            self.go_to(0)
        elif key == Qt.Key.Key_End:
            self.go_to(len(self.slides) - 1)
        elif key == Qt.Key.Key_Escape:
            self.close()
        elif key in DIGIT_KEYS:
            self._digit(DIGIT_KEYS[key])
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    def _digit(self, d: int) -> None:
        typed = self._digits + str(d)
        if not 1 <= int(typed) <= len(self.slides):
            typed = str(d)
        self._digits = typed
        self._digit_timer.start()
        n = int(typed)
        if 1 <= n <= len(self.slides):
            self.go_to(n - 1)

    def _forget_digits(self) -> None:
        self._digits = ""

    # --- leaving

    def _drop_current(self) -> None:
        if self.current is not None:
            self.body.removeWidget(self.current)
            self.current.close()
            self.current.deleteLater()
            self.current = None

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tick.stop()
        self._digit_timer.stop()
        self._drop_current()
        super().closeEvent(event)
        self.closed.emit()


# --- slides this module can build itself


class _LoadingSlide(QWidget):
    """A slide that fetches its data when built and stops fetching when closed."""

    def __init__(self) -> None:
        super().__init__()
        self._tasks = TaskGroup(self)
        self._zoom = 1.0

    def set_zoom(self, zoom: float) -> None:
        self._zoom = zoom

    def px(self, n: float) -> int:
        return round(theme.scaled(100) / 100 * n * self._zoom)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._tasks.cancel_all()
        super().closeEvent(event)


def _label(
    text: str, size: int, colour: str = theme.TEXT, *, bold: bool = False, wrap: bool = True
) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setProperty("slide-size", size)
    label.setProperty("slide-colour", colour)
    label.setProperty("slide-bold", bold)
    return label


def _size_labels(root: QWidget, px: Callable[[float], int]) -> None:
    for label in root.findChildren(QLabel):
        size = label.property("slide-size")
        if size is None:
            continue
        weight = "bold" if label.property("slide-bold") else "normal"
        label.setStyleSheet(
            f"font-size: {px(size)}px; font-weight: {weight};"
            f"color: {label.property('slide-colour')};"
        )


class CaseSlide(_LoadingSlide):
    """One case as a card: number, title, state, deadline, supervision, latest flow steps."""

    def __init__(self, service: StatisticsService, case_id: int) -> None:
        super().__init__()
        self.case_id = case_id
        self.card: CaseCard | None = None
        self.layout_ = QVBoxLayout(self)
        self.placeholder = _label(self.tr("Loading…"), 20, theme.MUTED)
        self.layout_.addWidget(self.placeholder)
        self._tasks.start(service.case_card(case_id), self.show_card)

    def set_zoom(self, zoom: float) -> None:
        super().set_zoom(zoom)
        _size_labels(self, self.px)

    def show_card(self, card: CaseCard | None) -> None:
        self.card = card
        if card is None:
            self.placeholder.setText(self.tr("Case {id} no longer exists").format(id=self.case_id))
            return
        self.placeholder.hide()
        lang = current_lang()
        frame = QFrame()
        frame.setProperty("role", "card")
        v = QVBoxLayout(frame)
        v.setContentsMargins(self.px(28), self.px(20), self.px(28), self.px(20))
        v.setSpacing(self.px(10))
        v.addWidget(_label(card.number, 18, theme.MUTED))
        v.addWidget(_label(card.title, 34, bold=True))
        chips = QHBoxLayout()
        chips.setSpacing(self.px(28))
        deadline = f"{to_local(card.deadline):%Y-%m-%d}" if card.deadline is not None else "—"
        for caption, value, c in (
            (self.tr("State"), card.state.label(lang), theme.ACCENT),
            (
                self.tr("Deadline"),
                f"{deadline}  {card.deadline_status.label(lang)}",
                theme.DEADLINE_COLOURS[card.deadline_status.code],
            ),
            (
                self.tr("Supervision"),
                card.supervision.label(lang),
                theme.SUPERVISION_COLOURS[card.supervision.code],
            ),
            (self.tr("Category"), card.category.label(lang), theme.TEXT),
        ):
            box = QVBoxLayout()
            box.setSpacing(self.px(2))
            box.addWidget(_label(caption, 15, theme.MUTED, wrap=False))
            box.addWidget(_label(value, 24, c, bold=True, wrap=False))
            box.addStretch(1)
            chips.addLayout(box)
        chips.addStretch(1)
        v.addLayout(chips)
        where = " · ".join(s for s in (card.grid_name, card.responsible_unit) if s)
        if where:
            v.addWidget(_label(where, 18, theme.MUTED))
        v.addWidget(_label(self.tr("Latest steps"), 16, theme.MUTED, bold=True))
        for step in card.latest_steps:
            line = f"{to_local(step.at):%m-%d %H:%M}   {step.action.label(lang)}"
            if step.opinion:
                line += f" — {step.opinion}"
            v.addWidget(_label(line, 20))
        v.addStretch(1)
        self.layout_.addWidget(frame, 1)
        _size_labels(self, self.px)


class GridSlide(_LoadingSlide):
    """One grid: its cases by state as a donut, open and overdue counts in large type."""

    def __init__(self, service: StatisticsService, grid_id: int) -> None:
        super().__init__()
        self.grid_id = grid_id
        self.summary: GridSummary | None = None
        self.donut = DonutChart(self.tr("Cases by state"), caption=self.tr("cases"))
        self.total = _label("—", 44, theme.TEXT, bold=True)
        self.open = _label("—", 44, theme.WARN, bold=True)
        self.overdue = _label("—", 44, theme.ALERT, bold=True)
        figures = QVBoxLayout()
        for caption, label in (
            (self.tr("All cases"), self.total),
            (self.tr("Open"), self.open),
            (self.tr("Overdue now"), self.overdue),
        ):
            figures.addWidget(_label(caption, 16, theme.MUTED))
            figures.addWidget(label)
        figures.addStretch(1)
        row = QHBoxLayout(self)
        row.addWidget(self.donut, 3)
        row.addLayout(figures, 1)
        self._tasks.start(service.grid_summary(grid_id), self.show_summary)

    def set_zoom(self, zoom: float) -> None:
        super().set_zoom(zoom)
        _size_labels(self, self.px)

    def show_summary(self, summary: GridSummary) -> None:
        self.summary = summary
        lang = current_lang()
        self.donut.set_items(
            [
                (CaseState(c.key).label(lang), c.value, colour(i))
                for i, c in enumerate(summary.by_state)
            ]
        )
        self.total.setText(f"{summary.total:,}")
        self.open.setText(f"{summary.open:,}")
        self.overdue.setText(f"{summary.overdue:,}")


def case_slide(service: StatisticsService, case_id: int, title: str) -> Slide:
    return Slide(SlideKind.CASE, title, lambda: CaseSlide(service, case_id))


def grid_slide(service: StatisticsService, grid_id: int, name: str) -> Slide:
    return Slide(SlideKind.GRID, name, lambda: GridSlide(service, grid_id))


# --- choosing what to show


class WalkthroughSetup(QDialog):
    """Pick slides (from the list the caller offers, in order), the monitor and the interval."""

    def __init__(
        self,
        slides: Sequence[Slide],
        parent: QWidget | None = None,
        *,
        interval_s: float = DEFAULT_INTERVAL_S,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Walkthrough"))
        self._offered = list(slides)
        kinds = {
            SlideKind.CASE: self.tr("Case"),
            SlideKind.GRID: self.tr("Grid"),
            SlideKind.CHART: self.tr("Chart"),
            SlideKind.CAMERA: self.tr("Camera"),
        }
        self.list = QListWidget()
        for i, slide in enumerate(self._offered):
            item = QListWidgetItem(f"[{kinds[slide.kind]}]  {slide.title}")
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            item.setData(Qt.ItemDataRole.UserRole, i)
            self.list.addItem(item)
        self.all_box = QCheckBox(self.tr("All"))
        self.all_box.setChecked(True)
        self.all_box.toggled.connect(self._check_all)
        up = QPushButton(self.tr("Move up"))
        down = QPushButton(self.tr("Move down"))
        up.clicked.connect(lambda: self._move(-1))
        down.clicked.connect(lambda: self._move(1))
        order = QHBoxLayout()
        order.addWidget(self.all_box)
        order.addStretch(1)
        order.addWidget(up)
        order.addWidget(down)

        self.screen_box = QComboBox()
        avoid = parent.screen() if parent is not None else None
        preferred = default_screen(avoid)
        primary = QGuiApplication.primaryScreen()
        for screen in QGuiApplication.screens():
            g = screen.geometry()
            text = f"{screen.name()} — {g.width()}×{g.height()}"
            if screen is primary:
                text += " " + self.tr("(primary)")
            self.screen_box.addItem(text, screen)
            if screen is preferred:
                self.screen_box.setCurrentIndex(self.screen_box.count() - 1)
        self.interval_box = QSpinBox()
        self.interval_box.setRange(5, 600)
        self.interval_box.setSuffix(self.tr(" s"))
        self.interval_box.setValue(round(interval_s))

        form = QFormLayout()
        form.addRow(self.tr("Screen"), self.screen_box)
        form.addRow(self.tr("Each slide for"), self.interval_box)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Start"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(lambda _i: self._update_ok())

        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Slides, in the order shown")))
        layout.addWidget(self.list, 1)
        layout.addLayout(order)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.resize(theme.scaled(640), theme.scaled(560))
        self._update_ok()

    def _check_all(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        for i in range(self.list.count()):
            self.list.item(i).setCheckState(state)

    def _move(self, delta: int) -> None:
        row = self.list.currentRow()
        target = row + delta
        if row < 0 or not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentRow(target)

    def _update_ok(self) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(
            bool(self.chosen_slides())
        )

    def chosen_slides(self) -> list[Slide]:
        chosen = []
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                chosen.append(self._offered[item.data(Qt.ItemDataRole.UserRole)])
        return chosen

    def chosen_screen(self) -> QScreen:
        screen: QScreen = self.screen_box.currentData()
        return screen

    def interval_s(self) -> float:
        return float(self.interval_box.value())

    def create_walkthrough(self) -> Walkthrough:
        """The walkthrough as chosen, not yet started: connect `closed`, then call `start()`."""
        return Walkthrough(
            self.chosen_slides(),
            interval_s=self.interval_s(),
            screen=self.chosen_screen(),
            parent=self.parentWidget(),
        )
