"""The painted map of 挂图作战: grids, camera and case points, clusters, heat; pan, zoom, click.

Speed comes from never touching points one by one in Python while painting: coordinates are
projected once into numpy arrays, culled to the viewport per frame, clustered from a
per-zoom index, and single points are stamped into one ARGB32 image that is drawn in a
single call. The heat layer is a cached image recomputed on a named worker thread, only
when the zoom changes (or the view leaves the area it covers).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtNetwork import QNetworkAccessManager, QNetworkReply, QNetworkRequest
from PySide6.QtWidgets import QToolTip, QWidget

from console.core.codes import CameraStatus, CaseState, RiskLevel
from console.core.map_clusters import (
    CLUSTER_CELL_PX,
    RISK_RANK,
    CameraPoint,
    CasePoint,
    ClusterIndex,
    Clusters,
    badge_positions,
    heat_argb,
    heat_grid,
    in_rect,
    nearest,
    stamp_dots,
)
from console.core.map_projection import (
    MapView,
    project,
    project_point,
    tile_bounds,
    tile_url,
    tiles_in_view,
)
from console.services.map_data import GridShape, MapRegion
from console.ui import theme
from console.ui.i18n import current_lang

LAYERS = ("grids", "cameras", "cases", "clusters", "heat")
CAMERA_STATUS_COLOURS = {"online": "#4aa8ff", "offline": "#6b7c8c", "fault": "#c77dff"}
COUNTY_TINTS = (
    "#17324a",
    "#1a3a38",
    "#2a2f4a",
    "#33321f",
    "#2d2438",
    "#1d3340",
    "#342a26",
    "#203a2a",
    "#2b2b3a",
)
FloatArray = npt.NDArray[np.float64]
HEAT_MAX_PX = 600
HEAT_CELL_PX = 4
"""The heat grid has one cell per 4×4 screen pixels: it is a blur anyway, drawn smoothed."""
HEAT_RADIUS_PX = 28
HEAT_WEIGHTS = {"low": 1.0, "medium": 2.0, "high": 4.0, "critical": 8.0}
HIT_PX = 9.0
DRAG_START_PX = 4
TILE_CACHE = 256
SPRITE_CACHE = 4096
DOT_TILE = 96
CAMERA_CLUSTER = "#256ec8"


def _argb(colour: str) -> int:
    return int(QColor(colour).rgba())


@dataclass
class PointLayer:
    """One point layer as columns: ids, projected x/y, level rank, dot colour, per-zoom clusters."""

    ids: npt.NDArray[np.int64]
    x: npt.NDArray[np.float64]
    y: npt.NDArray[np.float64]
    rank: npt.NDArray[np.int64]
    colour: npt.NDArray[np.uint32]
    clusters: ClusterIndex
    row: dict[int, int]


@dataclass
class _Area:
    shape: GridShape
    polys: list[QPolygonF]
    cx: float
    cy: float
    width_m: float
    bounds: tuple[float, float, float, float]


CAMERA_PALETTE = {code: _argb(c) for code, c in CAMERA_STATUS_COLOURS.items()}
RISK_PALETTE = {code: _argb(c) for code, c in theme.RISK_COLOURS.items()}


def _layer(
    recs: Sequence[CameraPoint | CasePoint],
    ranks: npt.NDArray[np.int64],
    colours: npt.NDArray[np.uint32],
) -> PointLayer:
    n = len(recs)
    ids = np.fromiter((p.id for p in recs), np.int64, n)
    x, y = project(
        np.fromiter((p.lon for p in recs), np.float64, n),
        np.fromiter((p.lat for p in recs), np.float64, n),
    )
    # Cells of a fixed size on screen, grown with the big-screen scale like the markers.
    cell = theme.scaled(CLUSTER_CELL_PX * 10) / 10
    clusters = ClusterIndex(x, y, ranks, cell_px=cell)
    return PointLayer(ids, x, y, ranks, colours, clusters, {int(i): k for k, i in enumerate(ids)})


def camera_layer(recs: Sequence[CameraPoint]) -> PointLayer:
    """The cameras as columns with their clusters: numpy only, fit for a worker thread."""
    status_rank = {s.code: i for i, s in enumerate(CameraStatus)}
    n = len(recs)
    ranks = np.fromiter((status_rank.get(p.status, 0) for p in recs), np.int64, n)
    online = CAMERA_PALETTE["online"]
    colours = np.fromiter((CAMERA_PALETTE.get(p.status, online) for p in recs), np.uint32, n)
    return _layer(recs, ranks, colours)


def case_layer(recs: Sequence[CasePoint]) -> PointLayer:
    """The risk points as columns with their clusters: numpy only, fit for a worker thread."""
    n = len(recs)
    ranks = np.fromiter((RISK_RANK.get(p.risk_level, 0) for p in recs), np.int64, n)
    low = RISK_PALETTE["low"]
    colours = np.fromiter((RISK_PALETTE.get(p.risk_level, low) for p in recs), np.uint32, n)
    return _layer(recs, ranks, colours)


def _empty_points() -> PointLayer:
    e = np.zeros(0)
    ei = np.zeros(0, dtype=np.int64)
    return PointLayer(ei, e, e, ei, np.zeros(0, dtype=np.uint32), ClusterIndex(e, e, ei), {})


class MapCanvas(QWidget):
    case_chosen = Signal(int)
    camera_chosen = Signal(int)
    view_changed = Signal()
    _heat_done = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("map-canvas")
        self.setMouseTracking(True)
        # paintEvent covers every pixel; Qt need not clear the background first.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.setFocusPolicy(Qt.FocusPolicy.WheelFocus)
        self.setMinimumSize(320, 240)
        self.view = MapView(width=max(1, self.width()), height=max(1, self.height()))
        self.layers = {name: name != "heat" for name in LAYERS}
        self.error = ""
        self._region: MapRegion | None = None
        self._areas: list[_Area] = []
        self._outline_path = QPainterPath()
        self._grid_path = QPainterPath()
        self._county_paths: list[tuple[QPainterPath, QColor]] = []
        self._labels: list[tuple[str, str, float, float]] = []
        self._data_bounds: tuple[float, float, float, float] | None = None
        self._camera_records: dict[int, CameraPoint] = {}
        self._case_records: dict[int, CasePoint] = {}
        self.cameras = _empty_points()
        self.cases = _empty_points()
        self._fitted = False
        self._press: QPointF | None = None
        self._dragging = False
        self._last = QPointF()
        # Heat: a named worker, the newest request wins.
        self._heat_pool = ThreadPoolExecutor(1, thread_name_prefix="map-heat")
        self._heat_gen = 0
        self._heat: tuple[QImage, tuple[float, float, float, float]] | None = None
        self._heat_for: tuple[float, tuple[float, float, float, float]] | None = None
        self._heat_future: Future[object] | None = None
        self._heat_timer = QTimer(self)
        self._heat_timer.setSingleShot(True)
        self._heat_timer.setInterval(120)
        self._heat_timer.timeout.connect(self._request_heat)
        self._heat_done.connect(self._on_heat)
        self._closed = False
        # Tiles: only with a configured server.
        self._tile_url: str | None = None
        self._tiles: dict[tuple[int, int, int], QImage | None] = {}
        self._net: QNetworkAccessManager | None = None
        self.frame_stats = {"points": 0, "clusters": 0}
        self._discs: dict[tuple[int, str], QImage] = {}
        self._counts: dict[int, QImage] = {}
        self._base: tuple[QImage, float, float, float, int, int, int] | None = None
        self._last_scale = 0.0
        self._base_spare: QImage | None = None
        self._legend: tuple[object, QImage] | None = None
        self._dots: npt.NDArray[np.uint32] | None = None
        self._dots_drawn: list[tuple[FloatArray, FloatArray, float]] = []
        self._label_sprites: dict[tuple[str, str, str], QImage] = {}
        self._markers: list[tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], Any]] = []

    # --- data

    def set_tile_url(self, url: str | None) -> None:
        """Use an in-house tile server (`{z}/{x}/{y}` template); None: draw from GeoJSON only."""
        self._tile_url = url or None
        self._tiles.clear()
        if self._tile_url and self._net is None:
            self._net = QNetworkAccessManager(self)
        self.update()

    def set_error(self, text: str) -> None:
        self.error = text
        self.update()

    def set_region(self, region: MapRegion) -> None:
        self._region = region
        self._base = None
        self.error = ""
        self._areas = []
        self._outline_path = QPainterPath()
        self._grid_path = QPainterPath()
        counties: dict[str, QPainterPath] = {}
        edges: set[tuple[tuple[float, float], tuple[float, float]]] = set()
        for shape in region.outlines + region.grids:
            polys = []
            for polygon in shape.polygons:
                for ring in polygon:
                    xs, ys = project([p[0] for p in ring], [p[1] for p in ring])
                    polys.append(QPolygonF([QPointF(x, y) for x, y in zip(xs, ys, strict=True)]))
            if not polys:
                continue
            rect = polys[0].boundingRect()
            for poly in polys[1:]:
                rect = rect.united(poly.boundingRect())
            area = _Area(
                shape,
                polys,
                rect.center().x(),
                rect.center().y(),
                rect.width(),
                (rect.left(), rect.top(), rect.right(), rect.bottom()),
            )
            if shape.level == "city":
                for poly in polys:
                    self._outline_path.addPolygon(poly)
                    self._outline_path.closeSubpath()
            else:
                # Each border once, though both grids on either side have it.
                for poly in polys:
                    corners = [(poly.at(k).x(), poly.at(k).y()) for k in range(poly.size())]
                    for c0, c1 in itertools.pairwise(corners):
                        edge = (c0, c1) if c0 <= c1 else (c1, c0)
                        if edge not in edges:
                            edges.add(edge)
                            self._grid_path.moveTo(*c0)
                            self._grid_path.lineTo(*c1)
            if shape.level != "city":
                self._areas.append(area)
                path = counties.setdefault(shape.county, QPainterPath())
                for poly in polys:
                    path.addPolygon(poly)
                    path.closeSubpath()
        self._county_paths = [
            (path, QColor(COUNTY_TINTS[i % len(COUNTY_TINTS)]))
            for i, (_code, path) in enumerate(sorted(counties.items()))
        ]
        self._labels = []
        for label in region.labels:
            x, y = project_point(label.lon, label.lat)
            self._labels.append((label.level, label.name, x, y))
        x0, y0 = project_point(region.bbox[0], region.bbox[1])
        x1, y1 = project_point(region.bbox[2], region.bbox[3])
        self._data_bounds = (x0, y0, x1, y1)
        # Label images now, at load, rather than in the first frames that show them.
        for level, name, _x, _y in self._labels:
            self._label_sprite(level, name)
        for a in self._areas:
            self._label_sprite("grid", a.shape.name)
        if not self._fitted:
            self.fit()
        self._invalidate_heat()
        self.update()

    def set_cameras(self, points: Sequence[CameraPoint], layer: PointLayer | None = None) -> None:
        """Show these cameras; `layer` is `camera_layer(points)` if the caller made it already
        (off the GUI thread: it takes a tenth of a second for 30,000 cameras)."""
        self._camera_records = {p.id: p for p in points}
        if layer is None:
            self._rebuild_cameras()
        else:
            self.cameras = layer
            self.update()

    def set_cases(self, points: Sequence[CasePoint]) -> None:
        self._case_records = {p.id: p for p in points}
        self._rebuild_cases()

    def update_cameras(self, points: Sequence[CameraPoint], ids: frozenset[int]) -> None:
        """Replace the cameras named in `ids` by `points` (an id missing from them is gone)."""
        old = self._camera_records
        moved = len(points) != len(ids) or any(
            p.id not in old or (old[p.id].lon, old[p.id].lat) != (p.lon, p.lat) for p in points
        )
        if not moved:
            # Only the status changed (cameras going on- and offline all day): recolour in
            # place; the clusters, made of positions, stay as they are.
            pts = self.cameras
            for p in points:
                k = pts.row[p.id]
                pts.colour[k] = CAMERA_PALETTE.get(p.status, pts.colour[k])
                old[p.id] = p
            self.update()
            return
        for i in ids:
            old.pop(i, None)
        old.update({p.id: p for p in points})
        self._rebuild_cameras()

    def update_cases(self, points: Sequence[CasePoint], ids: frozenset[int]) -> None:
        for i in ids:
            self._case_records.pop(i, None)
        self._case_records.update({p.id: p for p in points})
        self._rebuild_cases()

    def camera(self, camera_id: int) -> CameraPoint | None:
        return self._camera_records.get(camera_id)

    def case(self, case_id: int) -> CasePoint | None:
        return self._case_records.get(case_id)

    def _rebuild_cameras(self) -> None:
        self.cameras = camera_layer(list(self._camera_records.values()))
        self.update()

    def _rebuild_cases(self) -> None:
        self.cases = case_layer(list(self._case_records.values()))
        self._invalidate_heat()
        self.update()

    # --- view

    def set_layer(self, name: str, on: bool) -> None:
        self.layers[name] = on
        if name == "heat":
            self._invalidate_heat()
        self.update()

    def fit(self) -> None:
        bounds = self._data_bounds
        if bounds is None and len(self.cameras.x) + len(self.cases.x):
            xs = np.concatenate((self.cameras.x, self.cases.x))
            ys = np.concatenate((self.cameras.y, self.cases.y))
            bounds = (float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()))
        if bounds is None:
            return
        self.view.fit(bounds)
        self._fitted = True
        self._view_moved(zoomed=True)

    def zoom_by(self, factor: float, at: QPointF | None = None) -> None:
        if at is None:
            self.view.zoom_at(factor)
        else:
            self.view.zoom_at(factor, at.x(), at.y())
        self._view_moved(zoomed=True)

    def pan_by(self, dx: float, dy: float) -> None:
        self.view.pan(dx, dy)
        self._view_moved(zoomed=False)

    def centre_on(self, lon: float, lat: float, zoom: float | None = None) -> None:
        self.view.cx, self.view.cy = project_point(lon, lat)
        if zoom is not None:
            from console.core.map_projection import scale_of_zoom

            self.view.scale = scale_of_zoom(zoom)
        self._view_moved(zoomed=True)

    def focus_grid(self, code: str) -> bool:
        """Show one grid whole (for a walkthrough cycling through grids); False if unknown."""
        for a in self._areas:
            if a.shape.code == code:
                self.view.fit(a.bounds, margin_px=theme.scaled(60))
                self._view_moved(zoomed=True)
                return True
        return False

    def focus_case(self, case_id: int, zoom: float = 16.0) -> bool:
        """Centre on a risk point; False if it is not on the map (closed, voided, no place)."""
        c = self._case_records.get(case_id)
        if c is None:
            return False
        self.centre_on(c.lon, c.lat, zoom)
        return True

    def screen_pos(self, lon: float, lat: float) -> QPointF:
        x, y = project_point(lon, lat)
        sx, sy = self.view.to_screen(x, y)
        return QPointF(float(sx), float(sy))

    def _view_moved(self, *, zoomed: bool) -> None:
        if self.layers["heat"] and (zoomed or not self._heat_covers_view()):
            self._heat_timer.start()
        self.view_changed.emit()
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self.view.resize(event.size().width(), event.size().height())
        if not self._fitted and self._data_bounds is not None:
            self.fit()
        self._invalidate_heat()
        super().resizeEvent(event)

    # --- heat, off the GUI thread

    def _invalidate_heat(self) -> None:
        self._heat_for = None
        if self.layers["heat"]:
            self._heat_timer.start()

    def _heat_covers_view(self) -> bool:
        if self._heat_for is None:
            return False
        x0, y0, x1, y1 = self.view.visible()
        hx0, hy0, hx1, hy1 = self._heat_for[1]
        db = self._data_bounds or (x0, y0, x1, y1)
        # Only the part of the view where there is data needs to be covered.
        return (
            max(x0, db[0]) >= hx0 - 1
            and max(y0, db[1]) >= hy0 - 1
            and min(x1, db[2]) <= hx1 + 1
            and min(y1, db[3]) <= hy1 + 1
        )

    def heat_pending(self) -> bool:
        return self._heat_timer.isActive() or (
            self._heat_future is not None and not self._heat_future.done()
        )

    def _request_heat(self) -> None:
        if self._closed or not self.layers["heat"]:
            return
        pts = self.cases
        if len(pts.x) == 0:
            self._heat = None
            self.update()
            return
        view = self.view
        margin = max(view.width, view.height)
        vx0, vy0, vx1, vy1 = view.visible(margin)
        dx0, dy0 = float(pts.x.min()), float(pts.y.min())
        dx1, dy1 = float(pts.x.max()), float(pts.y.max())
        pad = HEAT_RADIUS_PX * 3 / view.scale
        bounds = (
            max(vx0, dx0 - pad),
            max(vy0, dy0 - pad),
            min(vx1, dx1 + pad),
            min(vy1, dy1 + pad),
        )
        if bounds[2] <= bounds[0] or bounds[3] <= bounds[1]:
            self._heat = None
            self._heat_for = (view.scale, bounds)
            self.update()
            return
        w_px = (bounds[2] - bounds[0]) * view.scale
        h_px = (bounds[3] - bounds[1]) * view.scale
        shrink = min(1.0 / HEAT_CELL_PX, HEAT_MAX_PX / max(w_px, h_px))
        width, height = max(2, int(w_px * shrink)), max(2, int(h_px * shrink))
        radius = max(1.0, HEAT_RADIUS_PX * shrink)
        weights = np.array([HEAT_WEIGHTS[c.code] for c in RiskLevel])[pts.rank]
        self._heat_gen += 1
        gen = self._heat_gen
        x, y = pts.x, pts.y
        self._heat_for = (view.scale, bounds)

        def job() -> None:
            grid = heat_grid(x, y, bounds, width, height, radius, weights)
            self._heat_done.emit((gen, bounds, heat_argb(grid)))

        self._heat_future = self._heat_pool.submit(job)

    def _on_heat(self, result: tuple[int, tuple[float, float, float, float], Any]) -> None:
        gen, bounds, argb = result
        if gen != self._heat_gen or self._closed:
            return
        h, w = argb.shape
        image = QImage(argb.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied).copy()
        self._heat = (image, bounds)
        self.update()

    # --- tiles, only when a server is configured

    def _draw_tiles(self, p: QPainter) -> None:
        if not self._tile_url or self._net is None:
            return
        for key in tiles_in_view(self.view):
            if key not in self._tiles:
                if len(self._tiles) > TILE_CACHE:
                    self._tiles.pop(next(iter(self._tiles)))
                self._tiles[key] = None
                reply = self._net.get(QNetworkRequest(QUrl(tile_url(self._tile_url, *key))))
                reply.finished.connect(lambda r=reply, k=key: self._tile_arrived(k, r))
                continue
            image = self._tiles[key]
            if image is None:
                continue
            x0, y0, x1, y1 = tile_bounds(*key)
            sx, sy = self.view.to_screen([x0, x1], [y1, y0])
            p.drawImage(QRectF(sx[0], sy[0], sx[1] - sx[0], sy[1] - sy[0]), image)

    def _tile_arrived(self, key: tuple[int, int, int], reply: QNetworkReply) -> None:
        reply.deleteLater()
        if self._closed or reply.error() != QNetworkReply.NetworkError.NoError:
            return
        image = QImage()
        if image.loadFromData(reply.readAll()):
            self._tiles[key] = image
            self.update()

    # --- painting

    def _world_transform(self) -> QTransform:
        v = self.view
        return QTransform(
            v.scale, 0, 0, -v.scale, v.width / 2 - v.cx * v.scale, v.height / 2 + v.cy * v.scale
        )

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        try:
            self._paint(p)
        finally:
            p.end()

    def _paint(self, p: QPainter) -> None:
        opaque_base = self.layers["grids"] and not self._tile_url
        if not (opaque_base and self._draw_base(p, opaque=True)):
            p.fillRect(self.rect(), QColor(theme.BG))
            self._draw_tiles(p)
            if self.layers["grids"]:
                self._draw_base(p, opaque=False)
        if self.layers["heat"] and self._heat is not None:
            self._draw_heat(p)
        self._draw_points(p)
        self._draw_labels(p)
        self._draw_legend(p)
        self._draw_scale(p)
        if self.error:
            self._draw_error(p)

    def _draw_base(self, p: QPainter, *, opaque: bool) -> bool:
        """The background and grids, from a cached image with a margin while the view pans.

        While zooming, each frame draws the grids directly; once the scale holds still, one
        larger image is drawn and then moved under panning until it runs out of margin.
        `opaque`: the image includes the background (no tiles under it); False when the
        background has been painted already. Returns whether it painted the background.
        """
        v = self.view
        cache = self._base
        if cache is not None:
            image, scale, cx, cy, w, h, margin = cache
            dx = (cx - v.cx) * v.scale
            dy = -(cy - v.cy) * v.scale
            if (
                scale == v.scale
                and (w, h) == (v.width, v.height)
                and abs(dx) <= margin
                and abs(dy) <= margin
                and image.hasAlphaChannel() != opaque
            ):
                p.drawImage(QPointF(dx - margin, dy - margin), image)
                return opaque
        if self._base is not None:
            self._base_spare = self._base[0]  # reused: no 20 MB allocation per rebuild
        self._base = None
        if v.scale != self._last_scale:
            self._last_scale = v.scale
            if opaque:
                p.fillRect(self.rect(), QColor(theme.BG))
            self._draw_grids(p, self._world_transform())
            return opaque
        margin = max(v.width, v.height) // 6
        size = QSize(v.width + 2 * margin, v.height + 2 * margin)
        fmt = QImage.Format.Format_RGB32 if opaque else QImage.Format.Format_ARGB32_Premultiplied
        spare = self._base_spare
        reuse = spare is not None and spare.size() == size and spare.format() == fmt
        image = spare if spare is not None and reuse else QImage(size, fmt)
        self._base_spare = None
        image.fill(QColor(theme.BG) if opaque else QColor(0, 0, 0, 0))
        ip = QPainter(image)
        self._draw_grids(ip, self._world_transform() * QTransform.fromTranslate(margin, margin))
        ip.end()
        self._base = (image, v.scale, v.cx, v.cy, v.width, v.height, margin)
        p.drawImage(QPointF(-margin, -margin), image)
        return opaque

    def _draw_grids(self, p: QPainter, transform: QTransform) -> None:
        p.save()
        p.setTransform(transform)
        # No antialiasing: neighbours share every edge, and smoothing the lines costs more
        # than the whole rest of the frame.
        p.setPen(Qt.PenStyle.NoPen)
        for path, colour in self._county_paths:
            p.setBrush(colour)
            p.drawPath(path)
        grid_pen = QPen(QColor("#2c4d6b"), 1.0)
        grid_pen.setCosmetic(True)
        p.setPen(grid_pen)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(self._grid_path)
        outline_pen = QPen(QColor(theme.ACCENT), theme.scaled(2))
        outline_pen.setCosmetic(True)
        p.setPen(outline_pen)
        p.drawPath(self._outline_path)
        p.restore()

    def _draw_heat(self, p: QPainter) -> None:
        assert self._heat is not None
        image, (x0, y0, x1, y1) = self._heat
        sx, sy = self.view.to_screen([x0, x1], [y1, y0])
        target = QRectF(float(sx[0]), float(sy[0]), float(sx[1] - sx[0]), float(sy[1] - sy[0]))
        visible = target.intersected(QRectF(self.rect()))
        if visible.isEmpty():
            return
        # Draw only the part of the image that is on screen.
        fx = image.width() / target.width()
        fy = image.height() / target.height()
        source = QRectF(
            (visible.left() - target.left()) * fx,
            (visible.top() - target.top()) * fy,
            visible.width() * fx,
            visible.height() * fy,
        )
        p.save()
        p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        p.drawImage(visible, image, source)
        p.restore()

    def _visible_clusters(self, pts: PointLayer) -> Clusters | None:
        if not self.layers["clusters"]:
            return None
        return pts.clusters.at(self.view.zoom)

    def _draw_points(self, p: QPainter) -> None:
        v = self.view
        rect = v.visible(margin_px=40)
        w, h = v.width, v.height
        buf: npt.NDArray[np.uint32] | None = None
        tiles: set[int] = set()
        self.frame_stats = {"points": 0, "clusters": 0}
        self._markers = []
        k = theme.scaled(100) / 100
        for layer, pts, radius in (
            ("cameras", self.cameras, 2.5 * k),
            ("cases", self.cases, 5 * k),
        ):
            if not self.layers[layer] or len(pts.x) == 0:
                continue
            cl = self._visible_clusters(pts)
            if cl is None:
                idx = in_rect(pts.x, pts.y, rect)
                singles_x, singles_y, colours = pts.x[idx], pts.y[idx], pts.colour[idx]
            else:
                cidx = in_rect(cl.x, cl.y, rect)
                single = cidx[cl.count[cidx] == 1]
                multi = cidx[cl.count[cidx] > 1]
                members = cl.member[single]
                singles_x, singles_y = pts.x[members], pts.y[members]
                colours = pts.colour[members]
                self.frame_stats["clusters"] += len(multi)
            if len(singles_x):
                if buf is None:
                    buf = self._dot_buffer(w, h)
                sx, sy = v.to_screen(singles_x, singles_y)
                stamp_dots(buf, sx, sy, colours, radius)
                self._dots_drawn.append((sx, sy, radius))
                pad = radius + 2
                cols = (w + DOT_TILE - 1) // DOT_TILE
                for ox in (-pad, pad):
                    for oy in (-pad, pad):
                        tx = np.clip((sx + ox) // DOT_TILE, 0, cols - 1).astype(np.int64)
                        ty = np.clip((sy + oy) // DOT_TILE, 0, h // DOT_TILE).astype(np.int64)
                        tiles.update(np.unique(ty * cols + tx).tolist())
                self.frame_stats["points"] += len(singles_x)
        # Camera clusters under the dots, case clusters over them.
        camera_marks = self._cluster_marks("camera", 40)
        if camera_marks is not None:
            self._draw_clusters(p, *camera_marks, is_case=False)
        rects = self._tile_rects(tiles, w, h)
        if buf is not None and rects:
            image = QImage(buf.data, w, h, 4 * w, QImage.Format.Format_ARGB32_Premultiplied)
            # Only the tiles with dots: compositing a whole screen of transparency costs.
            for r in rects:
                p.drawImage(r.topLeft(), image, r)
            del image
        case_marks = self._cluster_marks("case", 40)
        if case_marks is not None:
            self._draw_clusters(p, *case_marks, is_case=True)

    def _radii(self, counts: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        base, step = theme.scaled(11), theme.scaled(4)
        return np.round(base + step * np.log10(np.maximum(counts, 1)))

    def _cluster_marks(
        self, kind: str, margin_px: float
    ) -> tuple[Clusters, npt.NDArray[np.intp], FloatArray, FloatArray] | None:
        """The multi-point clusters of a layer in view, with where their markers go.

        Risk-point markers that would cover a camera marker sit on its rim (see
        `badge_positions`); drawing and clicking use the same places.
        """
        pts = self.cases if kind == "case" else self.cameras
        if not self.layers[kind + "s"] or len(pts.x) == 0:
            return None
        cl = self._visible_clusters(pts)
        if cl is None:
            return None
        cidx = in_rect(cl.x, cl.y, self.view.visible(margin_px=margin_px))
        multi = cidx[cl.count[cidx] > 1]
        sx, sy = self.view.to_screen(cl.x[multi], cl.y[multi])
        if kind == "case":
            cams = self._cluster_marks("camera", margin_px + 60)
            if cams is not None:
                ccl, cmulti, csx, csy = cams
                sx, sy = badge_positions(
                    sx, sy, self._radii(cl.count[multi]), csx, csy, self._radii(ccl.count[cmulti])
                )
        return cl, multi, sx, sy

    def _dot_buffer(self, w: int, h: int) -> npt.NDArray[np.uint32]:
        """The dots' ARGB buffer, kept between frames: only last frame's dots are cleared."""
        buf = self._dots
        if buf is None or buf.shape != (h, w):
            buf = self._dots = np.zeros((h, w), dtype=np.uint32)
            self._dots_drawn = []
            return buf
        # Erase last frame's dots by stamping them again in transparent black.
        for sx, sy, radius in self._dots_drawn:
            stamp_dots(buf, sx, sy, np.zeros(len(sx), dtype=np.uint32), radius, outline=0)
        self._dots_drawn = []
        return buf

    @staticmethod
    def _tile_rects(tiles: set[int], w: int, h: int) -> list[QRectF]:
        """Screen rectangles of the dot tiles, neighbours in a row merged into one."""
        cols = (w + DOT_TILE - 1) // DOT_TILE
        rects: list[QRectF] = []
        run: list[int] = []
        for t in sorted(tiles):
            if run and (t != run[-1] + 1 or t // cols != run[0] // cols):
                rects.append(MapCanvas._run_rect(run, cols, w, h))
                run = []
            run.append(t)
        if run:
            rects.append(MapCanvas._run_rect(run, cols, w, h))
        return rects

    @staticmethod
    def _run_rect(run: list[int], cols: int, w: int, h: int) -> QRectF:
        row, c0, c1 = run[0] // cols, run[0] % cols, run[-1] % cols
        x0, y0 = c0 * DOT_TILE, row * DOT_TILE
        x1, y1 = min(w, (c1 + 1) * DOT_TILE), min(h, (row + 1) * DOT_TILE)
        return QRectF(x0, y0, x1 - x0, y1 - y0)

    def _cluster_radius(self, count: int) -> int:
        return round(theme.scaled(11) + theme.scaled(4) * math.log10(max(count, 1)))

    def _draw_clusters(
        self,
        p: QPainter,
        cl: Clusters,
        idx: npt.NDArray[np.intp],
        sx: FloatArray,
        sy: FloatArray,
        *,
        is_case: bool,
    ) -> None:
        if len(idx) == 0:
            return
        self._markers.append((sx, sy, cl.count[idx]))
        risk_codes = [r.code for r in RiskLevel]
        for x, y, n, lv in zip(
            sx.tolist(), sy.tolist(), cl.count[idx].tolist(), cl.level[idx].tolist(), strict=True
        ):
            colour = theme.RISK_COLOURS[risk_codes[max(lv, 0)]] if is_case else CAMERA_CLUSTER
            disc = self._disc_sprite(self._cluster_radius(n), colour)
            text = self._count_sprite(n)
            p.drawImage(QPointF(x - disc.width() / 2, y - disc.height() / 2), disc)
            p.drawImage(QPointF(x - text.width() / 2, y - text.height() / 2), text)

    def _disc_sprite(self, r: int, colour: str) -> QImage:
        """A cluster's disc and ring, painted once per radius and colour."""
        key = (r, colour)
        sprite = self._discs.get(key)
        if sprite is None:
            size = 2 * r + 4
            sprite = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
            sprite.fill(0)
            sp = QPainter(sprite)
            sp.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            sp.setPen(QPen(QColor(255, 255, 255, 170), 1.5))
            sp.setBrush(QColor(colour))
            sp.drawEllipse(QPointF(size / 2, size / 2), r, r)
            sp.end()
            self._discs[key] = sprite
        return sprite

    def _count_sprite(self, count: int) -> QImage:
        """A cluster's count in white, painted once per number (shared by every colour)."""
        sprite = self._counts.get(count)
        if sprite is None:
            if len(self._counts) > SPRITE_CACHE:
                self._counts.clear()
            font = QFont(self.font())
            font.setBold(True)
            fm = QFontMetricsF(font)
            text = f"{count}" if count < 10_000 else f"{count // 1000}k"
            sprite = QImage(
                math.ceil(fm.horizontalAdvance(text)) + 2,
                math.ceil(fm.height()),
                QImage.Format.Format_ARGB32_Premultiplied,
            )
            sprite.fill(0)
            sp = QPainter(sprite)
            sp.setFont(font)
            sp.setPen(QColor("#ffffff"))
            sp.drawText(QPointF(1, fm.ascent()), text)
            sp.end()
            self._counts[count] = sprite
        return sprite

    def _draw_labels(self, p: QPainter) -> None:
        """County names when zoomed out, town names in between, grid names close up.

        Each label is a cached image (text with its halo); one that would overlap a label
        already drawn is left out.
        """
        v = self.view
        zoom, scale = v.zoom, v.scale
        half_w, half_h = v.width / 2, v.height / 2
        places: list[tuple[str, str, float, float]] = []
        for level, name, x, y in self._labels:
            if (level == "county" and zoom < 11.5) or (level == "town" and 10.8 <= zoom < 13.0):
                places.append((level, name, x, y))
        if self.layers["grids"] and zoom >= 12.5:
            places += [
                ("grid", a.shape.name, a.cx, a.cy) for a in self._areas if a.width_m * scale >= 90
            ]
        taken: list[QRectF] = []
        # Town and grid names give way to the cluster markers; county names do not.
        if self._markers:
            mx = np.concatenate([m[0] for m in self._markers])
            my = np.concatenate([m[1] for m in self._markers])
            base, step = theme.scaled(11), theme.scaled(4)
            mr = base + step * np.log10(
                np.maximum(np.concatenate([m[2] for m in self._markers]), 1)
            )
        else:
            mx = my = mr = np.zeros(0)
        for level, name, x, y in places:
            sx = half_w + (x - v.cx) * scale
            sy = half_h - (y - v.cy) * scale
            if not (0 <= sx <= v.width and 0 <= sy <= v.height):
                continue
            sprite = self._label_sprite(level, name)
            hw, hh = sprite.width() / 2, sprite.height() / 2
            box = QRectF(sx - hw, sy - hh, 2 * hw, 2 * hh)
            if any(box.intersects(t) for t in taken):
                continue
            if level != "county" and len(mx):
                hit = (np.abs(mx - sx) < hw + mr) & (np.abs(my - sy) < hh + mr)
                if hit.any():
                    continue
            taken.append(box.adjusted(-3, -1, 3, 1))
            p.drawImage(box.topLeft(), sprite)

    def _label_sprite(self, level: str, name: str) -> QImage:
        key = (level, name, self.font().key())
        sprite = self._label_sprites.get(key)
        if sprite is not None:
            return sprite
        if len(self._label_sprites) > SPRITE_CACHE:
            self._label_sprites.clear()
        font = QFont(self.font())
        if level == "county":
            font.setBold(True)
            font.setPointSizeF(self.font().pointSizeF() * 1.25)
        colour = {"county": theme.TEXT, "town": "#b8cde0"}.get(level, theme.MUTED)
        fm = QFontMetricsF(font)
        sprite = QImage(
            math.ceil(fm.horizontalAdvance(name)) + 4,
            math.ceil(fm.height()) + 2,
            QImage.Format.Format_ARGB32_Premultiplied,
        )
        sprite.fill(0)
        sp = QPainter(sprite)
        sp.setFont(font)
        pos = QPointF(2, 1 + fm.ascent())
        if level != "grid":
            sp.setPen(QColor(theme.BG))
            for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                sp.drawText(pos + QPointF(dx, dy), name)
        sp.setPen(QColor(colour))
        sp.drawText(pos, name)
        sp.end()
        self._label_sprites[key] = sprite
        return sprite

    def _legend_rows(self) -> list[tuple[str, str, bool]]:
        lang = current_lang()
        rows: list[tuple[str, str, bool]] = [(self.tr("Risk level"), "", True)]
        rows += [(r.label(lang), theme.RISK_COLOURS[r.code], False) for r in reversed(RiskLevel)]
        rows.append((self.tr("Cameras"), "", True))
        rows += [(s.label(lang), CAMERA_STATUS_COLOURS[s.code], False) for s in CameraStatus]
        return rows

    def _draw_legend(self, p: QPainter) -> None:
        pad = theme.scaled(10)
        rows = self._legend_rows()
        key = (tuple(r[0] for r in rows), self.font().key())
        if self._legend is None or self._legend[0] != key:
            self._legend = (key, self._paint_legend(rows, pad))
        image = self._legend[1]
        p.drawImage(QPointF(pad, self.height() - image.height() - pad), image)

    def _paint_legend(self, rows: list[tuple[str, str, bool]], pad: int) -> QImage:
        fm = QFontMetricsF(self.font())
        line = fm.height() * 1.3
        width = max(fm.horizontalAdvance(t) for t, _c, _h in rows) + 3 * pad + fm.height()
        height = line * len(rows) + 2 * pad
        image = QImage(
            math.ceil(width) + 1, math.ceil(height) + 1, QImage.Format.Format_ARGB32_Premultiplied
        )
        image.fill(0)
        p = QPainter(image)
        p.setFont(self.font())
        box = QRectF(0.5, 0.5, width, height)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.setPen(QPen(QColor(theme.LINE)))
        p.setBrush(QColor(16, 34, 51, 225))
        p.drawRoundedRect(box, 4, 4)
        y = box.top() + pad
        for text, colour, header in rows:
            x = box.left() + pad
            if header:
                p.setPen(QColor(theme.MUTED))
            else:
                d = fm.height() * 0.6
                p.setPen(QPen(QColor(theme.BG)))
                p.setBrush(QColor(colour))
                p.drawEllipse(QRectF(x, y + (line - d) / 2, d, d))
                x += fm.height() + pad / 2
                p.setPen(QColor(theme.TEXT))
            p.drawText(QRectF(x, y, width, line), Qt.AlignmentFlag.AlignVCenter, text)
            y += line
        p.end()
        return image

    def _draw_scale(self, p: QPainter) -> None:
        # Metres per pixel at the view's latitude (Mercator stretches by 1/cos(lat)).
        lat = math.degrees(2 * math.atan(math.exp(self.view.cy / 6_378_137.0)) - math.pi / 2)
        m_per_px = math.cos(math.radians(lat)) / self.view.scale
        target = 120 * m_per_px
        nice = 10 ** math.floor(math.log10(target))
        for step in (5, 2, 1):
            if step * nice <= target:
                nice *= step
                break
        px = nice / m_per_px
        text = (
            self.tr("%1 km").replace("%1", f"{nice / 1000:g}")
            if nice >= 1000
            else self.tr("%1 m").replace("%1", f"{nice:g}")
        )
        pad = theme.scaled(14)
        x1, y = self.width() - pad, self.height() - pad
        p.save()
        p.setPen(QPen(QColor(theme.TEXT), 2))
        p.drawLine(QPointF(x1 - px, y), QPointF(x1, y))
        p.drawLine(QPointF(x1 - px, y - 5), QPointF(x1 - px, y))
        p.drawLine(QPointF(x1, y - 5), QPointF(x1, y))
        fm = QFontMetricsF(self.font())
        p.drawText(QPointF(x1 - px / 2 - fm.horizontalAdvance(text) / 2, y - 8), text)
        p.restore()

    def _draw_error(self, p: QPainter) -> None:
        p.save()
        box = QRectF(self.rect()).adjusted(40, 40, -40, 0)
        box.setHeight(QFontMetricsF(self.font()).height() * 4)
        p.setPen(QPen(QColor(theme.ALERT)))
        p.setBrush(QColor(40, 12, 16, 230))
        p.drawRoundedRect(box, 4, 4)
        p.setPen(QColor(theme.TEXT))
        p.drawText(
            box.adjusted(12, 8, -12, -8),
            Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextWordWrap,
            self.error,
        )
        p.restore()

    # --- hit testing and input

    def item_at(self, pos: QPointF) -> tuple[str, int] | None:
        """What a click at `pos` chooses: ("case"|"camera", id), a cluster, or None.

        Cases win over cameras; a cluster of several points is reported as ("case-cluster",
        index) or ("camera-cluster", index) into the clusters drawn at this zoom.
        """
        hit = self._hit_px()
        for kind, pts in (("case", self.cases), ("camera", self.cameras)):
            if not self.layers[kind + "s"] or len(pts.x) == 0:
                continue
            marks = self._cluster_marks(kind, hit * 3)
            if marks is not None:
                cl, multi, sx, sy = marks
                if len(multi):
                    d = np.hypot(sx - pos.x(), sy - pos.y())
                    k = int(np.argmin(d))
                    if d[k] <= self._radii(cl.count[multi])[k]:
                        return (kind + "-cluster", int(multi[k]))
                # Single points of a clustered layer: the members of one-point clusters.
                cidx = in_rect(cl.x, cl.y, self.view.visible(margin_px=hit * 3))
                idx = cl.member[cidx[cl.count[cidx] == 1]]
            else:
                idx = in_rect(pts.x, pts.y, self.view.visible(margin_px=hit * 3))
            sx, sy = self.view.to_screen(pts.x[idx], pts.y[idx])
            k2 = nearest(sx, sy, pos.x(), pos.y(), hit)
            if k2 is not None:
                return (kind, int(pts.ids[idx[k2]]))
        return None

    def _hit_px(self) -> float:
        return HIT_PX * theme.scaled(100) / 100

    def grid_at(self, pos: QPointF) -> GridShape | None:
        x, y = self.view.to_map(pos.x(), pos.y())
        pt = QPointF(x, y)
        for a in self._areas:
            b = a.bounds
            inside = b[0] <= x <= b[2] and b[1] <= y <= b[3]
            if inside and any(p.containsPoint(pt, Qt.FillRule.OddEvenFill) for p in a.polys):
                return a.shape
        return None

    def click(self, pos: QPointF) -> None:
        """Choose what is under `pos`: emit the case or camera, or zoom into a cluster."""
        hit = self.item_at(pos)
        if hit is None:
            return
        kind, value = hit
        if kind == "case":
            self.case_chosen.emit(value)
        elif kind == "camera":
            self.camera_chosen.emit(value)
        else:
            pts = self.cases if kind == "case-cluster" else self.cameras
            cl = self._visible_clusters(pts)
            if cl is not None:
                self.view.cx, self.view.cy = float(cl.x[value]), float(cl.y[value])
            self.zoom_by(2.0)

    def tooltip_text(self, pos: QPointF) -> str:
        hit = self.item_at(pos)
        lang = current_lang()
        if hit is not None:
            kind, value = hit
            if kind == "case":
                c = self._case_records[value]
                risk = RiskLevel(c.risk_level).label(lang)
                state = CaseState(c.state).label(lang)
                return f"{c.number}  {c.title}\n{self.tr('Risk')}: {risk} · {state}"
            if kind == "camera":
                cam = self._camera_records[value]
                return f"{cam.name}\n{CameraStatus(cam.status).label(lang)}"
            pts = self.cases if kind == "case-cluster" else self.cameras
            cl = self._visible_clusters(pts)
            n = int(cl.count[value]) if cl is not None else 0
            if kind == "case-cluster":
                return self.tr("%n risk points — click to zoom in", "", n)
            return self.tr("%n cameras — click to zoom in", "", n)
        grid = self.grid_at(pos)
        return grid.name if grid is not None else ""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._last = event.position()
            self._dragging = False
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        if self._press is not None and event.buttons() & Qt.MouseButton.LeftButton:
            if not self._dragging and (pos - self._press).manhattanLength() >= DRAG_START_PX:
                self._dragging = True
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
            if self._dragging:
                d = pos - self._last
                self._last = pos
                self.pan_by(d.x(), d.y())
            return
        text = self.tooltip_text(pos)
        if text:
            QToolTip.showText(event.globalPosition().toPoint(), text, self)
        else:
            QToolTip.hideText()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self._press is not None:
            if not self._dragging:
                self.click(event.position())
            self._press = None
            self._dragging = False
            self.unsetCursor()
        super().mouseReleaseEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(2.0 ** (steps / 2), event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Keyboard and presenter remote: +/- zoom, arrows pan, Home shows the whole region."""
        key = Qt.Key(event.key())
        step = max(self.width(), self.height()) / 8
        pans: dict[Qt.Key, tuple[float, float]] = {
            Qt.Key.Key_Left: (step, 0),
            Qt.Key.Key_Right: (-step, 0),
            Qt.Key.Key_Up: (0, step),
            Qt.Key.Key_Down: (0, -step),
        }
        if key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(2.0)
        elif key == Qt.Key.Key_Minus:
            self.zoom_by(0.5)
        elif key == Qt.Key.Key_Home:
            self.fit()
        elif key in pans:
            self.pan_by(*pans[key])
        else:
            super().keyPressEvent(event)

    # --- shutdown

    def shutdown(self) -> None:
        """Stop the heat worker and join it; no network reply is followed after this."""
        self._closed = True
        self._heat_timer.stop()
        self._heat_pool.shutdown(wait=True, cancel_futures=True)
