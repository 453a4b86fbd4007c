"""The region tree (市 → 县 → 乡镇 → 村 → 网格): children of a node, names, grids."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from console.core.codes import RegionLevel
from console.core.records import RegionNode
from console.store.models import Camera, Region


def children(session: Session, parent_id: int | None) -> list[RegionNode]:
    child = aliased(Region)
    child_count = select(func.count(child.id)).where(child.parent_id == Region.id).scalar_subquery()
    camera_count = (
        select(func.count(Camera.id)).where(Camera.region_id == Region.id).scalar_subquery()
    )
    cond = Region.parent_id.is_(None) if parent_id is None else Region.parent_id == parent_id
    rows = session.execute(
        select(
            Region.id,
            Region.code,
            Region.name,
            Region.level,
            Region.parent_id,
            child_count,
            camera_count,
        )
        .where(cond)
        .order_by(Region.code)
    )
    return [
        RegionNode(r[0], r[1], r[2], RegionLevel(r[3]), r[4], int(r[5]), int(r[6])) for r in rows
    ]


def grids(session: Session) -> list[tuple[int, str, str]]:
    rows = session.execute(
        select(Region.id, Region.code, Region.name)
        .where(Region.level == RegionLevel.GRID.code)
        .order_by(Region.code)
    )
    return [(r[0], r[1], r[2]) for r in rows]


def descendant_grid_ids(session: Session, region_id: int) -> list[int]:
    """All grid ids under a region (the region itself if it is a grid)."""
    frontier = [region_id]
    grid_ids: list[int] = []
    while frontier:
        rows = session.execute(select(Region.id, Region.level).where(Region.id.in_(frontier))).all()
        grid_ids += [r[0] for r in rows if r[1] == RegionLevel.GRID.code]
        frontier = list(
            session.scalars(select(Region.id).where(Region.parent_id.in_([r[0] for r in rows])))
        )
    return grid_ids
