"""Which camera sits in which cell of a wall, over pages: placing, moving, swapping, touring.

A camera appears at most once in an arrangement (two tiles cannot share one latest-frame
slot, and an operator never wants the same picture twice); placing it again moves it.
"""

from __future__ import annotations

from typing import Generic, Protocol, TypeVar

from console.core.wall_layouts import layout as layout_of


class HasId(Protocol):
    @property
    def id(self) -> int: ...


C = TypeVar("C", bound=HasId)


class WallArrangement(Generic[C]):
    def __init__(self, layout_code: str, cameras: list[C | None] | None = None) -> None:
        self._layout = layout_of(layout_code)
        self._cells: list[C | None] = []
        self.page = 0
        for position, camera in enumerate(cameras or []):
            if camera is not None:
                self.place(camera, position)

    # --- shape

    @property
    def layout_code(self) -> str:
        return self._layout.code

    @property
    def page_size(self) -> int:
        return self._layout.size

    @property
    def page_count(self) -> int:
        used = self._last_used() + 1
        return max(1, -(-used // self.page_size))

    def set_layout(self, code: str) -> None:
        """Keeps every camera in order; the page becomes the one holding the first cell shown."""
        first = self.page * self.page_size
        self._layout = layout_of(code)
        self.page = min(first // self.page_size, self.page_count - 1)

    # --- cells

    def cameras(self) -> list[C | None]:
        return list(self._cells[: self._last_used() + 1])

    def on_page(self, page: int | None = None) -> list[C | None]:
        page = self.page if page is None else page
        start = page * self.page_size
        cells = self._cells[start : start + self.page_size]
        return cells + [None] * (self.page_size - len(cells))

    def position_of(self, camera_id: int) -> int | None:
        for position, camera in enumerate(self._cells):
            if camera is not None and camera.id == camera_id:
                return position
        return None

    def place(self, camera: C, position: int) -> C | None:
        """Put the camera at `position`; returns the camera it displaced (now off the wall).

        A camera already elsewhere moves here, and the displaced one takes its old cell.
        """
        if position < 0:
            raise ValueError("cell positions start at 0")
        self._grow(position + 1)
        previous = self.position_of(camera.id)
        if previous == position:
            return None
        displaced = self._cells[position]
        self._cells[position] = camera
        if previous is not None:
            self._cells[previous] = displaced
            return None
        return displaced

    def place_on_page(self, camera: C, cell: int) -> C | None:
        return self.place(camera, self.page * self.page_size + cell)

    def first_free_on_page(self) -> int | None:
        for cell, camera in enumerate(self.on_page()):
            if camera is None:
                return cell
        return None

    def swap_on_page(self, a: int, b: int) -> None:
        base = self.page * self.page_size
        self._grow(base + max(a, b) + 1)
        self._cells[base + a], self._cells[base + b] = self._cells[base + b], self._cells[base + a]

    def remove_on_page(self, cell: int) -> C | None:
        position = self.page * self.page_size + cell
        if position >= len(self._cells):
            return None
        camera, self._cells[position] = self._cells[position], None
        return camera

    def clear(self) -> None:
        self._cells = []
        self.page = 0

    # --- pages and tours

    def next_page(self) -> int:
        self.page = (self.page + 1) % self.page_count
        return self.page

    def previous_page(self) -> int:
        self.page = (self.page - 1) % self.page_count
        return self.page

    def upcoming(self) -> list[C | None]:
        """The cameras of the page a tour shows next (to connect them before they show)."""
        if self.page_count < 2:
            return []
        return self.on_page((self.page + 1) % self.page_count)

    def _grow(self, size: int) -> None:
        if len(self._cells) < size:
            self._cells.extend([None] * (size - len(self._cells)))

    def _last_used(self) -> int:
        for position in range(len(self._cells) - 1, -1, -1):
            if self._cells[position] is not None:
                return position
        return -1
