"""Wall layouts and the arrangement of cameras over cells and pages."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from console.core.wall_arrangement import WallArrangement
from console.core.wall_layouts import LAYOUTS, layout


@dataclass(frozen=True)
class Cam:
    id: int


@pytest.mark.parametrize(
    ("code", "cells"),
    [("1", 1), ("4", 4), ("9", 9), ("16", 16), ("25", 25), ("36", 36), ("64", 64),
     ("1+5", 6), ("1+7", 8), ("1+12", 13)],
)  # fmt: skip
def test_every_layout_tiles_its_grid_exactly_once(code: str, cells: int) -> None:
    lay = layout(code)
    assert lay.size == cells
    covered: list[tuple[int, int]] = []
    for c in lay.cells:
        covered += [
            (r, k)
            for r in range(c.row, c.row + c.row_span)
            for k in range(c.column, c.column + c.column_span)
        ]
    assert sorted(covered) == [(r, k) for r in range(lay.rows) for k in range(lay.columns)]
    # The first cell is the largest: focus and "1+N" layouts rely on it.
    assert lay.cells[0].row_span * lay.cells[0].column_span == max(
        c.row_span * c.column_span for c in lay.cells
    )


def test_unknown_layout_is_refused_with_the_known_ones_named() -> None:
    with pytest.raises(ValueError, match="1\\+12"):
        layout("7")
    assert set(LAYOUTS) >= {"1", "4", "9", "16", "25", "36", "64", "1+5", "1+7", "1+12"}


def test_placing_a_camera_twice_moves_it_and_the_displaced_one_takes_its_cell() -> None:
    a, b, c = Cam(1), Cam(2), Cam(3)
    wall = WallArrangement[Cam]("4", [a, b])
    assert wall.place(a, 1) is None
    assert wall.on_page() == [b, a, None, None]
    assert wall.place(c, 0) is b  # b leaves the wall
    assert wall.position_of(b.id) is None
    assert wall.first_free_on_page() == 2


def test_pages_and_tour_order() -> None:
    cams = [Cam(i) for i in range(10)]
    wall = WallArrangement[Cam]("4", list(cams))
    assert wall.page_count == 3
    assert wall.on_page(2) == [cams[8], cams[9], None, None]
    assert wall.upcoming() == cams[4:8]
    assert [wall.next_page() for _ in range(4)] == [1, 2, 0, 1]
    assert wall.previous_page() == 0
    wall.set_layout("9")
    assert wall.page_count == 2 and wall.page == 0
    wall.set_layout("1")
    wall.page = 7
    wall.set_layout("4")
    assert wall.page == 1  # the camera shown first (position 7) is on page 1 of 4-tile pages


def test_swap_and_remove_on_a_later_page() -> None:
    cams = [Cam(i) for i in range(6)]
    wall = WallArrangement[Cam]("4", list(cams))
    wall.page = 1
    wall.swap_on_page(0, 3)
    assert wall.on_page() == [None, cams[5], None, cams[4]]
    assert wall.remove_on_page(1) is cams[5]
    assert wall.cameras() == [*cams[:4], None, None, None, cams[4]]
    with pytest.raises(ValueError):
        wall.place(cams[0], -1)
