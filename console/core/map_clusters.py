"""Points on the map: their records, grid clustering per zoom level, heat density, dot raster.

Everything works on numpy arrays of projected coordinates so that 30,000 cameras and 10,000
risk points cost a few milliseconds per frame: clustering snaps points to square cells of a
fixed on-screen size (one pass of `np.unique` per zoom level, computed once per data set),
the heat layer is a histogram blurred by three box passes (close to a Gaussian), and dots
are stamped into an ARGB32 buffer by fancy indexing instead of one paint call per point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from console.core.codes import RiskLevel
from console.core.map_projection import scale_of_zoom

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

RISK_RANK: dict[str, int] = {level.code: i for i, level in enumerate(RiskLevel)}
"""low 0 … critical 3: a cluster shows the highest level among its members."""

CLUSTER_CELL_PX = 72
CLUSTER_MIN_ZOOM = 6
CLUSTER_MAX_ZOOM = 15
"""Beyond this zoom every point is drawn on its own."""


@dataclass(frozen=True, slots=True)
class CameraPoint:
    id: int
    name: str
    lon: float
    lat: float
    status: str


@dataclass(frozen=True, slots=True)
class CasePoint:
    id: int
    number: str
    title: str
    lon: float
    lat: float
    risk_level: str
    state: str


@dataclass(frozen=True, slots=True)
class Clusters:
    """Points grouped by cell: centroid, member count, highest level, one member's index."""

    x: FloatArray
    y: FloatArray
    count: IntArray
    level: IntArray
    member: IntArray
    cell: float

    def __len__(self) -> int:
        return len(self.count)


def cluster(x: FloatArray, y: FloatArray, cell: float, level: IntArray | None = None) -> Clusters:
    """Group the points into square cells of side `cell` (map units)."""
    n = len(x)
    if n == 0:
        empty_f = np.zeros(0, dtype=np.float64)
        empty_i = np.zeros(0, dtype=np.int64)
        return Clusters(empty_f, empty_f, empty_i, empty_i, empty_i, cell)
    ix = np.floor(x / cell).astype(np.int64)
    iy = np.floor(y / cell).astype(np.int64)
    ix -= ix.min()
    iy -= iy.min()
    key = ix * (int(iy.max()) + 1) + iy
    _, inv, counts = np.unique(key, return_inverse=True, return_counts=True)
    inv = inv.ravel()
    cx = np.bincount(inv, weights=x) / counts
    cy = np.bincount(inv, weights=y) / counts
    lv = np.full(len(counts), -1, dtype=np.int64)
    if level is not None:
        np.maximum.at(lv, inv, level)
    order = np.argsort(inv, kind="stable")
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    member = order[starts]
    return Clusters(cx, cy, counts.astype(np.int64), lv, member.astype(np.int64), cell)


class ClusterIndex:
    """Clusters for each integer zoom level, computed once for a set of points."""

    def __init__(
        self,
        x: FloatArray,
        y: FloatArray,
        level: IntArray | None = None,
        *,
        cell_px: float = CLUSTER_CELL_PX,
        min_zoom: int = CLUSTER_MIN_ZOOM,
        max_zoom: int = CLUSTER_MAX_ZOOM,
    ) -> None:
        self.min_zoom, self.max_zoom = min_zoom, max_zoom
        self.levels = {
            z: cluster(x, y, cell_px / scale_of_zoom(z), level)
            for z in range(min_zoom, max_zoom + 1)
        }

    def at(self, zoom: float) -> Clusters | None:
        """The clusters to draw at `zoom`, or None when points are drawn singly."""
        z = math.floor(zoom + 1e-9)
        if z > self.max_zoom:
            return None
        return self.levels[max(self.min_zoom, z)]


def in_rect(
    x: FloatArray, y: FloatArray, rect: tuple[float, float, float, float]
) -> npt.NDArray[np.intp]:
    """Indices of the points inside (min x, min y, max x, max y)."""
    x0, y0, x1, y1 = rect
    return np.flatnonzero((x >= x0) & (x <= x1) & (y >= y0) & (y <= y1))


def nearest(sx: FloatArray, sy: FloatArray, px: float, py: float, max_dist: float) -> int | None:
    """Index of the point nearest to (px, py) within `max_dist`, else None."""
    if len(sx) == 0:
        return None
    d2 = (sx - px) ** 2 + (sy - py) ** 2
    i = int(np.argmin(d2))
    return i if d2[i] <= max_dist * max_dist else None


# --- heat


def _box_blur(a: npt.NDArray[np.float64], r: int, axis: int) -> npt.NDArray[np.float64]:
    if r <= 0:
        return a
    pad = [(0, 0), (0, 0)]
    pad[axis] = (r + 1, r)
    c = np.cumsum(np.pad(a, pad), axis=axis)
    n = a.shape[axis]
    hi = np.take(c, np.arange(2 * r + 1, 2 * r + 1 + n), axis=axis)
    lo = np.take(c, np.arange(0, n), axis=axis)
    return (hi - lo) / (2 * r + 1)


