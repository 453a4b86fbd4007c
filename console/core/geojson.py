"""Read a GeoJSON FeatureCollection of grids and points, refusing bad input with a reason and line.

The map of 挂图作战 comes from a file an administrator may edit by hand, so every refusal
says what is wrong in Chinese and on which line: `json` itself reports syntax errors by
position; for the checks after parsing, the decoder below records where each object and
array began, and that offset is turned into a line number.

Accepted: a FeatureCollection whose features have Polygon, MultiPolygon or Point geometry
with lon/lat coordinates (WGS-84), rings closed, at least four positions per ring.
Properties are kept as given; `code`, `name` and `level` are read by the map.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# json's pure-Python parsers are public in practice but not in the type stubs.
_json_decoder: Any = json.decoder
_json_scanner: Any = json.scanner

Position = tuple[float, float]
Ring = tuple[Position, ...]
PolygonRings = tuple[Ring, ...]
"""The outer ring first, then holes."""

GEOMETRY_TYPES = ("Polygon", "MultiPolygon", "Point")


class GeoJsonError(ValueError):
    """An invalid GeoJSON document: `reason` in Chinese, `line` 1-based (0 when unknown)."""

    def __init__(self, reason: str, line: int, source: str = "") -> None:
        self.reason = reason
        self.line = line
        self.source = source
        where = f"{source} " if source else ""
        super().__init__(f"{where}第 {line} 行：{reason}")


@dataclass(frozen=True, slots=True)
class GeoFeature:
    geometry_type: str
    polygons: tuple[PolygonRings, ...]
    """For Polygon one entry, for MultiPolygon one per part, for Point none."""
    point: Position | None
    properties: Mapping[str, Any] = field(hash=False, compare=True)
    line: int = 0

    @property
    def code(self) -> str:
        return str(self.properties.get("code") or "")

    @property
    def name(self) -> str:
        return str(self.properties.get("name") or "")

    @property
    def level(self) -> str:
        return str(self.properties.get("level") or "")


@dataclass(frozen=True, slots=True)
class FeatureCollection:
    features: tuple[GeoFeature, ...]
    bbox: tuple[float, float, float, float]
    """(min lon, min lat, max lon, max lat) over every coordinate."""

    def polygons(self, level: str | None = None) -> tuple[GeoFeature, ...]:
        return tuple(
            f for f in self.features if f.point is None and (level is None or f.level == level)
        )

    def points(self, level: str | None = None) -> tuple[GeoFeature, ...]:
        return tuple(
            f for f in self.features if f.point is not None and (level is None or f.level == level)
        )


# --- a decoder that remembers where each object and array began


class _Obj(dict[str, Any]):
    __slots__ = ("pos",)
    pos: int


class _Arr(list[Any]):
    __slots__ = ("pos",)
    pos: int


class _PositionDecoder(json.JSONDecoder):
    def __init__(self) -> None:
        super().__init__(parse_constant=self._no_constant)

        def parse_object(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
            obj, end = _json_decoder.JSONObject(s_and_end, *args, **kwargs)
            out = _Obj(obj)
            out.pos = s_and_end[1] - 1
            return out, end

        def parse_array(s_and_end: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
            arr, end = _json_decoder.JSONArray(s_and_end, *args, **kwargs)
            out = _Arr(arr)
            out.pos = s_and_end[1] - 1
            return out, end

        self.parse_object = parse_object
        self.parse_array = parse_array
        # The C scanner calls the built-in parsers directly; only the Python one uses ours.
        self.scan_once = _json_scanner.py_make_scanner(self)

    @staticmethod
    def _no_constant(name: str) -> Any:
        raise ValueError(name)


class _Lines:
    def __init__(self, text: str) -> None:
        self._breaks = [i for i, ch in enumerate(text) if ch == "\n"]

    def of(self, value: Any) -> int:
        pos = getattr(value, "pos", None)
        if pos is None:
            return 0
        return bisect.bisect_right(self._breaks, pos - 1) + 1


# --- parsing and validation


def load_geojson(path: Path) -> FeatureCollection:
    """Read and validate a file; GeoJsonError when it is not acceptable."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise GeoJsonError(f"文件不是 UTF-8 编码（{exc.reason}）", 0, path.name) from exc
    except OSError as exc:
        raise GeoJsonError(f"无法读取文件：{exc.strerror or exc}", 0, path.name) from exc
    try:
        return parse_geojson(text)
    except GeoJsonError as exc:
        raise GeoJsonError(exc.reason, exc.line, path.name) from None


def parse_geojson(text: str) -> FeatureCollection:
    lines = _Lines(text)
    try:
        doc = _PositionDecoder().decode(text)
    except json.JSONDecodeError as exc:
        raise GeoJsonError(f"JSON 格式错误：{_json_reason(exc.msg)}", exc.lineno) from None
    except ValueError as exc:  # NaN / Infinity
        raise GeoJsonError(f"不允许的数值 {exc}", _line_of_token(text, str(exc))) from None
    return _Validator(lines).collection(doc)


