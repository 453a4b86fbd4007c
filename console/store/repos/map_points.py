"""The map's points: cameras and cases that have coordinates, as plain records."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core.codes import CaseState
from console.core.map_clusters import CameraPoint, CasePoint
from console.store.models import Camera, Case, WorkspaceSetting


def camera_points(session: Session, ids: Collection[int] | None = None) -> list[CameraPoint]:
    """Cameras with a position, by id; `ids` limits the query to those cameras."""
    q = select(Camera.id, Camera.name, Camera.longitude, Camera.latitude, Camera.status).where(
        Camera.longitude.is_not(None), Camera.latitude.is_not(None)
    )
    if ids is not None:
        q = q.where(Camera.id.in_(list(ids)))
    rows = session.execute(q.order_by(Camera.id))
    return [CameraPoint(r[0], r[1], float(r[2] or 0), float(r[3] or 0), r[4]) for r in rows]


def case_points(session: Session, ids: Collection[int] | None = None) -> list[CasePoint]:
    """Cases with a position, voided ones left out; `ids` limits the query to those cases."""
    q = select(
        Case.id,
        Case.number,
        Case.title,
        Case.longitude,
        Case.latitude,
        Case.risk_level,
        Case.state,
    ).where(
        Case.longitude.is_not(None),
        Case.latitude.is_not(None),
        Case.state != CaseState.VOIDED.code,
    )
    if ids is not None:
        q = q.where(Case.id.in_(list(ids)))
    rows = session.execute(q.order_by(Case.id))
    return [
        CasePoint(r[0], r[1], r[2], float(r[3] or 0), float(r[4] or 0), r[5], r[6]) for r in rows
    ]


GEOJSON_KEY = "map.geojson"
"""Workspace setting: path of the GeoJSON file of the region and its grids."""
TILE_URL_KEY = "map.tile_url"
"""Workspace setting: `{z}/{x}/{y}` URL template of an in-house tile server; unset = none."""


def map_settings(session: Session) -> tuple[str | None, str | None]:
    """(GeoJSON path, tile server URL template) configured for this workspace, if any."""
    result = session.execute(
        select(WorkspaceSetting.key, WorkspaceSetting.value).where(
            WorkspaceSetting.key.in_((GEOJSON_KEY, TILE_URL_KEY))
        )
    )
    rows = {key: value for key, value in result}
    return (rows.get(GEOJSON_KEY) or None, rows.get(TILE_URL_KEY) or None)
