"""Where the console keeps its data, cache and settings (XDG directories)."""

from __future__ import annotations

import os
from pathlib import Path

APP_DIR = "four-in-one-console"


def data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_DIR


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / APP_DIR


def default_db_url(demo: bool) -> str:
    name = "demo.sqlite" if demo else "console.sqlite"
    return f"sqlite:///{data_dir() / name}"
