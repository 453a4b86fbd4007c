"""Camera zones: the polygon format, its validation, and who may edit zones or lift masks.

A zone is a polygon on the camera picture, in 0..1 of its width and height so that it
holds for the main and the sub stream alike. It is stored as JSON `[[x, y], ...]`; this
module is the one place that format is read and written.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from console.core.codes import Role, ZoneKind

Point = tuple[float, float]
Polygon = tuple[Point, ...]

MIN_POINTS = 3
MAX_POINTS = 32
# Smaller than 1/1000 of the picture (a 19x11 px patch on 640x360) hides nothing and
# detects nothing: it is a slip of the mouse, not a zone.
MIN_AREA = 0.001
SENSITIVITY_RANGE = (1, 100)
DEFAULT_SENSITIVITY = 50

# Editing zones changes what operators may see and what raises alerts; lifting a mask
# shows what the mask hides. Both are supervisory decisions.
ZONE_EDITORS = frozenset({Role.SUPERVISOR, Role.ADMIN})
MASK_LIFTERS = frozenset({Role.SUPERVISOR, Role.ADMIN})

# Motion threshold: the fraction of a zone's pixels that must change. Sensitivity 1 needs
# half the zone, 100 needs half a percent; logarithmic in between, so each step of the
# slider changes the threshold by the same factor.
_LEAST_SENSITIVE_FRACTION = 0.5
_MOST_SENSITIVE_FRACTION = 0.005


class ZoneProblem(ValueError):
    """A polygon that cannot be a zone, said in words an operator understands."""


@dataclass(frozen=True, slots=True)
class ZoneRecord:
    id: int
    camera_id: int
    kind: ZoneKind
    name: str
    points: Polygon
    sensitivity: int
    active: bool
    created_by: int | None
    created_at: datetime


def polygon_area(points: Polygon) -> float:
    """Shoelace area, always positive, in picture fractions (1.0 = the whole picture)."""
    total = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        total += x0 * y1 - x1 * y0
    return abs(total) / 2.0


def validate_polygon(points: object) -> Polygon:
    """The polygon as a tuple of float pairs; raises ZoneProblem when it cannot be a zone."""
    if not isinstance(points, list | tuple):
        raise ZoneProblem("区域须为点的列表 (a zone is a list of points)")
    if len(points) < MIN_POINTS:
        raise ZoneProblem(f"区域至少需要 {MIN_POINTS} 个点 (at least {MIN_POINTS} points)")
    if len(points) > MAX_POINTS:
        raise ZoneProblem(f"区域最多 {MAX_POINTS} 个点 (at most {MAX_POINTS} points)")
    out: list[Point] = []
    for p in points:
        if not isinstance(p, list | tuple) or len(p) != 2:
            raise ZoneProblem("每个点须为 [x, y] (each point is [x, y])")
        try:
            x, y = float(p[0]), float(p[1])
        except (TypeError, ValueError):
            raise ZoneProblem("点坐标须为数字 (coordinates are numbers)") from None
        if not (math.isfinite(x) and math.isfinite(y) and 0.0 <= x <= 1.0 and 0.0 <= y <= 1.0):
            raise ZoneProblem("点须在画面内 (points lie within 0..1 of the picture)")
        out.append((x, y))
    polygon = tuple(out)
    if len(set(polygon)) < MIN_POINTS or polygon_area(polygon) < MIN_AREA:
        raise ZoneProblem("区域过小或退化为线 (the zone is degenerate or too small)")
    return polygon


def points_to_json(points: Polygon) -> str:
    polygon = validate_polygon(points)
    return json.dumps([[round(x, 5), round(y, 5)] for x, y in polygon], separators=(",", ":"))


def points_from_json(text: str) -> Polygon:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ZoneProblem(f"区域数据损坏 (zone points are not JSON): {exc}") from None
    return validate_polygon(data)


def validate_sensitivity(value: int) -> int:
    low, high = SENSITIVITY_RANGE
    if not low <= int(value) <= high:
        raise ZoneProblem(f"灵敏度须在 {low}..{high} (sensitivity is {low}..{high})")
    return int(value)


def motion_threshold(sensitivity: int) -> float:
    """Fraction of a zone's pixels in motion that raises an alert at this sensitivity."""
    low, high = SENSITIVITY_RANGE
    s = min(high, max(low, int(sensitivity)))
    ratio = _MOST_SENSITIVE_FRACTION / _LEAST_SENSITIVE_FRACTION
    return _LEAST_SENSITIVE_FRACTION * ratio ** ((s - low) / (high - low))


def may_edit_zones(role: Role) -> bool:
    return role in ZONE_EDITORS


def may_lift_masks(role: Role) -> bool:
    return role in MASK_LIFTERS
