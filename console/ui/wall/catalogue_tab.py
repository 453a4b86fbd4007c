"""Favourites, camera groups and catalogue import, beside the camera tree."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core.camera_catalog import ImportReport
from console.core.events import ChangeSet, Entity
from console.core.records import CameraGroupRecord, CameraRecord
from console.services.catalogue import CatalogueService
from console.ui.tasks import TaskGroup
from console.ui.widgets.camera_drag import CameraMimeData


class CameraList(QListWidget):
    """A list of cameras that can be dragged onto wall tiles."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)

    def set_cameras(self, cameras: list[CameraRecord]) -> None:
        self.clear()
        for cam in cameras:
            item = QListWidgetItem(f"{cam.name}\n{cam.device_id}")
            item.setData(Qt.ItemDataRole.UserRole, cam)
            self.addItem(item)

    def cameras(self, selected_only: bool = False) -> list[CameraRecord]:
        items = (
            self.selectedItems() if selected_only else [self.item(i) for i in range(self.count())]
        )
        return [c for c in (i.data(Qt.ItemDataRole.UserRole) for i in items) if c is not None]

    def mimeData(self, items: list[QListWidgetItem]) -> CameraMimeData:  # type: ignore[override]
        return CameraMimeData(
            [c for c in (i.data(Qt.ItemDataRole.UserRole) for i in items) if c is not None]
        )


class CatalogueTab(QWidget):
    camera_activated = Signal(object)  # CameraRecord
    cameras_to_wall = Signal(list)  # list[CameraRecord]: a whole group, as pages
    said = Signal(str, bool)

    def __init__(self, catalogue: CatalogueService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._catalogue = catalogue
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(lambda text: self.said.emit(text, True))
        self.favourites = CameraList()
        self.favourites.itemDoubleClicked.connect(self._activated)
        self.group_combo = QComboBox()
        self.group_combo.currentIndexChanged.connect(self._load_group)
        self.group_cameras = CameraList()
        self.group_cameras.itemDoubleClicked.connect(self._activated)

        new_group = QPushButton(self.tr("New group…"))
        new_group.clicked.connect(self._ask_group_name)
        to_wall = QPushButton(self.tr("Whole group to wall"))
        to_wall.clicked.connect(lambda: self.cameras_to_wall.emit(self.group_cameras.cameras()))
        import_button = QPushButton(self.tr("Import cameras…"))
        import_button.setToolTip(self.tr("CSV or a GB/T 28181 Catalog response (XML)"))
        import_button.clicked.connect(self._ask_import_file)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Favourites"))
        title.setProperty("role", "section")
        layout.addWidget(title)
        layout.addWidget(self.favourites, 1)
        title = QLabel(self.tr("Groups"))
        title.setProperty("role", "section")
        layout.addWidget(title)
        row = QHBoxLayout()
        row.addWidget(self.group_combo, 1)
        row.addWidget(new_group)
        layout.addLayout(row)
        layout.addWidget(self.group_cameras, 1)
        row = QHBoxLayout()
        row.addWidget(to_wall)
        row.addStretch(1)
        row.addWidget(import_button)
        layout.addLayout(row)

    def _activated(self, item: QListWidgetItem) -> None:
        camera = item.data(Qt.ItemDataRole.UserRole)
        if camera is not None:
            self.camera_activated.emit(camera)

    # --- loading

    def load(self) -> None:
        self._tasks.start(self._catalogue.favourites(), self.favourites.set_cameras)
        self._tasks.start(self._catalogue.groups(), self._set_groups)

    def _set_groups(self, groups: list[CameraGroupRecord]) -> None:
        current = self.group_combo.currentData()
        self.group_combo.blockSignals(True)
        self.group_combo.clear()
        for group in groups:
            shared = self.tr(" (shared)") if group.owner_id is None else ""
            self.group_combo.addItem(f"{group.name}{shared} · {group.camera_count}", group.id)
        index = self.group_combo.findData(current)
        self.group_combo.setCurrentIndex(max(0, index))
        self.group_combo.blockSignals(False)
        self._load_group()

    def _load_group(self) -> None:
        group_id = self.group_combo.currentData()
        if group_id is None:
            self.group_cameras.set_cameras([])
            return
        self._tasks.start(
            self._catalogue.group_cameras(int(group_id)), self.group_cameras.set_cameras
        )

    def apply_changes(self, changes: ChangeSet) -> None:
        if changes.touches(Entity.CAMERA_GROUP) or changes.touches(Entity.CAMERA):
            self._tasks.start(self._catalogue.groups(), self._set_groups)
        if changes.touches(Entity.CAMERA) or dict(changes.extra).get("user_id"):
            self._tasks.start(self._catalogue.favourites(), self.favourites.set_cameras)

    # --- intents

    def toggle_favourite(self, camera: CameraRecord) -> None:
        favourite_ids = {c.id for c in self.favourites.cameras()}
        if camera.id in favourite_ids:
            self._tasks.start(self._catalogue.remove_favourite(camera.id))
        else:
            self._tasks.start(self._catalogue.add_favourite(camera.id))

    def is_favourite(self, camera: CameraRecord) -> bool:
        return any(c.id == camera.id for c in self.favourites.cameras())

    def groups(self) -> list[tuple[int, str]]:
        return [
            (int(self.group_combo.itemData(i)), self.group_combo.itemText(i))
            for i in range(self.group_combo.count())
        ]

    def add_to_group(self, group_id: int, camera: CameraRecord) -> None:
        self._tasks.start(self._catalogue.add_to_group(group_id, [camera.id]))

    def _ask_group_name(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("New group"))
        dialog.setLabelText(self.tr("Name of the group:"))
        dialog.textValueSelected.connect(
            lambda name: (
                name.strip() and self._tasks.start(self._catalogue.create_group(name.strip()))
            )
        )
        dialog.open()

    def _ask_import_file(self) -> None:
        dialog = QFileDialog(self, self.tr("Import cameras"))
        dialog.setNameFilters(
            [self.tr("Camera catalogues (*.csv *.xml)"), self.tr("All files (*)")]
        )
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.fileSelected.connect(lambda path: path and self.import_file(Path(path)))
        dialog.open()

    def import_file(self, path: Path) -> None:
        def report(result: ImportReport) -> None:
            text = (
                self.tr("%1: %2 new, %3 updated, %4 unchanged, %5 problem(s)")
                .replace("%1", result.file_name)
                .replace("%2", str(result.created))
                .replace("%3", str(result.updated))
                .replace("%4", str(result.unchanged))
                .replace("%5", str(len(result.problems)))
            )
            if result.problems:
                text += " — " + "; ".join(p.text() for p in result.problems[:3])
            self.said.emit(text, not result.imported)

        self._tasks.start(self._catalogue.import_file(path), report)

    def close_tab(self) -> None:
        self._tasks.cancel_all()
