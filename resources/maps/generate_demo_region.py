"""Write demo_region.geojson: the demo city's outline, its 300 grids and county/town labels.

Not needed at run time: the file it writes is committed. Run it again only when the demo
generator (`console/services/demo_data.py`) moves its grids:

    .venv/bin/python resources/maps/generate_demo_region.py

The demo stores each grid as one point (its centre). The grid polygons here are the Voronoi
cells of those centres, cut to a rounded outline around the whole city, so they tile the
city without gaps or overlaps: dense urban communities get small grids, villages large ones.
"""

from __future__ import annotations

import json
import math
from datetime import datetime
from pathlib import Path

from console.core.codes import RegionLevel
from console.services.demo_data import CITY_CODE, CITY_NAME, build_demo_workspace

OUT = Path(__file__).resolve().parent / "demo_region.geojson"
OUTLINE_BINS = 24  # points on the rounded corners
OUTLINE_MARGIN = 0.03  # degrees beyond the outermost grid centre

Pt = tuple[float, float]


def clip(poly: list[Pt], a: Pt, b: Pt) -> list[Pt]:
    """Keep the part of `poly` nearer to a than to b (Sutherland-Hodgman on the bisector)."""
    nx, ny = b[0] - a[0], b[1] - a[1]
    c = (b[0] ** 2 + b[1] ** 2 - a[0] ** 2 - a[1] ** 2) / 2

    def side(p: Pt) -> float:
        return c - (p[0] * nx + p[1] * ny)

    out: list[Pt] = []
    for i, cur in enumerate(poly):
        prev = poly[i - 1]
        sc, sp = side(cur), side(prev)
        if sc >= 0:
            if sp < 0:
                t = sp / (sp - sc)
                out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
            out.append(cur)
        elif sp >= 0:
            t = sp / (sp - sc)
            out.append((prev[0] + t * (cur[0] - prev[0]), prev[1] + t * (cur[1] - prev[1])))
    return out


def outline(points: list[Pt]) -> list[Pt]:
    """The convex hull of the centres grown by a margin, with rounded corners (convex, so
    cutting it by half-planes is exact)."""
    ring = [
        (x + OUTLINE_MARGIN * math.cos(t), y + OUTLINE_MARGIN * math.sin(t))
        for x, y in points
        for t in (2 * math.pi * i / OUTLINE_BINS for i in range(OUTLINE_BINS))
    ]
    ring = sorted(set(ring))

    def cross(o: Pt, a: Pt, b: Pt) -> float:
        return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])

    lower: list[Pt] = []
    upper: list[Pt] = []
    for p in ring:
        while len(lower) >= 2 and cross(lower[-2], lower[-1], p) <= 0:
            lower.pop()
        lower.append(p)
    for p in reversed(ring):
        while len(upper) >= 2 and cross(upper[-2], upper[-1], p) <= 0:
            upper.pop()
        upper.append(p)
    return lower[:-1] + upper[:-1]


def main() -> None:
    ws = build_demo_workspace(datetime(2026, 11, 26))
    by_code = {r.code: r for r in ws.regions}
    grids = list(ws.grids)
    lat0 = sum(g.latitude for g in grids) / len(grids)
    k = math.cos(math.radians(lat0))  # local equirectangular: a degree east is k degrees north

    def local(lon: float, lat: float) -> Pt:
        return (lon * k, lat)

    def lonlat(p: Pt) -> list[float]:
        return [round(p[0] / k, 6), round(p[1], 6)]

    centres = [local(g.longitude, g.latitude) for g in grids]
    city = outline(centres)
    features: list[dict[str, object]] = [
        {
            "properties": {"code": CITY_CODE, "name": CITY_NAME, "level": "city"},
            "geometry": {"type": "Polygon", "coordinates": [[*map(lonlat, city), lonlat(city[0])]]},
        }
    ]
    for r in ws.regions:
        if r.level in (RegionLevel.COUNTY, RegionLevel.TOWN):
            features.append(
                {
                    "properties": {"code": r.code, "name": r.name, "level": r.level.code},
                    "geometry": {"type": "Point", "coordinates": [r.longitude, r.latitude]},
                }
            )
    for i, (g, a) in enumerate(zip(grids, centres, strict=True)):
        cell = list(city)
        others = sorted(
            (j for j in range(len(grids)) if j != i),
            key=lambda j: (centres[j][0] - a[0]) ** 2 + (centres[j][1] - a[1]) ** 2,
        )
        for j in others:
            b = centres[j]
            reach = max(math.hypot(p[0] - a[0], p[1] - a[1]) for p in cell)
            if math.hypot(b[0] - a[0], b[1] - a[1]) > 2 * reach:
                break
            cell = clip(cell, a, b)
        rounded = [lonlat(p) for p in cell]
        ring = [p for n, p in enumerate(rounded) if p != rounded[n - 1]]
        ring.append(ring[0])
        village = by_code[g.parent_code or ""]
        town = by_code[village.parent_code or ""]
        features.append(
            {
                "properties": {
                    "code": g.code,
                    "name": g.name,
                    "level": "grid",
                    "kind": g.grid_kind.code if g.grid_kind else "",
                    "village": village.name,
                    "town": town.name,
                    "county": town.parent_code,
                    "households": g.households,
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    OUT.write_text(render(features), encoding="utf-8")
    print(f"wrote {OUT} ({len(grids)} grids)")


def render(features: list[dict[str, object]]) -> str:
    """One feature's properties per line, one coordinate pair per line: errors point close."""
    out = ['{"type": "FeatureCollection", "features": [']
    for n, f in enumerate(features):
        geom = f["geometry"]
        assert isinstance(geom, dict)
        props = json.dumps(f["properties"], ensure_ascii=False)
        out.append(f' {{"type": "Feature", "properties": {props},')
        if geom["type"] == "Point":
            where = json.dumps(geom["coordinates"])
            out.append(f'  "geometry": {{"type": "Point", "coordinates": {where}}}}}')
        else:
            out.append('  "geometry": {"type": "Polygon", "coordinates": [[')
            ring = geom["coordinates"][0]
            out.append(",\n".join(f"   {json.dumps(p)}" for p in ring))
            out.append("  ]]}}")
        if n < len(features) - 1:
            out[-1] += ","
    out.append("]}")
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    main()
