"""Opening a workspace: migrate (with backup) a real store, or build the embedded demo."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from console.core.paths import cache_dir
from console.media.clips import ensure_demo_clips
from console.store import migrate
from console.store.engine import sqlite_path
from console.store.seed import SeedCounts, seed_demo_database

DEMO_LIVE_CAMERAS = 12


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


def prepare_demo(url: str, now: datetime | None = None) -> SeedCounts | None:
    """Create and seed the demo workspace if needed; its live cameras play generated clips."""
    ensure_parent(url)
    urls = demo_clip_urls()
    return seed_demo_database(url, now or datetime.now(UTC).replace(tzinfo=None), live_urls=urls)
