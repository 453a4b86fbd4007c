"""The map of 挂图作战: the region's outline and grids from GeoJSON, camera and case points.

The GeoJSON file is the one configured for the workspace (setting `map.geojson`), else the
demo city's under `resources/maps/`. A tile server is used only when one is configured
(setting `map.tile_url` or the constructor); without it the map is drawn from the file alone
and nothing is fetched from any network.
"""

from __future__ import annotations

import asyncio
from collections.abc import Collection
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from console.core.geojson import GeoJsonError, PolygonRings, load_geojson
from console.core.map_clusters import CameraPoint, CasePoint
from console.store.repos import map_points
from console.store.store import Store

DEMO_GEOJSON = Path(__file__).resolve().parents[2] / "resources" / "maps" / "demo_region.geojson"

__all__ = [
    "DEMO_GEOJSON",
    "CameraPoint",
    "CasePoint",
    "GeoJsonError",
    "GridShape",
    "MapDataService",
    "MapLabel",
    "MapRegion",
    "MapSettings",
    "load_region",
]


@dataclass(frozen=True, slots=True)
class GridShape:
    """One area of the map: a grid, or the outline of the city (level `city`)."""

    code: str
    name: str
    level: str
    kind: str
    county: str
    polygons: tuple[PolygonRings, ...]


@dataclass(frozen=True, slots=True)
class MapLabel:
    """A named place drawn as text only: county and town names."""

    code: str
    name: str
    level: str
    lon: float
    lat: float


@dataclass(frozen=True, slots=True)
class MapRegion:
    source: str
    outlines: tuple[GridShape, ...]
    grids: tuple[GridShape, ...]
    labels: tuple[MapLabel, ...]
    bbox: tuple[float, float, float, float]
    """(min lon, min lat, max lon, max lat)."""


@dataclass(frozen=True, slots=True)
class MapSettings:
    geojson: Path
    tile_url: str | None


def load_region(path: Path) -> MapRegion:
    """Read the GeoJSON file (GeoJsonError with reason and line when it is invalid).

    Polygons whose level is `city`, `county` or `town` are outlines; every other polygon is a
    grid. Points become labels.
    """
    fc = load_geojson(path)
    outlines: list[GridShape] = []
    grids: list[GridShape] = []
    for f in fc.polygons():
        p = f.properties
        shape = GridShape(
            f.code,
            f.name,
            f.level or "grid",
            str(p.get("kind") or ""),
            str(p.get("county") or ""),
            f.polygons,
        )
        (outlines if f.level in ("city", "county", "town") else grids).append(shape)
    labels = tuple(
        MapLabel(f.code, f.name, f.level, f.point[0], f.point[1])
        for f in fc.points()
        if f.point is not None and f.name
    )
    return MapRegion(path.name, tuple(outlines), tuple(grids), labels, fc.bbox)


class MapDataService:
    def __init__(
        self, store: Store, geojson: Path | None = None, tile_url: str | None = None
    ) -> None:
        self.store = store
        self._geojson = geojson
        self._tile_url = tile_url

    async def settings(self) -> MapSettings:
        """The file and tile server to use: constructor arguments, else workspace settings."""
        path, url = await self.store.read(map_points.map_settings)
        geojson = self._geojson or (Path(path) if path else DEMO_GEOJSON)
        return MapSettings(geojson, self._tile_url or url)

    async def region(self, path: Path | None = None) -> MapRegion:
        """The region's map, read off the event loop's thread; GeoJsonError when invalid."""
        if path is None:
            path = (await self.settings()).geojson
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(None, load_region, path)

    async def camera_points(self, ids: Collection[int] | None = None) -> list[CameraPoint]:
        return await self.store.read(partial(map_points.camera_points, ids=ids))

    async def case_points(self, ids: Collection[int] | None = None) -> list[CasePoint]:
        return await self.store.read(partial(map_points.case_points, ids=ids))
