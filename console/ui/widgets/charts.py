"""Charts drawn with QPainter (PySide6-Essentials has no QtCharts): bars, stacks, lines, donut, KPI.

Every size is `theme.scaled(px) * zoom`, so a chart grows with the big-screen scale and,
in the walkthrough, with the presentation screen. Each chart keeps its data in plain
tuples and can `clone()` itself, so a walkthrough slide shows a copy of a page's chart.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from console.ui import theme

PALETTE = (
    theme.ACCENT,
    theme.OK,
    theme.WARN,
    theme.ALERT,
    "#9b7bff",
    "#26c6da",
    "#f8d347",
    "#ff7a45",
    "#7ed6a0",
    "#e056fd",
)
"""Series colours: the theme's first, then a few that stay apart from them on the dark panel."""


DONUT_MAX_SLICES = 9
"""More slices than this read as noise: the smallest are summed into one "other" slice."""


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def nice_ticks(top: float, count: int = 5, *, integer: bool = True) -> list[float]:
    """Round tick values from 0 to at least `top` (1-2-2.5-5 steps)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = magnitude
    for m in (1, 2, 2.5, 5, 10):
        step = m * magnitude
        if step >= raw and (not integer or step == int(step) or step >= 1):
            break
    if integer:
        step = max(1.0, math.ceil(step))
    n = math.ceil(top / step - 1e-9)
    return [i * step for i in range(n + 1)]


def _count(v: float) -> str:
    return f"{round(v):,}"


def percent(v: float) -> str:
    return f"{v * 100:.0f}%"


class Chart(QWidget):
    """A titled panel; subclasses paint the body below the title."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._zoom = 1.0
        self.empty_text = self.tr("No data for this period")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(self.px(260), self.px(180))

    # --- sizes and fonts

    def px(self, n: float) -> int:
        return max(1, round(theme.scaled(100) / 100 * n * self._zoom))

    def set_zoom(self, zoom: float) -> None:
        """Type and strokes this much larger (the walkthrough on a presentation screen)."""
        self._zoom = zoom
        self.setMinimumSize(self.px(260), self.px(180))
        self.updateGeometry()
        self.update()

    @property
    def zoom(self) -> float:
        return self._zoom

    def text_font(self, size: float, *, bold: bool = False) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(self.px(size))
        font.setBold(bold)
        return font

    def title(self) -> str:
        return self._title

    def set_title(self, title: str) -> None:
        self._title = title
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(self.px(480), self.px(300))

    # --- painting

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        p.setPen(QPen(QColor(theme.LINE), 1))
        p.setBrush(QColor(theme.PANEL))
        p.drawRoundedRect(r, self.px(4), self.px(4))
        pad = self.px(12)
        body = r.adjusted(pad, pad, -pad, -pad)
        if self._title:
            font = self.text_font(16, bold=True)
            p.setFont(font)
            p.setPen(QColor(theme.TEXT))
            h = QFontMetrics(font).height()
            title_rect = QRectF(body.left(), body.top(), body.width(), h)
            p.drawText(
                title_rect,
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                QFontMetrics(font).elidedText(
                    self._title, Qt.TextElideMode.ElideRight, int(body.width())
                ),
            )
            body.setTop(body.top() + h + self.px(8))
        if self.has_data():
            self.paint_body(p, body)
        else:
            p.setFont(self.text_font(14))
            p.setPen(QColor(theme.MUTED))
            p.drawText(body, Qt.AlignmentFlag.AlignCenter, self.empty_text)
        p.end()

    def has_data(self) -> bool:
        return False

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        raise NotImplementedError

    def clone(self) -> Chart:
        raise NotImplementedError

    # --- shared pieces

    def _legend(self, p: QPainter, area: QRectF, items: Sequence[tuple[str, str]]) -> float:
        """Swatches and names left to right, wrapping; returns the height used."""
        font = self.text_font(13)
        fm = QFontMetrics(font)
        p.setFont(font)
        sw = self.px(12)
        gap = self.px(16)
        x, y = area.left(), area.top()
        line = fm.height()
        for name, c in items:
            w = sw + self.px(6) + fm.horizontalAdvance(name)
            if x > area.left() and x + w > area.right():
                x = area.left()
                y += line + self.px(4)
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(c))
            p.drawRoundedRect(QRectF(x, y + (line - sw) / 2, sw, sw), self.px(2), self.px(2))
            p.setPen(QColor(theme.TEXT))
            p.drawText(
                QRectF(x + sw + self.px(6), y, w, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x += w + gap
        return y + line - area.top()

    def _y_axis(
        self, p: QPainter, area: QRectF, ticks: Sequence[float], fmt: Callable[[float], str]
    ) -> QRectF:
        """Grid lines and tick labels; returns the plot rectangle right of the labels."""
        font = self.text_font(12)
        fm = QFontMetrics(font)
        label_w = max(fm.horizontalAdvance(fmt(t)) for t in ticks) + self.px(8)
        plot = QRectF(area.left() + label_w, area.top() + fm.height() / 2, 0, 0)
        plot.setRight(area.right())
        plot.setBottom(area.bottom())
        p.setFont(font)
        top = ticks[-1] or 1.0
        for t in ticks:
            y = plot.bottom() - plot.height() * t / top
            p.setPen(QPen(QColor(theme.LINE), 1))
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                QRectF(area.left(), y - fm.height() / 2, label_w - self.px(6), fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fmt(t),
            )
        return plot

    def _x_labels(self, p: QPainter, plot: QRectF, labels: Sequence[str], y: float) -> None:
        """Category labels under the slots, thinned so none overlaps; the last always shown."""
        if not labels:
            return
        font = self.text_font(12)
        fm = QFontMetrics(font)
        p.setFont(font)
        p.setPen(QColor(theme.MUTED))
        slot = plot.width() / len(labels)
        widest = max(fm.horizontalAdvance(s) for s in labels) + self.px(10)
        step = max(1, math.ceil(widest / slot))
        n = len(labels)
        for i, text in enumerate(labels):
            if (n - 1 - i) % step:
                continue
            cx = plot.left() + slot * (i + 0.5)
            w = widest
            rect = QRectF(cx - w / 2, y, w, fm.height())
            if rect.left() < plot.left() - self.px(40):
                rect.moveLeft(plot.left() - self.px(40))
            if rect.right() > plot.right():
                rect.moveRight(plot.right())
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    colour: str


class BarChart(Chart):
    """Horizontal bars, largest first: long Chinese names read well on the left."""

    def __init__(
        self,
        title: str = "",
        parent: QWidget | None = None,
        *,
        bar_colour: str = theme.ACCENT,
        fmt: Callable[[float], str] = _count,
    ) -> None:
        super().__init__(title, parent)
        self._items: tuple[tuple[str, float], ...] = ()
        self._bar_colour = bar_colour
        self._fmt = fmt

    def set_items(self, items: Sequence[tuple[str, float]]) -> None:
        self._items = tuple(items)
        self.update()

    def items(self) -> tuple[tuple[str, float], ...]:
        return self._items

    def has_data(self) -> bool:
        return any(v for _n, v in self._items)

    def clone(self) -> BarChart:
        c = BarChart(self._title, bar_colour=self._bar_colour, fmt=self._fmt)
        c.set_items(self._items)
        return c

    def shown_items(self, rows: int) -> tuple[list[tuple[str, float]], tuple[str, float] | None]:
        """The bars that fit `rows`, and the rest summed into one line of text (not a bar: a
        long tail's sum would dwarf the bars shown)."""
        items = list(self._items)
        if len(items) <= rows:
            return items, None
        keep = items[: max(rows - 1, 1)]
        rest = items[len(keep) :]
        label = self.tr("Other (%n)", "", len(rest))
        return keep, (label, sum(v for _n, v in rest))

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        font = self.text_font(13)
        fm = QFontMetrics(font)
        tick_font_h = QFontMetrics(self.text_font(12)).height()
        axis_h = tick_font_h + self.px(6)
        row_h = max(fm.height() + self.px(6), self.px(22))
        rows = max(1, int((body.height() - axis_h) // row_h))
        items, rest = self.shown_items(rows)
        top_value = max(v for _n, v in items) or 1
        ticks = nice_ticks(top_value, 5)
        named = [*items, rest] if rest else items
        label_w = min(
            max(fm.horizontalAdvance(n) for n, _v in named) + self.px(10), body.width() * 0.38
        )
        value_w = max(fm.horizontalAdvance(self._fmt(v)) for _n, v in named) + self.px(10)
        plot = QRectF(
            body.left() + label_w,
            body.top(),
            body.width() - label_w - value_w,
            body.height() - axis_h,
        )
        # Ticks along the bottom, grid lines up through the bars.
        tick_font = self.text_font(12)
        tfm = QFontMetrics(tick_font)
        p.setFont(tick_font)
        for t in ticks:
            x = plot.left() + plot.width() * t / ticks[-1]
            p.setPen(QPen(QColor(theme.LINE), 1))
            p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            p.setPen(QColor(theme.MUTED))
            text = self._fmt(t)
            tw = tfm.horizontalAdvance(text)
            p.drawText(
                QRectF(
                    x - tw / 2 - self.px(4),
                    plot.bottom() + self.px(4),
                    tw + self.px(8),
                    tfm.height(),
                ),
                Qt.AlignmentFlag.AlignCenter,
                text,
            )
        bar_h = row_h * 0.62
        p.setFont(font)
        for i, (name, value) in enumerate(items):
            y = plot.top() + i * row_h
            p.setPen(QColor(theme.TEXT))
            p.drawText(
                QRectF(body.left(), y, label_w - self.px(8), row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(name, Qt.TextElideMode.ElideRight, int(label_w - self.px(8))),
            )
            w = plot.width() * value / ticks[-1]
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(self._bar_colour))
            p.drawRoundedRect(
                QRectF(plot.left(), y + (row_h - bar_h) / 2, max(w, 1.0), bar_h),
                self.px(2),
                self.px(2),
            )
            p.setPen(QColor(theme.TEXT))
            p.drawText(
                QRectF(plot.left() + w + self.px(6), y, value_w + plot.width(), row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._fmt(value),
            )
        if rest is not None:
            y = plot.top() + len(items) * row_h
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                QRectF(body.left(), y, label_w - self.px(8), row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(rest[0], Qt.TextElideMode.ElideRight, int(label_w - self.px(8))),
            )
            p.drawText(
                QRectF(plot.left(), y, plot.width() + value_w, row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._fmt(rest[1]),
            )


class StackedBarChart(Chart):
    """Columns over time, each stacked by series, with optional line series on the same axis."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self._labels: tuple[str, ...] = ()
        self._stacks: tuple[Series, ...] = ()
        self._lines: tuple[Series, ...] = ()

    def set_data(
        self, labels: Sequence[str], stacks: Sequence[Series], lines: Sequence[Series] = ()
    ) -> None:
        self._labels = tuple(labels)
        self._stacks = tuple(stacks)
        self._lines = tuple(lines)
        self.update()

    def data(self) -> tuple[tuple[str, ...], tuple[Series, ...], tuple[Series, ...]]:
        return self._labels, self._stacks, self._lines

    def has_data(self) -> bool:
        return bool(self._labels) and any(
            v for s in (*self._stacks, *self._lines) for v in s.values if v
        )

    def clone(self) -> StackedBarChart:
        c = StackedBarChart(self._title)
        c.set_data(self._labels, self._stacks, self._lines)
        return c

    def totals(self) -> list[float]:
        return [sum(s.values[i] or 0 for s in self._stacks) for i in range(len(self._labels))]

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        legend = [(s.name, s.colour) for s in (*self._stacks, *self._lines)]
        used = self._legend(p, body, legend)
        area = body.adjusted(0, used + self.px(8), 0, 0)
        x_label_h = QFontMetrics(self.text_font(12)).height() + self.px(6)
        area.setBottom(area.bottom() - x_label_h)
        line_max = max((v or 0 for s in self._lines for v in s.values), default=0)
        top = max(max(self.totals(), default=0), line_max)
        ticks = nice_ticks(top, 4)
        plot = self._y_axis(p, area, ticks, _count)
        n = len(self._labels)
        slot = plot.width() / n
        bar_w = min(slot * 0.64, self.px(56))
        scale = plot.height() / ticks[-1]
        for i in range(n):
            cx = plot.left() + slot * (i + 0.5)
            y = plot.bottom()
            for s in self._stacks:
                v = s.values[i] or 0
                if not v:
                    continue
                h = v * scale
                p.setPen(Qt.PenStyle.NoPen)
                p.setBrush(QColor(s.colour))
                p.drawRect(QRectF(cx - bar_w / 2, y - h, bar_w, h))
                y -= h
        # Totals above the columns when there is room for the figure.
        font = self.text_font(11)
        fm = QFontMetrics(font)
        totals = self.totals()
        if totals and slot >= fm.horizontalAdvance(_count(max(totals))) + self.px(4):
            p.setFont(font)
            p.setPen(QColor(theme.TEXT))
            for i, t in enumerate(totals):
                if t:
                    cx = plot.left() + slot * (i + 0.5)
                    y = plot.bottom() - t * scale
                    p.drawText(
                        QRectF(cx - slot / 2, y - fm.height() - self.px(2), slot, fm.height()),
                        Qt.AlignmentFlag.AlignCenter,
                        _count(t),
                    )
        for s in self._lines:
            _polyline(p, plot, s, scale, slot, self.px(2.5))
        self._x_labels(p, plot, self._labels, plot.bottom() + self.px(6))


def _polyline(
    p: QPainter, plot: QRectF, s: Series, scale: float, slot: float, width: float
) -> None:
    pen = QPen(QColor(s.colour), width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    p.setBrush(QColor(s.colour))
    prev: QPointF | None = None
    for i, v in enumerate(s.values):
        if v is None:
            prev = None
            continue
        pt = QPointF(plot.left() + slot * (i + 0.5), plot.bottom() - v * scale)
        p.setPen(pen)
        if prev is not None:
            p.drawLine(prev, pt)
        p.setPen(Qt.PenStyle.NoPen)
        p.drawEllipse(pt, width * 1.4, width * 1.4)
        prev = pt


class LineChart(Chart):
    """Lines over time; gaps where a value is None; an optional dashed target line."""

    def __init__(
        self,
        title: str = "",
        parent: QWidget | None = None,
        *,
        fmt: Callable[[float], str] = _count,
        y_max: float | None = None,
    ) -> None:
        super().__init__(title, parent)
        self._fmt = fmt
        self._y_max = y_max
        self._labels: tuple[str, ...] = ()
        self._series: tuple[Series, ...] = ()
        self._target: tuple[float, str] | None = None

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[Series],
        target: tuple[float, str] | None = None,
    ) -> None:
        self._labels = tuple(labels)
        self._series = tuple(series)
        self._target = target
        self.update()

    def data(self) -> tuple[tuple[str, ...], tuple[Series, ...], tuple[float, str] | None]:
        return self._labels, self._series, self._target

    def has_data(self) -> bool:
        return bool(self._labels) and any(v is not None for s in self._series for v in s.values)

    def clone(self) -> LineChart:
        c = LineChart(self._title, fmt=self._fmt, y_max=self._y_max)
        c.set_data(self._labels, self._series, self._target)
        return c

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        legend = [(s.name, s.colour) for s in self._series]
        if self._target is not None:
            legend.append((self._target[1], theme.WARN))
        used = self._legend(p, body, legend)
        area = body.adjusted(0, used + self.px(8), 0, 0)
        area.setBottom(area.bottom() - QFontMetrics(self.text_font(12)).height() - self.px(6))
        if self._y_max is not None:
            ticks = [self._y_max * i / 4 for i in range(5)]
        else:
            top = max((v or 0 for s in self._series for v in s.values), default=0)
            ticks = nice_ticks(top, 4)
        plot = self._y_axis(p, area, ticks, self._fmt)
        scale = plot.height() / (ticks[-1] or 1)
        slot = plot.width() / len(self._labels)
        if self._target is not None:
            y = plot.bottom() - self._target[0] * scale
            pen = QPen(QColor(theme.WARN), self.px(1.5), Qt.PenStyle.DashLine)
            p.setPen(pen)
            p.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        for s in self._series:
            _polyline(p, plot, s, scale, slot, self.px(2.5))
        self._x_labels(p, plot, self._labels, plot.bottom() + self.px(6))


class DonutChart(Chart):
    """Shares of a whole: the donut on the left, a legend with counts and shares beside it."""

    def __init__(
        self, title: str = "", parent: QWidget | None = None, *, caption: str = ""
    ) -> None:
        super().__init__(title, parent)
        self._items: tuple[tuple[str, float, str], ...] = ()
        self.caption = caption

    def set_items(self, items: Sequence[tuple[str, float, str]]) -> None:
        """(label, value, colour) per slice."""
        self._items = tuple((n, v, c) for n, v, c in items if v > 0)
        self.update()

    def items(self) -> tuple[tuple[str, float, str], ...]:
        return self._items

    def has_data(self) -> bool:
        return bool(self._items)

    def clone(self) -> DonutChart:
        c = DonutChart(self._title, caption=self.caption)
        c.set_items(self._items)
        return c

    def shown_items(self, rows: int) -> list[tuple[str, float, str]]:
        items = sorted(self._items, key=lambda it: -it[1])
        rows = min(rows, DONUT_MAX_SLICES)
        if len(items) <= rows:
            return items
        keep = items[: max(rows - 1, 1)]
        rest = items[len(keep) :]
        label = self.tr("Other (%n)", "", len(rest))
        return [*keep, (label, sum(v for _n, v, _c in rest), theme.MUTED)]

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        font = self.text_font(13)
        fm = QFontMetrics(font)
        row_h = fm.height() + self.px(6)
        d = min(body.height(), body.width() * 0.45)
        ring = QRectF(body.left(), body.top() + (body.height() - d) / 2, d, d)
        rows = max(1, int(body.height() // row_h))
        items = self.shown_items(rows)
        total = sum(v for _n, v, _c in items)
        start = 90 * 16
        p.setPen(QPen(QColor(theme.PANEL), self.px(1.5)))
        for _name, v, c in items:
            span = -round(360 * 16 * v / total)
            p.setBrush(QColor(c))
            p.drawPie(ring, start, span)
            start += span
        hole = d * 0.58
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(theme.PANEL))
        p.drawEllipse(ring.center(), hole / 2, hole / 2)
        big = self.text_font(14, bold=True)
        big.setPixelSize(max(self.px(14), int(d * 0.16)))
        p.setFont(big)
        p.setPen(QColor(theme.TEXT))
        bh = QFontMetrics(big).height()
        p.drawText(
            QRectF(ring.left(), ring.center().y() - bh * 0.7, d, bh),
            Qt.AlignmentFlag.AlignCenter,
            _count(total),
        )
        if self.caption:
            p.setFont(self.text_font(12))
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                QRectF(ring.left(), ring.center().y() + bh * 0.3, d, bh),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                self.caption,
            )
        # Legend: name, count and share in columns.
        left = ring.right() + self.px(18)
        width = body.right() - left
        top = body.top() + max(0.0, (body.height() - row_h * len(items)) / 2)
        sw = self.px(12)
        p.setFont(font)
        figures = [f"{_count(v)}  {v / total * 100:.0f}%" for _n, v, _c in items]
        fig_w = max(fm.horizontalAdvance(f) for f in figures)
        for i, ((name, _v, c), fig) in enumerate(zip(items, figures, strict=True)):
            y = top + i * row_h
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(c))
            p.drawRoundedRect(QRectF(left, y + (row_h - sw) / 2, sw, sw), self.px(2), self.px(2))
            name_w = width - sw - self.px(8) - fig_w - self.px(8)
            p.setPen(QColor(theme.TEXT))
            p.drawText(
                QRectF(left + sw + self.px(8), y, max(name_w, 0), row_h),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(name, Qt.TextElideMode.ElideRight, int(max(name_w, 0))),
            )
            p.setPen(QColor(theme.MUTED))
            p.drawText(
                QRectF(body.right() - fig_w, y, fig_w, row_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                fig,
            )


class KpiTile(Chart):
    """One big figure with its caption and a detail line, coloured by how it stands."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.caption = caption
        self._value = "—"
        self._detail = ""
        self._colour = theme.TEXT
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._fit()

    def _fit(self) -> None:
        h = (
            QFontMetrics(self.text_font(36, bold=True)).height()
            + QFontMetrics(self.text_font(14)).height()
            + QFontMetrics(self.text_font(12)).height()
            + self.px(30)
        )
        self.setMinimumSize(self.px(150), h)
        self.setFixedHeight(h)

    def set_zoom(self, zoom: float) -> None:
        super().set_zoom(zoom)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(self.px(220), self.minimumHeight())

    def set_value(self, value: str, detail: str = "", colour: str | None = None) -> None:
        self._value = value
        self._detail = detail
        self._colour = colour or theme.TEXT
        self.update()

    def value(self) -> str:
        return self._value

    def detail(self) -> str:
        return self._detail

    def has_data(self) -> bool:
        return True

    def clone(self) -> KpiTile:
        c = KpiTile(self.caption)
        c.set_value(self._value, self._detail, self._colour)
        return c

    def paint_body(self, p: QPainter, body: QRectF) -> None:
        cap = self.text_font(14)
        val = self.text_font(36, bold=True)
        det = self.text_font(12)
        y = body.top()
        for font, text, c in (
            (cap, self.caption, theme.MUTED),
            (val, self._value, self._colour),
            (det, self._detail, theme.MUTED),
        ):
            fm = QFontMetrics(font)
            p.setFont(font)
            p.setPen(QColor(c))
            p.drawText(
                QRectF(body.left(), y, body.width(), fm.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                fm.elidedText(text, Qt.TextElideMode.ElideRight, int(body.width())),
            )
            y += fm.height() + self.px(3)