def _json_reason(msg: str) -> str:
    known = {
        "Expecting value": "缺少值",
        "Expecting ',' delimiter": "缺少逗号",
        "Expecting ':' delimiter": "缺少冒号",
        "Expecting property name enclosed in double quotes": "属性名须用双引号",
        "Unterminated string starting at": "字符串未结束",
        "Extra data": "文档结尾后还有多余内容",
        "Invalid control character at": "字符串中有控制字符",
        "Invalid \\escape": "无效的转义字符",
    }
    return f"{known.get(msg, msg)}（{msg}）" if msg in known else msg


def _line_of_token(text: str, token: str) -> int:
    pos = text.find(token)
    return text.count("\n", 0, pos) + 1 if pos >= 0 else 0


class _Validator:
    def __init__(self, lines: _Lines) -> None:
        self.lines = lines
        self.bbox = [math.inf, math.inf, -math.inf, -math.inf]

    def fail(self, reason: str, at: Any) -> GeoJsonError:
        return GeoJsonError(reason, self.lines.of(at))

    def collection(self, doc: Any) -> FeatureCollection:
        if not isinstance(doc, dict):
            raise self.fail("顶层必须是一个对象（FeatureCollection）", doc)
        if doc.get("type") != "FeatureCollection":
            raise self.fail(f"顶层 type 应为 FeatureCollection，实为 {doc.get('type')!r}", doc)
        features = doc.get("features")
        if not isinstance(features, list):
            raise self.fail("features 必须是数组", doc)
        if not features:
            raise self.fail("features 为空：没有任何网格或点位", features)
        out = tuple(self.feature(f) for f in features)
        seen: dict[tuple[str, str], GeoFeature] = {}
        for f in out:
            if not f.code:
                continue
            key = (f.level, f.code)
            if key in seen:
                raise GeoJsonError(
                    f"编码 {f.code} 重复（第 {seen[key].line} 行已有同一编码）", f.line
                )
            seen[key] = f
        minx, miny, maxx, maxy = self.bbox
        return FeatureCollection(out, (minx, miny, maxx, maxy))

    def feature(self, f: Any) -> GeoFeature:
        if not isinstance(f, dict) or f.get("type") != "Feature":
            raise self.fail("features 中的每一项都必须是 type 为 Feature 的对象", f)
        props = f.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            raise self.fail("properties 必须是对象或 null", f)
        for key in ("code", "name", "level"):
            if key in props and not isinstance(props[key], str):
                raise self.fail(f"属性 {key} 必须是字符串", props)
        geom = f.get("geometry")
        if not isinstance(geom, dict):
            raise self.fail("缺少 geometry 对象", f)
        gtype = geom.get("type")
        if gtype not in GEOMETRY_TYPES:
            raise self.fail(
                f"不支持的几何类型 {gtype!r}（只接受 Polygon、MultiPolygon、Point）", geom
            )
        coords = geom.get("coordinates")
        if not isinstance(coords, list):
            raise self.fail(f"{gtype} 的 coordinates 必须是数组", geom)
        line = self.lines.of(f)
        plain = dict(props)
        if gtype == "Point":
            return GeoFeature(gtype, (), self.position(coords), plain, line)
        if gtype == "Polygon":
            return GeoFeature(gtype, (self.polygon(coords),), None, plain, line)
        if not coords:
            raise self.fail("MultiPolygon 至少要有一个多边形", coords)
        parts = []
        for part in coords:
            if not isinstance(part, list):
                raise self.fail("MultiPolygon 的每一部分必须是多边形（环的数组）", coords)
            parts.append(self.polygon(part))
        return GeoFeature(gtype, tuple(parts), None, plain, line)

    def polygon(self, rings: list[Any]) -> PolygonRings:
        if not rings:
            raise self.fail("多边形至少要有一个外环", rings)
        out = []
        for ring in rings:
            if not isinstance(ring, list):
                raise self.fail("多边形的环必须是坐标数组", rings)
            if len(ring) < 4:
                raise self.fail(
                    f"多边形的环至少要有 4 个坐标（首尾相同），实有 {len(ring)} 个", ring
                )
            positions = tuple(self.position(p) for p in ring)
            if positions[0] != positions[-1]:
                raise self.fail(
                    f"多边形环未闭合：首点 {list(positions[0])} 与末点 {list(positions[-1])} 不同",
                    ring[-1] if isinstance(ring[-1], list) else ring,
                )
            out.append(positions)
        return tuple(out)

    def position(self, p: Any) -> Position:
        if not isinstance(p, list) or len(p) not in (2, 3):
            raise self.fail("坐标必须是 [经度, 纬度] 形式的数组", p)
        for v in p:
            if isinstance(v, bool) or not isinstance(v, int | float):
                raise self.fail(f"坐标值必须是数字，实为 {json.dumps(v, ensure_ascii=False)}", p)
        lon, lat = float(p[0]), float(p[1])
        if not (math.isfinite(lon) and -180.0 <= lon <= 180.0):
            raise self.fail(f"经度 {p[0]} 超出范围（-180 到 180）", p)
        if not (math.isfinite(lat) and -90.0 <= lat <= 90.0):
            raise self.fail(f"纬度 {p[1]} 超出范围（-90 到 90）", p)
        b = self.bbox
        b[0], b[1] = min(b[0], lon), min(b[1], lat)
        b[2], b[3] = max(b[2], lon), max(b[3], lat)
        return (lon, lat)
