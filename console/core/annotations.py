"""Evidence annotations: a box, an arrow or a text placed on a picture at a time, and their rules.

Coordinates are normalised to the picture (0..1 from the left and from the top), so an
annotation drawn on a scaled player lands on the same spot at any size and in the export.
A mark is shown for `SHOW_MS` from its time: long enough to be read while playing, and
absent elsewhere so it never hides what happened before or after.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime

from console.core.codes import AnnotationShape

SHOW_MS = 2_000
"""How long after its time an annotation stays on the picture."""
MAX_TEXT = 500
MIN_BOX = 0.005
"""A box narrower or lower than this (half a percent of the picture) is a slip of the mouse."""
MIN_ARROW = 0.01


@dataclass(frozen=True, slots=True)
class Box:
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True, slots=True)
class Arrow:
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True, slots=True)
class TextMark:
    """Where a text label's top-left corner sits."""

    x: float
    y: float


Geometry = Box | Arrow | TextMark

_SHAPE_OF: dict[type, AnnotationShape] = {
    Box: AnnotationShape.BOX,
    Arrow: AnnotationShape.ARROW,
    TextMark: AnnotationShape.TEXT,
}


@dataclass(frozen=True, slots=True)
class AnnotationDraft:
    """What the operator drew, before it is stored."""

    asset_id: int
    at_ms: int
    geometry: Geometry
    text: str = ""

    @property
    def kind(self) -> AnnotationShape:
        return shape_of(self.geometry)


@dataclass(frozen=True, slots=True)
class AnnotationRecord:
    id: int
    asset_id: int
    case_id: int
    kind: AnnotationShape
    at_ms: int
    geometry: Geometry
    text: str
    author_id: int | None
    author_name: str
    created_at: datetime  # naive UTC

    def visible_at(self, position_ms: int) -> bool:
        return visible_at(self.at_ms, position_ms)


class AnnotationRefused(ValueError):
    """An annotation that breaks a rule; the message is the reason, in Chinese."""


def shape_of(geometry: Geometry) -> AnnotationShape:
    return _SHAPE_OF[type(geometry)]


def visible_at(at_ms: int, position_ms: int) -> bool:
    return at_ms <= position_ms < at_ms + SHOW_MS


def problems(draft: AnnotationDraft, duration_ms: int | None) -> list[str]:
    """Every reason the draft cannot be stored, in Chinese; empty when it is fine.

    `duration_ms` is the asset's length; None for a still picture (only time 0 exists).
    """
    reasons: list[str] = []
    values = _values(draft.geometry)
    if not all(math.isfinite(v) for v in values):
        reasons.append("标注坐标不是有效数字")
    elif not all(0.0 <= v <= 1.0 for v in values):
        reasons.append("标注超出画面范围")
    else:
        g = draft.geometry
        if isinstance(g, Box):
            if g.w < MIN_BOX or g.h < MIN_BOX:
                reasons.append("框选区域太小")
            elif g.x + g.w > 1.0 + 1e-9 or g.y + g.h > 1.0 + 1e-9:
                reasons.append("框选区域超出画面范围")
        elif isinstance(g, Arrow) and math.hypot(g.x2 - g.x1, g.y2 - g.y1) < MIN_ARROW:
            reasons.append("箭头太短")
    text = draft.text.strip()
    if isinstance(draft.geometry, TextMark) and not text:
        reasons.append("文字标注的内容不能为空")
    if len(draft.text) > MAX_TEXT:
        reasons.append(f"标注文字不能超过{MAX_TEXT}字")
    if draft.at_ms < 0:
        reasons.append("标注时间不能为负")
    elif duration_ms is None and draft.at_ms != 0:
        reasons.append("图片只能在0秒处标注")
    elif duration_ms is not None and draft.at_ms > duration_ms:
        reasons.append("标注时间超出录像时长")
    return reasons


def check(draft: AnnotationDraft, duration_ms: int | None) -> None:
    reasons = problems(draft, duration_ms)
    if reasons:
        raise AnnotationRefused("；".join(reasons))


def box_from_corners(x1: float, y1: float, x2: float, y2: float) -> Box:
    """A box from two dragged corners in any order, clipped to the picture."""
    left, right = sorted((_clip(x1), _clip(x2)))
    top, bottom = sorted((_clip(y1), _clip(y2)))
    return Box(left, top, right - left, bottom - top)


def geometry_to_json(geometry: Geometry) -> str:
    g = geometry
    if isinstance(g, Box):
        data = {"x": g.x, "y": g.y, "w": g.w, "h": g.h}
    elif isinstance(g, Arrow):
        data = {"x1": g.x1, "y1": g.y1, "x2": g.x2, "y2": g.y2}
    else:
        data = {"x": g.x, "y": g.y}
    return json.dumps({k: round(v, 6) for k, v in data.items()}, separators=(",", ":"))


def geometry_from_json(kind: AnnotationShape, text: str) -> Geometry:
    """The stored geometry of a `kind` annotation; AnnotationRefused if it does not parse."""
    try:
        d = json.loads(text)
        if kind is AnnotationShape.BOX:
            return Box(float(d["x"]), float(d["y"]), float(d["w"]), float(d["h"]))
        if kind is AnnotationShape.ARROW:
            return Arrow(float(d["x1"]), float(d["y1"]), float(d["x2"]), float(d["y2"]))
        return TextMark(float(d["x"]), float(d["y"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise AnnotationRefused(f"标注几何数据无法读取：{text[:80]}") from exc


def _values(g: Geometry) -> tuple[float, ...]:
    if isinstance(g, Box):
        return (g.x, g.y, g.w, g.h)
    if isinstance(g, Arrow):
        return (g.x1, g.y1, g.x2, g.y2)
    return (g.x, g.y)


def _clip(v: float) -> float:
    return min(1.0, max(0.0, v))
