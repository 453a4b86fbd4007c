"""Map arithmetic: projection and view, clusters per zoom, heat density, dot stamping."""

from __future__ import annotations

import numpy as np
import pytest

from console.core.map_clusters import (
    RISK_RANK,
    ClusterIndex,
    badge_positions,
    cluster,
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
    scale_of_zoom,
    tile_bounds,
    tiles_in_view,
    unproject,
    zoom_of_scale,
)


def test_projection_round_trips_and_zoom_keeps_the_point_under_the_cursor() -> None:
    lon, lat = np.array([120.1, -73.98, 0.0]), np.array([29.3, 40.75, 0.0])
    back_lon, back_lat = unproject(*project(lon, lat))
    assert np.allclose(back_lon, lon) and np.allclose(back_lat, lat)
    assert zoom_of_scale(scale_of_zoom(12.5)) == pytest.approx(12.5)

    view = MapView(width=1920, height=1080)
    view.fit((*project_point(119.5, 28.7), *project_point(120.7, 29.8)))
    for corner in ((119.5, 28.7), (120.7, 29.8)):
        sx, sy = view.to_screen(*project_point(*corner))
        assert 0 <= sx <= 1920 and 0 <= sy <= 1080
    before = view.to_map(400, 300)
    zoom = view.zoom
    view.zoom_at(2.0, 400, 300)
    assert view.zoom == pytest.approx(zoom + 1)
    assert view.to_map(400, 300) == pytest.approx(before)
    x, y = view.to_map(1000, 500)
    view.pan(30, -20)
    assert view.to_screen(x, y) == pytest.approx((1030, 480))
    view.zoom_at(1e9)
    assert view.zoom == pytest.approx(view.max_zoom)


def test_tiles_cover_the_view() -> None:
    view = MapView(width=800, height=600)
    view.cx, view.cy = project_point(120.1, 29.3)
    view.scale = scale_of_zoom(12)
    tiles = tiles_in_view(view)
    assert {z for z, _x, _y in tiles} == {12}
    x0, _y0, _x1, y1 = view.visible()
    bx0 = min(tile_bounds(*t)[0] for t in tiles)
    by1 = max(tile_bounds(*t)[3] for t in tiles)
    assert bx0 <= x0 and by1 >= y1
    assert 4 <= len(tiles) <= 20


def test_cluster_counts_members_and_highest_level() -> None:
    x = np.array([1.0, 2.0, 3.0, 101.0, 250.0])
    y = np.array([1.0, 2.0, 3.0, 1.0, 250.0])
    level = np.array([0, 3, 1, 2, 0])
    cl = cluster(x, y, 100.0, level)
    assert len(cl) == 3
    assert sorted(cl.count.tolist()) == [1, 1, 3]
    assert cl.count.sum() == len(x)
    big = int(np.argmax(cl.count))
    assert cl.level[big] == 3
    assert (cl.x[big], cl.y[big]) == pytest.approx((2.0, 2.0))
    singles = cl.member[cl.count == 1]
    assert sorted(singles.tolist()) == [3, 4]
    assert RISK_RANK["critical"] == 3 and RISK_RANK["low"] == 0


def test_cluster_index_merges_when_zoomed_out_and_lets_go_when_zoomed_in() -> None:
    rng = np.random.default_rng(3)
    lon = 120.1 + rng.normal(0, 0.05, 20_000)
    lat = 29.3 + rng.normal(0, 0.05, 20_000)
    x, y = project(lon, lat)
    index = ClusterIndex(x, y, rng.integers(0, 4, 20_000))
    counts = [len(index.levels[z]) for z in range(index.min_zoom, index.max_zoom + 1)]
    assert counts == sorted(counts) and counts[0] < 10 < counts[-1]
    assert all(int(c.count.sum()) == 20_000 for c in index.levels.values())
    assert index.at(9.7) is index.levels[9]
    assert index.at(2) is index.levels[index.min_zoom]
    assert index.at(index.max_zoom + 0.5) is index.levels[index.max_zoom]
    assert index.at(index.max_zoom + 1) is None
    empty = cluster(np.zeros(0), np.zeros(0), 10.0)
    assert len(empty) == 0


