"""Evidence records handed to the UI (media assets, camera alerts) and the reason rule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from console.core.codes import AlertKind, MediaKind


@dataclass(frozen=True, slots=True)
class MediaAssetRecord:
    id: int
    kind: MediaKind
    camera_id: int | None
    case_id: int | None
    path: Path
    sha256: str
    size_bytes: int
    duration_s: float | None
    started_at: datetime | None  # naive UTC
    ended_at: datetime | None
    source: str  # where it came from, passwords hidden
    created_by: int | None
    created_at: datetime
    room_id: int | None = None
    call_id: int | None = None


@dataclass(frozen=True, slots=True)
class AlertRecord:
    id: int
    camera_id: int
    camera_device_id: str
    camera_name: str
    kind: AlertKind
    zone_id: int | None
    zone_name: str
    raised_at: datetime  # naive UTC
    score: float
    snapshot_id: int | None
    snapshot_path: Path | None
    acknowledged_by: int | None
    acknowledged_at: datetime | None


def reason_missing(sensitive: bool, reason: str) -> bool:
    """A sensitive camera is viewed, replayed or exported only with a stated reason."""
    return sensitive and not reason.strip()
