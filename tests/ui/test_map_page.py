"""The map page: the demo region with cameras and risk points from a real store; click, zoom."""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent
from PySide6.QtWidgets import QApplication

from console.core.codes import (
    CameraStatus,
    CaseSource,
    CaseState,
    DisputeCategory,
    EventScale,
    RiskLevel,
    Urgency,
)
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.services.map_data import MapDataService
from console.store.models import Camera, Case, WorkspaceSetting
from console.store.repos.map_points import TILE_URL_KEY
from console.store.store import Store
from console.ui.assessment.map_page import MapPage
from tests.ui.conftest import run_until

# A street corner in 江城区 (a demo grid's neighbourhood) and a village far to the west.
TOWN = (120.1194, 29.3117)
VILLAGE = (119.70, 29.10)


def _seed(store: Store) -> dict[str, int]:
    now = datetime.now(UTC).replace(tzinfo=None)

    def write(session):  # type: ignore[no-untyped-def]
        # Forty cameras within ~100 m of the corner: one cluster from afar, forty dots close up.
        for i in range(40):
            session.add(
                Camera(
                    device_id=f"339902010013200{i:05d}",
                    name=f"街口{i}号",
                    status=CameraStatus.ONLINE.code,
                    longitude=TOWN[0] + (i % 8) * 0.0002,
                    latitude=TOWN[1] + (i // 8) * 0.0002,
                )
            )
        session.add(
            Camera(
                device_id="33990201001320099999",
                name="村口",
                status=CameraStatus.OFFLINE.code,
                longitude=VILLAGE[0],
                latitude=VILLAGE[1],
            )
        )

        def case(number: str, lon: float, lat: float, state: CaseState, risk: RiskLevel) -> Case:
            return Case(
                number=number,
                title=f"{number}号纠纷",
                scale=EventScale.INDIVIDUAL.code,
                category=DisputeCategory.NEIGHBOUR.code,
                urgency=Urgency.NORMAL.code,
                source=CaseSource.WALK_IN.code,
                risk_level=risk.code,
                state=state.code,
                longitude=lon,
                latitude=lat,
                created_at=now,
                updated_at=now,
            )

        open_case = case("LJ-1", VILLAGE[0] + 0.01, VILLAGE[1], CaseState.ACCEPTED, RiskLevel.HIGH)
        closed = case("LJ-2", VILLAGE[0] - 0.01, VILLAGE[1], CaseState.CLOSED, RiskLevel.LOW)
        session.add_all([open_case, closed])
        session.flush()
        return {"open": open_case.id, "closed": closed.id}, None

    ids, _ = store.write_sync(write)
    return ids


@pytest.fixture
def page(qtbot, qloop, store: Store):  # type: ignore[no-untyped-def]
    ids = _seed(store)
    page = MapPage(MapDataService(store))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.load()
    run_until(
        qloop,
        lambda: (
            page.loaded_region is not None
            and len(page.canvas.cameras.ids) == 41
            and len(page.canvas.cases.ids) == 1
        ),
    )
    page.ids = ids
    yield page
    page.close_panel()


def test_map_loads_the_demo_region_with_points(page) -> None:  # type: ignore[no-untyped-def]
    region = page.loaded_region
    assert len(region.grids) == 300 and region.outlines[0].name == "临江市"
    canvas = page.canvas
    # Closed cases are hidden until asked for.
    assert canvas.case(page.ids["open"]) is not None and canvas.case(page.ids["closed"]) is None
    page.closed_box.setChecked(True)
    assert canvas.case(page.ids["closed"]) is not None
    # The whole region is in view, with the tile server never configured.
    pos = canvas.screen_pos(*VILLAGE)
    assert canvas.rect().contains(pos.toPoint())
    assert canvas._tile_url is None and canvas._net is None
    assert "41" in page.status.text()
    image = page.grab().toImage()
    assert image.width() == 1280
    grid = canvas.grid_at(canvas.screen_pos(120.119416, 29.311706))
    assert grid is not None and grid.code == "339902001001001"
    # A walkthrough can show one grid, or one case, on the whole map.
    assert canvas.focus_grid("339902001001001")
    assert canvas.grid_at(QPointF(canvas.width() / 2, canvas.height() / 2)).code == grid.code
    assert canvas.view.zoom > 13 and not canvas.focus_grid("no-such-grid")
    assert canvas.focus_case(page.ids["open"])
    assert canvas.item_at(QPointF(canvas.width() / 2, canvas.height() / 2)) == (
        "case",
        page.ids["open"],
    )
    assert not canvas.focus_case(page.ids["closed"] + 100)


def test_clicking_a_case_point_emits_its_id(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas = page.canvas
    canvas.centre_on(*VILLAGE, zoom=15.5)
    chosen: list[int] = []
    cameras: list[int] = []
    page.case_chosen.connect(chosen.append)
    page.camera_chosen.connect(cameras.append)
    case_pos = canvas.screen_pos(VILLAGE[0] + 0.01, VILLAGE[1]).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=case_pos)
    assert chosen == [page.ids["open"]]
    camera_pos = canvas.screen_pos(*VILLAGE).toPoint()
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=camera_pos)
    assert len(cameras) == 1 and canvas.camera(cameras[0]).name == "村口"
    # Empty ground chooses nothing.
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=camera_pos + QPoint(60, 60))
    assert chosen == [page.ids["open"]] and len(cameras) == 1
    assert "LJ-1" in canvas.tooltip_text(QPointF(case_pos))

    # A drag that starts on the case pans the map and chooses nothing.
    before = canvas.screen_pos(*VILLAGE)
    start, end = QPointF(case_pos), QPointF(case_pos) + QPointF(50, 30)
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    mods = Qt.KeyboardModifier.NoModifier
    for kind, at, button, buttons in (
        (QEvent.Type.MouseButtonPress, start, left, left),
        (QEvent.Type.MouseMove, start + QPointF(10, 6), none, left),
        (QEvent.Type.MouseMove, end, none, left),
        (QEvent.Type.MouseButtonRelease, end, left, none),
    ):
        QApplication.sendEvent(canvas, QMouseEvent(kind, at, at, button, buttons, mods))
    assert chosen == [page.ids["open"]]
    moved = canvas.screen_pos(*VILLAGE) - before
    assert (moved.x(), moved.y()) == pytest.approx((50, 30))


