"""The map page (挂图作战) of the assessment screen: the region's grids, cameras and risk points."""

from __future__ import annotations

import asyncio

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.core.case_flow import CLOSED_STATES
from console.core.events import ChangeSet, Entity
from console.core.geojson import GeoJsonError
from console.services.map_data import CameraPoint, CasePoint, MapDataService, MapRegion, MapSettings
from console.ui.tasks import TaskGroup
from console.ui.widgets.map_canvas import MapCanvas, PointLayer, camera_layer

CLOSED_CODES = frozenset(s.code for s in CLOSED_STATES)


class MapPage(QWidget):
    """Emits the case or camera an operator clicks; the screen decides what opening means."""

    case_chosen = Signal(int)
    camera_chosen = Signal(int)

    def __init__(self, service: MapDataService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-map")
        self._service = service
        self._tasks = TaskGroup(self)
        self._cases: dict[int, CasePoint] = {}
        self.loaded_region: MapRegion | None = None

        self.canvas = MapCanvas()
        self.layer_boxes: dict[str, QCheckBox] = {}
        labels = {
            "grids": self.tr("Grids"),
            "cameras": self.tr("Cameras"),
            "cases": self.tr("Risk points"),
            "clusters": self.tr("Clusters"),
            "heat": self.tr("Heat"),
        }
        bar = QHBoxLayout()
        title = QLabel(self.tr("Layers"))
        title.setProperty("role", "section")
        bar.addWidget(title)
        for name, text in labels.items():
            box = QCheckBox(text)
            box.setChecked(self.canvas.layers[name])
            box.toggled.connect(lambda on, n=name: self.canvas.set_layer(n, on))
            self.layer_boxes[name] = box
            bar.addWidget(box)
        self.closed_box = QCheckBox(self.tr("Include closed cases"))
        self.closed_box.toggled.connect(lambda _on: self._show_cases())
        bar.addWidget(self.closed_box)
        bar.addStretch(1)
        self.status = QLabel("")
        self.status.setProperty("role", "muted")
        bar.addWidget(self.status)
        self.zoom_in = QPushButton("+")
        self.zoom_out = QPushButton("−")
        self.fit_button = QPushButton(self.tr("Whole region"))
        self.zoom_in.setToolTip(self.tr("Zoom in"))
        self.zoom_out.setToolTip(self.tr("Zoom out"))
        for b in (self.zoom_in, self.zoom_out):
            b.setFixedWidth(b.sizeHint().height() + 8)
        for b in (self.zoom_in, self.zoom_out, self.fit_button):
            bar.addWidget(b)
        self.zoom_in.clicked.connect(lambda: self.canvas.zoom_by(2.0))
        self.zoom_out.clicked.connect(lambda: self.canvas.zoom_by(0.5))
        self.fit_button.clicked.connect(self.canvas.fit)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

        self.canvas.case_chosen.connect(self.case_chosen)
        self.canvas.camera_chosen.connect(self.camera_chosen)
        self.canvas.view_changed.connect(self._update_status)
        self._tasks.failed.connect(self.canvas.set_error)

    def load(self) -> None:
        async def region() -> tuple[MapSettings, MapRegion | str]:
            settings = await self._service.settings()
            try:
                return settings, await self._service.region(settings.geojson)
            except GeoJsonError as exc:
                return settings, self.tr("The map file was refused: %1").replace("%1", str(exc))

        def show_region(result: tuple[MapSettings, MapRegion | str]) -> None:
            settings, loaded = result
            self.canvas.set_tile_url(settings.tile_url)
            if isinstance(loaded, str):
                self.canvas.set_error(loaded)
                return
            self.loaded_region = loaded
            self.canvas.set_region(loaded)
            self._update_status()

        self._tasks.start(region(), show_region)

        async def cameras() -> tuple[list[CameraPoint], PointLayer]:
            points = await self._service.camera_points()
            # Projection and clusters of 30,000 cameras: a tenth of a second, not on the GUI.
            loop = asyncio.get_running_loop()
            return points, await loop.run_in_executor(None, camera_layer, points)

        self._tasks.start(cameras(), self._got_cameras)
        self._tasks.start(self._service.case_points(), self._got_cases)

    def _got_cameras(self, loaded: tuple[list[CameraPoint], PointLayer]) -> None:
        self.canvas.set_cameras(*loaded)
        self._update_status()

    def _got_cases(self, points: list[CasePoint]) -> None:
        self._cases = {p.id: p for p in points}
        self._show_cases()

    def _visible_cases(self) -> list[CasePoint]:
        if self.closed_box.isChecked():
            return list(self._cases.values())
        return [p for p in self._cases.values() if p.state not in CLOSED_CODES]

    def _show_cases(self) -> None:
        self.canvas.set_cases(self._visible_cases())
        self._update_status()

    def apply_changes(self, changes: ChangeSet) -> None:
        case_ids = changes.ids_of(Entity.CASE)
        camera_ids = changes.ids_of(Entity.CAMERA)
        if case_ids:

            def cases_changed(points: list[CasePoint]) -> None:
                for i in case_ids:
                    self._cases.pop(i, None)
                self._cases.update({p.id: p for p in points})
                self._show_cases()

            self._tasks.start(self._service.case_points(case_ids), cases_changed)
        if camera_ids:

            def cameras_changed(points: list[CameraPoint]) -> None:
                self.canvas.update_cameras(points, camera_ids)
                self._update_status()

            self._tasks.start(self._service.camera_points(camera_ids), cameras_changed)

    def _update_status(self) -> None:
        self.status.setText(
            self.tr("Cameras %1 · risk points %2 · zoom %3")
            .replace("%1", f"{len(self.canvas.cameras.ids):,}")
            .replace("%2", f"{len(self.canvas.cases.ids):,}")
            .replace("%3", f"{self.canvas.view.zoom:.1f}")
        )

    def close_panel(self) -> None:
        self._tasks.cancel_all()
        self.canvas.shutdown()