def test_cull_and_nearest() -> None:
    x = np.array([0.0, 5.0, 10.0])
    y = np.array([0.0, 5.0, 10.0])
    assert in_rect(x, y, (1, 1, 11, 11)).tolist() == [1, 2]
    assert nearest(x, y, 4.0, 4.0, 3.0) == 1
    assert nearest(x, y, 20.0, 20.0, 3.0) is None
    assert nearest(np.zeros(0), np.zeros(0), 0, 0, 5) is None


def test_heat_peaks_where_the_points_are() -> None:
    rng = np.random.default_rng(5)
    x = np.concatenate((rng.normal(20, 2, 500), rng.normal(80, 2, 50)))
    y = np.concatenate((rng.normal(30, 2, 500), rng.normal(70, 2, 50)))
    grid = heat_grid(x, y, (0, 0, 100, 100), 100, 100, 6)
    assert grid.shape == (100, 100) and grid.dtype == np.float32
    assert grid.max() == pytest.approx(1.0)
    row, col = np.unravel_index(int(np.argmax(grid)), grid.shape)
    # Row 0 is the top (largest y).
    assert abs(col - 20) <= 3 and abs((99 - row) - 30) <= 3
    assert grid[99 - 70, 80] > 0.1 and grid[99 - 70, 80] < grid[row, col]
    assert grid[95, 5] == 0.0
    weighted = heat_grid(
        x, y, (0, 0, 100, 100), 100, 100, 6, np.r_[np.ones(500), np.full(50, 40.0)]
    )
    assert weighted[99 - 70, 80] > 0.95 > weighted[99 - 30, 20]
    assert not heat_grid(x, y, (0, 0, 100, 100), 0, 0, 6).size
    argb = heat_argb(grid)
    assert argb.dtype == np.uint32 and argb.shape == grid.shape
    assert (argb[95, 5] >> 24) == 0 and (argb[row, col] >> 24) > 200


def test_stamp_dots_paints_discs_and_clips_at_the_edges() -> None:
    buf = np.zeros((50, 80), dtype=np.uint32)
    sx = np.array([10.0, 79.0, -30.0])
    sy = np.array([10.0, 49.0, 10.0])
    fill = np.array([0xFFFF0000, 0xFF00FF00, 0xFF0000FF], dtype=np.uint32)
    stamp_dots(buf, sx, sy, fill, radius=3, outline=0xFF000000)
    assert buf[10, 10] == 0xFFFF0000
    assert buf[10, 13] == 0xFFFF0000 and buf[10, 14] == 0xFF000000 and buf[10, 16] == 0
    assert buf[49, 79] == 0xFF00FF00
    assert not (buf == 0xFF0000FF).any()


def test_badges_move_onto_the_anchor_rim_only_when_they_clash() -> None:
    sx, sy = np.array([100.0, 300.0, 500.0]), np.array([100.0, 300.0, 100.0])
    r = np.array([10.0, 10.0, 10.0])
    ax, ay, ar = np.array([100.0, 305.0]), np.array([100.0, 300.0]), np.array([20.0, 20.0])
    bx, by = badge_positions(sx, sy, r, ax, ay, ar)
    # On top of the first anchor: up and to the right, on its rim.
    assert bx[0] > 100 and by[0] < 100
    assert np.hypot(bx[0] - 100, by[0] - 100) == pytest.approx(20)
    # Left of the second anchor: pushed further left, onto the rim.
    assert (bx[1], by[1]) == pytest.approx((285.0, 300.0))
    # Far from every anchor: unchanged.
    assert (bx[2], by[2]) == (500.0, 100.0)
    assert badge_positions(sx, sy, r, np.zeros(0), np.zeros(0), np.zeros(0))[0] is sx