def test_zooming_in_breaks_the_cluster_into_points(page, qtbot) -> None:  # type: ignore[no-untyped-def]
    canvas = page.canvas
    corner = canvas.screen_pos(*TOWN)
    hit = canvas.item_at(corner + QPointF(4, -4))
    assert hit is not None and hit[0] == "camera-cluster"
    page.grab()
    assert canvas.frame_stats["clusters"] >= 1
    assert canvas.frame_stats["points"] < 41

    zoom = canvas.view.zoom
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=(corner + QPointF(4, -4)).toPoint())
    assert canvas.view.zoom == pytest.approx(zoom + 1), "a click on a cluster zooms into it"

    canvas.centre_on(*TOWN, zoom=17)
    assert canvas.item_at(canvas.screen_pos(*TOWN))[0] == "camera"
    page.grab()
    assert canvas.frame_stats["clusters"] == 0
    assert canvas.frame_stats["points"] == 40

    page.layer_boxes["clusters"].setChecked(False)
    canvas.fit()
    page.grab()
    assert canvas.frame_stats["clusters"] == 0 and canvas.frame_stats["points"] == 42
    page.zoom_in.click()
    assert canvas.view.zoom == pytest.approx(zoom + 1)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.view.zoom == pytest.approx(zoom)
    centre = (canvas.view.cx, canvas.view.cy)
    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    assert canvas.view.cx > centre[0] and canvas.view.cy == centre[1]
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert (canvas.view.cx, canvas.view.cy) == pytest.approx(centre)


