"""Lon/lat to a flat map and back (Web Mercator, metres), and the pan/zoom view onto it.

Web Mercator keeps the map compatible with an optional tile server (its zoom levels and
tile numbers are the ones computed here). Screen y grows downwards, map y upwards; the view
keeps the map point under the cursor fixed while zooming.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_M = 6_378_137.0
WORLD_M = 2 * math.pi * EARTH_RADIUS_M
"""Width of the Web Mercator world in metres."""
TILE_PX = 256
MAX_LAT = 85.05112878

FloatArray = npt.NDArray[np.float64]


def project(lon: npt.ArrayLike, lat: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    """Lon/lat in degrees to Web Mercator x/y in metres (vectorised)."""
    lon_a = np.asarray(lon, dtype=np.float64)
    lat_a = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    x = np.radians(lon_a) * EARTH_RADIUS_M
    y = np.log(np.tan(np.pi / 4 + np.radians(lat_a) / 2)) * EARTH_RADIUS_M
    return x, y


def unproject(x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    x_a = np.asarray(x, dtype=np.float64)
    y_a = np.asarray(y, dtype=np.float64)
    lon = np.degrees(x_a / EARTH_RADIUS_M)
    lat = np.degrees(2 * np.arctan(np.exp(y_a / EARTH_RADIUS_M)) - np.pi / 2)
    return lon, lat


def project_point(lon: float, lat: float) -> tuple[float, float]:
    x, y = project(lon, lat)
    return float(x), float(y)


def zoom_of_scale(px_per_m: float) -> float:
    """The slippy-map zoom level at which one metre covers `px_per_m` pixels."""
    return math.log2(px_per_m * WORLD_M / TILE_PX)


def scale_of_zoom(zoom: float) -> float:
    return float(TILE_PX * 2.0**zoom / WORLD_M)


@dataclass
class MapView:
    """Where the window looks: centre in map metres, pixels per metre, viewport size."""

    cx: float = 0.0
    cy: float = 0.0
    scale: float = scale_of_zoom(10)
    width: int = 800
    height: int = 600
    min_zoom: float = 3.0
    max_zoom: float = 19.0

    @property
    def zoom(self) -> float:
        return zoom_of_scale(self.scale)

    def resize(self, width: int, height: int) -> None:
        self.width, self.height = max(1, width), max(1, height)

    def to_screen(self, x: npt.ArrayLike, y: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
        sx = (np.asarray(x, dtype=np.float64) - self.cx) * self.scale + self.width / 2
        sy = self.height / 2 - (np.asarray(y, dtype=np.float64) - self.cy) * self.scale
        return sx, sy

    def to_map(self, sx: float, sy: float) -> tuple[float, float]:
        return (
            self.cx + (sx - self.width / 2) / self.scale,
            self.cy - (sy - self.height / 2) / self.scale,
        )

    def visible(self, margin_px: float = 0.0) -> tuple[float, float, float, float]:
        """(min x, min y, max x, max y) in map metres, grown by `margin_px` on every side."""
        half_w = (self.width / 2 + margin_px) / self.scale
        half_h = (self.height / 2 + margin_px) / self.scale
        return (self.cx - half_w, self.cy - half_h, self.cx + half_w, self.cy + half_h)

    def pan(self, dx_px: float, dy_px: float) -> None:
        """Move the map content by (dx, dy) screen pixels, as a drag does."""
        self.cx -= dx_px / self.scale
        self.cy += dy_px / self.scale

    def zoom_at(self, factor: float, sx: float | None = None, sy: float | None = None) -> None:
        """Zoom by `factor` keeping the map point under (sx, sy) (default the centre) still."""
        if sx is None or sy is None:
            sx, sy = self.width / 2, self.height / 2
        mx, my = self.to_map(sx, sy)
        lo, hi = scale_of_zoom(self.min_zoom), scale_of_zoom(self.max_zoom)
        self.scale = min(hi, max(lo, self.scale * factor))
        # The same map point goes back under the cursor.
        self.cx = mx - (sx - self.width / 2) / self.scale
        self.cy = my + (sy - self.height / 2) / self.scale

    def fit(self, bounds: tuple[float, float, float, float], margin_px: float = 24.0) -> None:
        """Show the map rectangle (min x, min y, max x, max y) whole, centred."""
        x0, y0, x1, y1 = bounds
        self.cx, self.cy = (x0 + x1) / 2, (y0 + y1) / 2
        w = max(x1 - x0, 1.0)
        h = max(y1 - y0, 1.0)
        avail_w = max(self.width - 2 * margin_px, 1.0)
        avail_h = max(self.height - 2 * margin_px, 1.0)
        lo, hi = scale_of_zoom(self.min_zoom), scale_of_zoom(self.max_zoom)
        self.scale = min(hi, max(lo, min(avail_w / w, avail_h / h)))


def tiles_in_view(view: MapView) -> list[tuple[int, int, int]]:
    """(z, x, y) of the tile-server tiles covering the view at the nearest integer zoom."""
    z = max(0, min(19, round(view.zoom)))
    n = 2**z
    tile_m = WORLD_M / n
    x0, y0, x1, y1 = view.visible()
    half = WORLD_M / 2
    tx0 = max(0, int((x0 + half) // tile_m))
    tx1 = min(n - 1, int((x1 + half) // tile_m))
    ty0 = max(0, int((half - y1) // tile_m))
    ty1 = min(n - 1, int((half - y0) // tile_m))
    return [(z, tx, ty) for ty in range(ty0, ty1 + 1) for tx in range(tx0, tx1 + 1)]


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """(min x, min y, max x, max y) in map metres of one tile."""
    tile_m = WORLD_M / 2**z
    half = WORLD_M / 2
    return (
        x * tile_m - half,
        half - (y + 1) * tile_m,
        (x + 1) * tile_m - half,
        half - y * tile_m,
    )


def tile_url(template: str, z: int, x: int, y: int) -> str:
    """Fill a `{z}/{x}/{y}` URL template of a tile server."""
    return template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y))
