"""Shared fixtures: isolated XDG dirs, offscreen Qt, a migrated SQLite store, no stray threads."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.threads import assert_no_leftover_threads, thread_idents

pytest_plugins = ["tests.support.postgres", "tests.support.xvfb", "tests.support.hang_watchdog"]

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_API", "pyside6")


@pytest.fixture(scope="session", autouse=True)
def isolated_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Settings, data and cache of the console under test never touch the real user's."""
    home = tmp_path_factory.mktemp("home")
    saved = {k: os.environ.get(k) for k in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME")}
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")
    yield home
    for k, v in saved.items():
        if v is None:
            os.environ.pop(k, None)
        else:
            os.environ[k] = v


@pytest.fixture(autouse=True)
def no_leftover_threads() -> Iterator[None]:
    before = thread_idents()
    yield
    assert_no_leftover_threads(before)


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, made once per run (migrating costs 0.15-0.4 s)."""
    from console.store import migrate

    path = tmp_path_factory.mktemp("template") / "console.sqlite"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A fresh SQLite database at the newest revision: a consistent copy of the template."""
    path = tmp_path / "console.sqlite"
    # The backup API copies committed pages whatever the journal mode (the file is in WAL).
    with (
        contextlib.closing(sqlite3.connect(migrated_sqlite_template)) as source,
        contextlib.closing(sqlite3.connect(path)) as target,
    ):
        source.backup(target)
    return f"sqlite:///{path}"


@pytest.fixture
def store(sqlite_url: str) -> Iterator[object]:
    from console.store.store import Store

    s = Store(sqlite_url)
    yield s
    s.close()
