"""The statistics page: charts drawn from a real store, coalesced refresh from change sets,
walkthrough slides of its charts, and layouts that fit 1920×1080 and 3840×2160."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage

from console.core.codes import DisputeCategory
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.services.cases import CaseService
from console.services.statistics import StatisticsService, StatsPeriod
from console.store.repos.cases import NewCase
from console.ui import theme
from console.ui.assessment.stats_page import StatsPage
from console.ui.assessment.walkthrough import SlideKind
from console.ui.widgets.charts import BarChart, Chart, DonutChart, KpiTile, nice_ticks
from tests.ui.conftest import Workspace, run_until


def _page(qtbot, workspace: Workspace, **kw) -> StatsPage:  # type: ignore[no-untyped-def]
    page = StatsPage(StatisticsService(workspace.store), **kw)
    qtbot.addWidget(page)
    page.resize(1900, 960)
    page.show()
    return page


def _pixels_of(image: QImage, colour: str) -> int:
    """How many pixels (on a coarse grid) have exactly this colour."""
    want = QColor(colour).rgb()
    return sum(
        1
        for x in range(0, image.width(), 2)
        for y in range(0, image.height(), 2)
        if image.pixel(x, y) == want
    )


def test_charts_render_the_store(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, workspace)
    page.load()
    run_until(qloop, lambda: page.snapshot is not None)
    snap = page.snapshot
    assert snap is not None and snap.period is StatsPeriod.DAYS_30
    # The workspace registered 30 labour cases just now, all still at 受理.
    assert snap.created == 30
    assert page.category_bars.items() == (("劳资纠纷", 30),)
    assert page.state_donut.items()[0][:2] == ("受理", 30)
    assert page.created_tile.value() == "30"
    assert sum(page.timeline.totals()) == 30
    assert page.timeline.has_data()
    # Five calls wait in the queue and none was answered: no service level to show.
    assert page.service_tile.value() == "—"
    assert not page.service_line.has_data()
    for chart in page.charts():
        assert chart.title()
    # Drawn, not just stored: the bar colour is on the category chart, the empty chart
    # says so instead of drawing lines.
    bars = page.category_bars.grab().toImage()
    assert _pixels_of(bars, theme.ACCENT) > 200
    assert _pixels_of(page.service_line.grab().toImage(), theme.ACCENT) == 0
    page.close_panel()


def test_a_burst_of_changes_is_one_reload(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, workspace, refresh_delay_ms=200)
    page.load()
    run_until(qloop, lambda: page.snapshot is not None)
    loads = page.loads_started
    cases = CaseService(workspace.store, workspace.duty)
    for i in range(5):
        _id, changes = cases.register_sync(
            NewCase(f"邻里噪音{i}", DisputeCategory.NEIGHBOUR, "楼上噪音扰民", None)
        )
        assert changes is not None
        page.apply_changes(changes)
    assert page._coalesce.isActive()
    run_until(qloop, lambda: page.snapshot is not None and page.snapshot.created == 35)
    assert page.loads_started == loads + 1
    assert dict(page.category_bars.items()) == {"劳资纠纷": 30, "邻里纠纷": 5}

    # A change the page does not show (a camera) costs nothing.
    page.apply_changes(
        ChangeSet(
            Operation.CAMERAS_IMPORTED, None, (change(Entity.CAMERA, ChangeAction.CREATED, 1),)
        )
    )
    assert not page._coalesce.isActive()

    # On a hidden tab the page waits until it is shown again.
    page.hide()
    loads = page.loads_started
    _id, changes = cases.register_sync(NewCase("物业收费", DisputeCategory.PROPERTY_MGMT, "", None))
    assert changes is not None
    page.apply_changes(changes)
    qtbot.waitUntil(lambda: not page._coalesce.isActive(), timeout=3000)
    assert page.loads_started == loads
    page.show()
    run_until(qloop, lambda: page.snapshot is not None and page.snapshot.created == 36)
    assert page.loads_started == loads + 1
    page.close_panel()


def test_period_change_reloads_and_slides_copy_the_charts(
    qtbot, qloop, workspace: Workspace
) -> None:  # type: ignore[no-untyped-def]
    page = _page(qtbot, workspace)
    page.load()
    run_until(qloop, lambda: page.snapshot is not None and page.area_box.count() >= 1)
    page.set_period(StatsPeriod.MONTHS_12)
    run_until(qloop, lambda: page.snapshot.period is StatsPeriod.MONTHS_12)  # type: ignore[union-attr]
    assert len(page.snapshot.buckets) == 12  # type: ignore[union-attr]

    slides = page.chart_slides()
    assert [s.kind for s in slides] == [SlideKind.CHART] * 6
    assert all("近12个月" in s.title for s in slides)
    copy = slides[3].factory()  # the category chart
    assert isinstance(copy, BarChart) and copy is not page.category_bars
    assert copy.items() == page.category_bars.items()
    figures = slides[0].factory()
    tiles = figures.findChildren(KpiTile)
    assert [t.value() for t in tiles] == [t.value() for t in page.tiles()]
    copy.deleteLater()
    figures.deleteLater()
    page.close_panel()


@pytest.mark.parametrize(("scale", "size"), [(1.0, (1920, 1080)), (2.5, (3840, 2160))])
def test_layout_fits_the_screen(qtbot, workspace: Workspace, monkeypatch, scale, size) -> None:  # type: ignore[no-untyped-def]
    # The big-screen scale as theme.apply(scale=big_screen_scale(2160)) sets it.
    monkeypatch.setattr(theme, "_scale", scale)
    page = StatsPage(StatisticsService(workspace.store))
    qtbot.addWidget(page)
    hint = page.minimumSizeHint()
    chrome = round(140 * scale)  # the main window's title, tabs and status bar
    assert hint.width() <= size[0] and hint.height() <= size[1] - chrome, hint
    assert page.category_bars.px(10) == round(10 * scale)
    page.close_panel()


def test_chart_pieces() -> None:
    assert nice_ticks(212, 5) == [0, 50, 100, 150, 200, 250]
    assert nice_ticks(7, 4) == [0, 2, 4, 6, 8]
    assert nice_ticks(0) == [0.0, 1.0]
    assert nice_ticks(0.8, 4, integer=False)[-1] >= 0.8


def test_long_tails_fold_into_one_line(qtbot) -> None:  # type: ignore[no-untyped-def]
    bars = BarChart("网格")
    qtbot.addWidget(bars)
    bars.set_items([(f"第{i}网格", 100 - i) for i in range(30)])
    shown, rest = bars.shown_items(8)
    assert len(shown) == 7 and shown[0] == ("第0网格", 100)
    assert rest is not None and rest[1] == sum(100 - i for i in range(7, 30))
    donut = DonutChart("状态")
    qtbot.addWidget(donut)
    donut.set_items([(f"s{i}", 10 + i, "#ffffff") for i in range(13)])
    slices = donut.shown_items(20)
    assert len(slices) == 9 and sum(v for _n, v, _c in slices) == sum(range(10, 23))


def test_zoom_grows_type(qtbot) -> None:  # type: ignore[no-untyped-def]
    chart: Chart = KpiTile("超期率")
    qtbot.addWidget(chart)
    small = chart.text_font(36).pixelSize()
    height = chart.minimumHeight()
    chart.set_zoom(2.0)
    assert chart.text_font(36).pixelSize() == 2 * small
    assert chart.minimumHeight() > 1.8 * height
