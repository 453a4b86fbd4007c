"""Dragging cameras onto the wall: one MIME type for cameras from the tree, lists and tiles."""

from __future__ import annotations

import json

from PySide6.QtCore import QMimeData

from console.core.records import CameraRecord

CAMERA_MIME = "application/x-console-cameras"
TILE_MIME = "application/x-console-wall-tile"


class CameraMimeData(QMimeData):
    """Carries the records themselves for drops inside this process, and their ids as bytes."""

    def __init__(self, cameras: list[CameraRecord]) -> None:
        super().__init__()
        self.cameras = list(cameras)
        self.setData(CAMERA_MIME, json.dumps([c.id for c in cameras]).encode())
        self.setText("\n".join(f"{c.device_id} {c.name}" for c in cameras))


def cameras_in(mime: QMimeData) -> list[CameraRecord]:
    """The records of a drag that started in this console (other sources carry none)."""
    return list(getattr(mime, "cameras", []))


def tile_mime(tile_index: int) -> QMimeData:
    mime = QMimeData()
    mime.setData(TILE_MIME, str(tile_index).encode())
    return mime


def tile_in(mime: QMimeData) -> int | None:
    if not mime.hasFormat(TILE_MIME):
        return None
    try:
        return int(bytes(mime.data(TILE_MIME).data()).decode())
    except ValueError:
        return None