def heat_grid(
    x: FloatArray,
    y: FloatArray,
    bounds: tuple[float, float, float, float],
    width: int,
    height: int,
    radius_cells: float,
    weights: FloatArray | None = None,
) -> npt.NDArray[np.float32]:
    """Density of the points over `bounds` as a (height, width) array in 0..1, row 0 at top."""
    x0, y0, x1, y1 = bounds
    if width <= 0 or height <= 0 or x1 <= x0 or y1 <= y0:
        return np.zeros((max(height, 0), max(width, 0)), dtype=np.float32)
    h, _, _ = np.histogram2d(
        y, x, bins=(height, width), range=((y0, y1), (x0, x1)), weights=weights
    )
    h = h[::-1]
    # Three box passes of radius r approximate a Gaussian of sigma ≈ r.
    r = max(1, round(radius_cells / 1.7))
    for _ in range(3):
        h = _box_blur(_box_blur(h, r, 0), r, 1)
    top = float(h.max())
    if top <= 0:
        return np.zeros((height, width), dtype=np.float32)
    # Square root: a few dense blocks should not wash out the rest of the city.
    return np.sqrt(h / top).astype(np.float32)


def _heat_lut() -> npt.NDArray[np.uint32]:
    stops = [  # position, (r, g, b, a)
        (0.0, (0, 0, 255, 0)),
        (0.15, (0, 120, 255, 90)),
        (0.4, (0, 220, 120, 150)),
        (0.65, (255, 220, 0, 190)),
        (1.0, (255, 40, 30, 225)),
    ]
    t = np.linspace(0, 1, 256)
    pos = [s[0] for s in stops]
    chans = [np.interp(t, pos, [s[1][k] for s in stops]) for k in range(4)]
    r, g, b, a = (np.round(c).astype(np.uint32) for c in chans)
    # Premultiplied ARGB32, as QImage.Format_ARGB32_Premultiplied expects.
    r, g, b = r * a // 255, g * a // 255, b * a // 255
    return np.asarray((a << 24) | (r << 16) | (g << 8) | b, dtype=np.uint32)


HEAT_LUT = _heat_lut()


def heat_argb(density: npt.NDArray[np.float32]) -> npt.NDArray[np.uint32]:
    """Colour a density grid (0..1) into premultiplied ARGB32 pixels."""
    idx = np.clip((density * 255).astype(np.int32), 0, 255)
    return np.ascontiguousarray(HEAT_LUT[idx])


# --- dots


def _disc(radius: float) -> tuple[IntArray, IntArray]:
    r = math.ceil(radius)
    dy, dx = np.mgrid[-r : r + 1, -r : r + 1]
    keep = dx * dx + dy * dy <= radius * radius + 0.25
    return dx[keep].astype(np.int64), dy[keep].astype(np.int64)


def stamp_dots(
    buf: npt.NDArray[np.uint32],
    sx: FloatArray,
    sy: FloatArray,
    fill: npt.NDArray[np.uint32],
    radius: float = 3.0,
    outline: int | None = 0xFF0B1622,
) -> None:
    """Draw a filled disc (with a one-pixel outline) per point into an ARGB32 buffer."""
    h, w = buf.shape
    px = np.round(sx).astype(np.int64)
    py = np.round(sy).astype(np.int64)
    layers: list[tuple[float, npt.NDArray[np.uint32] | int]] = []
    if outline is not None:
        layers.append((radius + 1.0, outline))
    layers.append((radius, fill))
    for rad, colour in layers:
        ddx, ddy = _disc(rad)
        xs = (px[:, None] + ddx[None, :]).ravel()
        ys = (py[:, None] + ddy[None, :]).ravel()
        inside = (xs >= 0) & (xs < w) & (ys >= 0) & (ys < h)
        if isinstance(colour, int):
            buf[ys[inside], xs[inside]] = np.uint32(colour)
        else:
            cols = np.repeat(colour, len(ddx))
            buf[ys[inside], xs[inside]] = cols[inside]


def badge_positions(
    sx: FloatArray,
    sy: FloatArray,
    r: FloatArray,
    ax: FloatArray,
    ay: FloatArray,
    ar: FloatArray,
    overlap: float = 0.8,
) -> tuple[FloatArray, FloatArray]:
    """Move markers (sx, sy, radius r) that would cover an anchor marker onto its rim.

    Risk-point clusters and camera clusters of the same place fall on nearly the same spot;
    the risk marker then sits on the camera marker's edge like a badge, away from its
    centre (up and to the right when the two coincide), so both counts stay readable.
    """
    n, m = len(sx), len(ax)
    if n == 0 or m == 0 or n * m > 4_000_000:
        return sx, sy
    dx = sx[:, None] - ax[None, :]
    dy = sy[:, None] - ay[None, :]
    d = np.hypot(dx, dy)
    j = np.argmin(d, axis=1)
    rows = np.arange(n)
    dmin = d[rows, j]
    clash = dmin < (r + ar[j]) * overlap
    ux, uy = dx[rows, j], dy[rows, j]
    tiny = dmin < 1.0
    ux = np.where(tiny, math.sqrt(0.5), ux / np.maximum(dmin, 1e-9))
    uy = np.where(tiny, -math.sqrt(0.5), uy / np.maximum(dmin, 1e-9))
    out_x = np.where(clash, ax[j] + ux * ar[j], sx)
    out_y = np.where(clash, ay[j] + uy * ar[j], sy)
    return out_x, out_y
