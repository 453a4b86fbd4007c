"""GeoJSON of the map: the demo city loads and matches the seed; bad files name reason and line."""

from __future__ import annotations

import itertools
from datetime import datetime
from pathlib import Path

import pytest

from console.core.geojson import GeoJsonError, load_geojson, parse_geojson
from console.services.demo_data import build_demo_workspace
from console.services.map_data import DEMO_GEOJSON, load_region


def _inside(lon: float, lat: float, ring: tuple[tuple[float, float], ...]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def test_demo_file_has_a_polygon_for_every_seeded_grid() -> None:
    region = load_region(DEMO_GEOJSON)
    workspace = build_demo_workspace(datetime(2026, 11, 26, 9, 30))
    by_code = {g.code: g for g in region.grids}
    seeded = {g.code: g for g in workspace.grids}
    assert len(seeded) == 300
    assert set(by_code) == set(seeded), "regenerate: resources/maps/generate_demo_region.py"
    for code, grid in seeded.items():
        shape = by_code[code]
        assert shape.name == grid.name
        # The grid's own centre lies in its polygon.
        assert _inside(grid.longitude, grid.latitude, shape.polygons[0][0]), code
    assert [o.name for o in region.outlines] == ["临江市"]
    assert {label.name for label in region.labels if label.level == "county"} >= {
        "江城区",
        "青山县",
    }
    lon0, lat0, lon1, lat1 = region.bbox
    assert lon0 < 120.1 < lon1 and lat0 < 29.3 < lat1


VALID = """{"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"code": "G1", "name": "第一网格", "level": "grid"},
  "geometry": {"type": "Polygon", "coordinates": [[
   [120.0, 29.0],
   [120.1, 29.0],
   [120.1, 29.1],
   [120.0, 29.0]
  ]]}},
 {"type": "Feature", "properties": {"code": "G2", "name": "第二网格", "level": "grid"},
  "geometry": {"type": "MultiPolygon", "coordinates": [[[
   [120.2, 29.0],
   [120.3, 29.0],
   [120.3, 29.1],
   [120.2, 29.0]
  ]]]}},
 {"type": "Feature", "properties": {"name": "江城区", "level": "county"},
  "geometry": {"type": "Point", "coordinates": [120.15, 29.05]}}
]}
"""


def _refused(text: str) -> GeoJsonError:
    with pytest.raises(GeoJsonError) as info:
        parse_geojson(text)
    return info.value


def test_valid_collection_keeps_geometry_and_properties() -> None:
    fc = parse_geojson(VALID)
    assert [f.code for f in fc.polygons("grid")] == ["G1", "G2"]
    assert fc.polygons("grid")[1].geometry_type == "MultiPolygon"
    assert fc.points()[0].point == (120.15, 29.05)
    assert fc.bbox == (120.0, 29.0, 120.3, 29.1)
    assert fc.features[0].line == 2


def test_broken_json_gives_the_line_of_the_syntax_error() -> None:
    broken = VALID.replace(
        "   [120.1, 29.0],\n   [120.1, 29.1],", "   [120.1, 29.0]\n   [120.1, 29.1],", 1
    )
    err = _refused(broken)
    assert err.line == 6
    assert "JSON 格式错误" in err.reason and "逗号" in err.reason
    assert str(err).startswith("第 6 行")


def test_ring_not_closed_is_refused_at_its_line() -> None:
    err = _refused(
        VALID.replace("   [120.0, 29.0]\n  ]]]}},", "   [120.05, 29.0]\n  ]]]}},").replace(
            "   [120.1, 29.1],\n   [120.0, 29.0]\n  ]]}},",
            "   [120.1, 29.1],\n   [120.0, 29.05]\n  ]]}},",
        )
    )
    assert "未闭合" in err.reason
    assert err.line == 7


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("[120.1, 29.0],", '["120.1", 29.0],', 5, "必须是数字"),
        ("[120.1, 29.0],", "[true, 29.0],", 5, "必须是数字"),
        ("[120.1, 29.0],", "[120.1],", 5, "[经度, 纬度]"),
        ("[120.1, 29.0],", "[[120.1, 29.0], 29.0],", 5, "必须是数字"),
        ("[120.1, 29.0],", "[120.1, 91.0],", 5, "纬度 91.0 超出范围"),
        ("[120.1, 29.0],", "[181, 29.0],", 5, "经度 181 超出范围"),
        (
            '"coordinates": [120.15, 29.05]',
            '"coordinates": "120.15,29.05"',
            17,
            "coordinates 必须是数组",
        ),
        (
            '{"type": "Point", "coordinates"',
            '{"type": "LineString", "coordinates"',
            17,
            "不支持的几何类型",
        ),
        ('"code": "G2"', '"code": "G1"', 9, "编码 G1 重复（第 2 行已有"),
        ('"code": "G2"', '"code": 2', 9, "属性 code 必须是字符串"),
    ],
)
def test_bad_coordinates_and_properties_name_reason_and_line(
    old: str, new: str, line: int, words: str
) -> None:
    assert old in VALID
    err = _refused(VALID.replace(old, new, 1))
    assert words in err.reason
    assert err.line == line


def test_nan_and_wrong_top_level_are_refused() -> None:
    assert "NaN" in _refused(VALID.replace("[120.1, 29.1],", "[120.1, NaN],", 1)).reason
    assert _refused('{"type": "Feature"}').line == 1
    assert "features 为空" in _refused('{"type": "FeatureCollection",\n "features": []}').reason
    ring = _refused(
        VALID.replace("   [120.1, 29.1],\n   [120.0, 29.0]\n  ]]}}", "   [120.0, 29.0]\n  ]]}}", 1)
    )
    assert "至少要有 4 个坐标" in ring.reason


def test_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "city.geojson"
    bad.write_text(VALID.replace('"type": "Polygon"', '"type": "Polygon",,', 1), encoding="utf-8")
    with pytest.raises(GeoJsonError) as info:
        load_geojson(bad)
    assert str(info.value).startswith("city.geojson 第 3 行")
    latin = tmp_path / "latin.geojson"
    latin.write_bytes('{"name": "网格"}'.encode("gb18030"))
    with pytest.raises(GeoJsonError, match="UTF-8"):
        load_geojson(latin)
    with pytest.raises(GeoJsonError, match="无法读取"):
        load_geojson(tmp_path / "missing.geojson")