def test_store_changes_move_the_points(page, qloop, store: Store) -> None:  # type: ignore[no-untyped-def]
    case_id = page.ids["open"]

    def escalate(session):  # type: ignore[no-untyped-def]
        row = session.get(Case, case_id)
        row.risk_level = RiskLevel.CRITICAL.code
        return None, None

    store.write_sync(escalate)
    page.apply_changes(
        ChangeSet(
            Operation.CASE_EDITED, None, (change(Entity.CASE, ChangeAction.UPDATED, case_id),)
        )
    )
    run_until(qloop, lambda: page.canvas.case(case_id).risk_level == RiskLevel.CRITICAL.code)

    def close(session):  # type: ignore[no-untyped-def]
        session.get(Case, case_id).state = CaseState.CLOSED.code
        return None, None

    store.write_sync(close)
    page.apply_changes(
        ChangeSet(
            Operation.CASE_ADVANCED, None, (change(Entity.CASE, ChangeAction.UPDATED, case_id),)
        )
    )
    run_until(qloop, lambda: page.canvas.case(case_id) is None)

    # A camera goes offline, another one is moved: the map follows both.
    canvas = page.canvas
    first, last = int(canvas.cameras.ids[0]), int(canvas.cameras.ids[-1])
    colour_before = int(canvas.cameras.colour[canvas.cameras.row[first]])

    def offline(session):  # type: ignore[no-untyped-def]
        session.get(Camera, first).status = CameraStatus.OFFLINE.code
        return None, None

    store.write_sync(offline)
    page.apply_changes(
        ChangeSet(
            Operation.CAMERA_UPDATED, None, (change(Entity.CAMERA, ChangeAction.UPDATED, first),)
        )
    )
    run_until(qloop, lambda: canvas.camera(first).status == CameraStatus.OFFLINE.code)
    assert int(canvas.cameras.colour[canvas.cameras.row[first]]) != colour_before

    def move(session):  # type: ignore[no-untyped-def]
        row = session.get(Camera, last)
        row.longitude, row.latitude = TOWN
        return None, None

    store.write_sync(move)
    page.apply_changes(
        ChangeSet(
            Operation.CAMERA_UPDATED, None, (change(Entity.CAMERA, ChangeAction.UPDATED, last),)
        )
    )
    run_until(qloop, lambda: canvas.camera(last).lon == TOWN[0])
    canvas.centre_on(*VILLAGE, zoom=17)
    assert canvas.item_at(canvas.screen_pos(*VILLAGE)) is None, "nothing left at the village"


def test_heat_layer_is_computed_off_the_gui_thread(page, qloop) -> None:  # type: ignore[no-untyped-def]
    canvas = page.canvas
    assert canvas._heat is None
    page.layer_boxes["heat"].setChecked(True)
    run_until(qloop, lambda: canvas._heat is not None and not canvas.heat_pending())
    image, _bounds = canvas._heat
    assert not image.isNull() and image.width() > 10
    page.grab()


def test_an_invalid_map_file_is_refused_with_reason_and_line(
    qtbot, qloop, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "city.geojson"
    bad.write_text(
        '{"type": "FeatureCollection", "features": [\n'
        ' {"type": "Feature", "properties": {"code": "1"},\n'
        '  "geometry": {"type": "Polygon",\n'
        '   "coordinates": [[[120, 29], [121, 29], [121, 30], [120, 30]]]}}\n'
        "]}\n",
        encoding="utf-8",
    )
    page = MapPage(MapDataService(store, geojson=bad))
    qtbot.addWidget(page)
    page.resize(1280, 800)
    page.show()
    page.load()
    try:
        run_until(qloop, lambda: bool(page.canvas.error))
        assert "city.geojson 第 4 行" in page.canvas.error and "未闭合" in page.canvas.error
        assert page.loaded_region is None
        page.grab()
    finally:
        page.close_panel()


def test_tiles_come_only_from_a_configured_server(
    qtbot, qloop, store: Store, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    tile = tmp_path / "tile.png"
    image = QImage(256, 256, QImage.Format.Format_RGB32)
    image.fill(QColor("#ff00ff"))
    assert image.save(str(tile))
    requests: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            body = tile.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, name="test-tile-server")
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"

    def configure(session):  # type: ignore[no-untyped-def]
        session.add(WorkspaceSetting(key=TILE_URL_KEY, value=url))
        return None, None

    page = MapPage(MapDataService(store))
    try:
        store.write_sync(configure)
        qtbot.addWidget(page)
        page.resize(1280, 800)
        page.show()
        page.load()
        canvas = page.canvas
        run_until(qloop, lambda: page.loaded_region is not None and canvas._net is not None)
        page.grab()
        run_until(qloop, lambda: any(t is not None for t in canvas._tiles.values()))
        z = round(canvas.view.zoom)
        assert requests and all(r.startswith(f"/{z}/") and r.endswith(".png") for r in requests)
        # Outside the city the tiles show through.
        shown = canvas.grab().toImage()
        assert shown.pixelColor(4, 4) == QColor("#ff00ff")
    finally:
        page.close_panel()
        server.shutdown()
        server.server_close()
        thread.join()
