"""Wall layouts: which cells a layout has and where each sits on the wall's grid.

A layout code names the split: "9" is a 3x3 grid; "1+5" is one large cell with five small
ones around it (the large cell covers 2x2 of a 3x3 grid), "1+7" one 3x3 cell in a 4x4 grid,
"1+12" one 2x2 cell in a 4x4 grid (the centre). Cell 0 is always the large one, so "focus
on cell 0" keeps its meaning across layouts.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Cell:
    row: int
    column: int
    row_span: int = 1
    column_span: int = 1


@dataclass(frozen=True, slots=True)
class WallLayout:
    code: str
    rows: int
    columns: int
    cells: tuple[Cell, ...]

    @property
    def size(self) -> int:
        return len(self.cells)


def _grid(side: int) -> WallLayout:
    cells = tuple(Cell(r, c) for r in range(side) for c in range(side))
    return WallLayout(str(side * side), side, side, cells)


def _big_plus_ring(code: str, side: int, big: int) -> WallLayout:
    """One big cell of big x big in the top-left corner, the rest of a side x side grid."""
    cells = [Cell(0, 0, big, big)]
    cells += [Cell(r, c) for r in range(side) for c in range(side) if r >= big or c >= big]
    return WallLayout(code, side, side, tuple(cells))


def _centre_plus_ring(code: str, side: int, big: int, start: int) -> WallLayout:
    """One big cell of big x big starting at (start, start), the rest around it."""
    cells = [Cell(start, start, big, big)]
    inside = range(start, start + big)
    cells += [
        Cell(r, c) for r in range(side) for c in range(side) if not (r in inside and c in inside)
    ]
    return WallLayout(code, side, side, tuple(cells))


LAYOUTS: dict[str, WallLayout] = {
    layout.code: layout
    for layout in (
        _grid(1),
        _grid(2),
        _grid(3),
        _grid(4),
        _grid(5),
        _grid(6),
        _grid(8),
        _big_plus_ring("1+5", 3, 2),
        _big_plus_ring("1+7", 4, 3),
        _centre_plus_ring("1+12", 4, 2, 1),
    )
}
DEFAULT_LAYOUT = "9"


def layout(code: str) -> WallLayout:
    try:
        return LAYOUTS[code]
    except KeyError:
        raise ValueError(f"unknown wall layout {code!r}; known: {', '.join(LAYOUTS)}") from None


def pages(camera_count: int, layout_code: str) -> int:
    """How many pages a tour over camera_count cameras has in this layout (at least one)."""
    per_page = layout(layout_code).size
    return max(1, -(-camera_count // per_page))


def page_slice(page: int, layout_code: str) -> slice:
    per_page = layout(layout_code).size
    return slice(page * per_page, (page + 1) * per_page)
