"""Opening a workspace: migrate (with backup) a real store, or build the embedded demo."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from console.core.paths import cache_dir, data_dir
from console.media.clips import ensure_demo_clips
from console.services.demo_data import build_demo_workspace
from console.services.demo_evidence import ensure_demo_evidence
from console.store import migrate
from console.store.engine import sqlite_path
from console.store.repos import cameras
from console.store.seed import SeedCounts, seed_demo_database
from console.store.store import Store

DEMO_LIVE_CAMERAS = 12


def _utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def ensure_parent(url: str) -> None:
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)


def open_store_schema(url: str) -> migrate.UpgradeResult:
    """Refuse a foreign, corrupt or newer database; upgrade an older one after a backup."""
    ensure_parent(url)
    return migrate.upgrade(url)


def demo_clip_urls(clip_dir: Path | None = None) -> list[str]:
    clips = ensure_demo_clips(clip_dir or cache_dir() / "clips", count=DEMO_LIVE_CAMERAS)
    return [p.resolve().as_uri() for p in clips]


def prepare_demo(url: str, now: datetime | None = None) -> SeedCounts:
    """Create and seed the demo workspace if needed; its live cameras play generated clips."""
    ensure_parent(url)
    urls = demo_clip_urls()
    streams = {slot: (u, u) for slot, u in enumerate(urls)}
    counts = seed_demo_database(url, now or _utcnow(), build_demo_workspace, live_urls=streams)
    # The clip cache may have moved since the workspace was seeded: point the cameras at it.
    store = Store(url)
    try:
        for camera_id, (main, sub) in zip(counts.live_camera_ids, streams.values(), strict=False):
            store.write_sync(partial(_set_urls, camera_id=camera_id, main=main, sub=sub))
        beside = sqlite_path(url)
        folder = (beside.parent if beside else data_dir()) / "media" / "demo-evidence"
        ensure_demo_evidence(store, folder, now or _utcnow())
    finally:
        store.close()
    return counts


def _set_urls(session: Any, camera_id: int, main: str, sub: str) -> tuple[None, None]:
    cameras.set_stream_urls(session, camera_id, main, sub)
    return None, None
