"""Saved wall views: a layout, the cameras in its cells and a tour interval, per operator."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from console.core.records import WallViewRecord
from console.core.wall_layouts import layout as checked_layout
from console.store.models import WallView, WallViewCell


def visible_to(session: Session, user_id: int) -> list[WallViewRecord]:
    """The operator's own views and the shared ones (no owner), by name."""
    views = session.scalars(
        select(WallView)
        .where(or_(WallView.owner_id == user_id, WallView.owner_id.is_(None)))
        .order_by(WallView.name)
    ).all()
    cells: dict[int, list[tuple[int, int]]] = {}
    if views:
        rows = session.execute(
            select(WallViewCell.view_id, WallViewCell.position, WallViewCell.camera_id).where(
                WallViewCell.view_id.in_([v.id for v in views])
            )
        )
        for view_id, position, camera_id in rows:
            cells.setdefault(view_id, []).append((position, camera_id))
    return [_record(v, cells.get(v.id, [])) for v in views]


def _record(view: WallView, cells: list[tuple[int, int]]) -> WallViewRecord:
    ordered = sorted(cells)
    size = (ordered[-1][0] + 1) if ordered else 0
    slots: list[int | None] = [None] * size
    for position, camera_id in ordered:
        slots[position] = camera_id
    return WallViewRecord(
        id=view.id,
        name=view.name,
        owner_id=view.owner_id,
        layout=view.layout,
        tour_interval_s=view.tour_interval_s,
        camera_ids=tuple(slots),
        updated_at=view.updated_at,
    )


def save(
    session: Session,
    *,
    owner_id: int | None,
    name: str,
    layout: str,
    tour_interval_s: int,
    camera_ids: list[int | None],
    now: datetime,
) -> tuple[int, bool]:
    """Create or replace the owner's view of that name; returns (id, created)."""
    checked_layout(layout)
    name = name.strip()
    if not name:
        raise ValueError("a saved view needs a name")
    if tour_interval_s < 0:
        raise ValueError("the tour interval cannot be negative")
    owner_clause = (
        WallView.owner_id.is_(None) if owner_id is None else WallView.owner_id == owner_id
    )
    view = session.scalars(select(WallView).where(owner_clause, WallView.name == name)).first()
    created = view is None
    if view is None:
        view = WallView(owner_id=owner_id, name=name)
        session.add(view)
    view.layout = layout
    view.tour_interval_s = tour_interval_s
    view.updated_at = now
    session.flush()
    session.execute(delete(WallViewCell).where(WallViewCell.view_id == view.id))
    session.add_all(
        WallViewCell(view_id=view.id, position=i, camera_id=camera_id)
        for i, camera_id in enumerate(camera_ids)
        if camera_id is not None
    )
    return view.id, created


def remove(session: Session, view_id: int, owner_id: int | None) -> bool:
    """Delete a view the operator owns; False when it is not theirs or already gone."""
    view = session.get(WallView, view_id)
    if view is None or view.owner_id != owner_id:
        return False
    session.execute(delete(WallViewCell).where(WallViewCell.view_id == view_id))
    session.delete(view)
    return True
