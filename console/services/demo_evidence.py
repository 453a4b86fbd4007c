"""The demo's evidence: the case at the top of the ledger comes with real media files.

An intake recording, a snapshot and a camera clip, generated once into the data folder and
stored as media assets with their sha256, so the evidence page, its player, integrity check
and evidence package have something true to show on a fresh demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from console.core.codes import MediaKind
from console.core.records import CaseFilter
from console.media.clips import make_test_clip, make_test_still
from console.services.call_recording import hash_and_size
from console.store.repos import cases, media_assets
from console.store.repos.media_assets import NewMediaAsset
from console.store.store import Store


@dataclass(frozen=True, slots=True)
class _Item:
    kind: MediaKind
    name: str
    source: str
    label: str
    minutes_before: int
    seconds: float  # 0 for a still


ITEMS = (
    _Item(MediaKind.INTAKE_RECORDING, "intake.mp4", "视频接访：来访人视频", "INTAKE", 50, 12.0),
    _Item(MediaKind.SNAPSHOT, "snapshot.jpg", "视频接访：现场截图", "SNAPSHOT", 45, 0.0),
    _Item(MediaKind.CAMERA_CLIP, "camera.mp4", "视频监控：事发路口", "CAMERA", 30, 8.0),
)


def ensure_demo_evidence(store: Store, folder: Path, now: datetime) -> int | None:
    """Give the ledger's first case its media unless it has some; returns that case's id."""
    top = store.read_sync(lambda s: cases.ledger_page(s, CaseFilter(), 0, 1))
    if not top:
        return None
    case_id = top[0].id
    if store.read_sync(lambda s: media_assets.of_case(s, case_id)):
        return case_id
    target = folder / f"case-{case_id}"
    for n, item in enumerate(ITEMS):
        path = target / item.name
        if item.seconds:
            make_test_clip(
                path, 640, 360, 25, item.seconds, pattern="scene", label=item.label, seed=n
            )
        else:
            make_test_still(path, 1280, 720, label=item.label, seed=n)
        sha256, size = hash_and_size(path)
        started = now - timedelta(minutes=item.minutes_before)
        new = NewMediaAsset(
            kind=item.kind,
            path=path,
            sha256=sha256,
            size_bytes=size,
            source=item.source,
            created_by=None,
            created_at=started,
            case_id=case_id,
            duration_s=item.seconds or None,
            started_at=started,
            ended_at=started + timedelta(seconds=item.seconds),
        )
        store.write_sync(partial(_add, new=new))
    return case_id


def _add(session: Any, new: NewMediaAsset) -> tuple[None, None]:
    media_assets.add(session, new)
    return None, None
