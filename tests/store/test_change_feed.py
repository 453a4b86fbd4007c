"""The change feed: delivery after commit in-process, and across processes (SQLite, PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest

from console.core.codes import DisputeCategory, Role
from console.core.events import ChangeSet, Entity
from console.services import auth
from console.services.cases import CaseService
from console.store import migrate
from console.store.repos.cases import NewCase
from console.store.store import Store
from console.store.tailer import ChangeTailer

WRITER = Path(__file__).with_name("write_cases.py")


def _operator(store: Store):  # type: ignore[no-untyped-def]
    auth.add_user_sync(
        store,
        username="duty",
        display_name="值班员",
        role=Role.DUTY_OFFICER,
        password="password-123",
    )
    return auth.sign_in_sync(store, "duty", "password-123")


def test_publish_only_after_commit_and_only_once(store: Store) -> None:
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    service = CaseService(store, _operator(store))
    case_id, cs = service.register_sync(
        NewCase("测试案件", DisputeCategory.NEIGHBOUR, "摘要", None)
    )
    assert cs is not None and cs.seq is not None and cs.origin == store.origin
    case_events = [c for c in seen if c.touches(Entity.CASE)]
    assert len(case_events) == 1 and case_id in case_events[0].ids_of(Entity.CASE)


def test_failed_write_publishes_nothing(store: Store) -> None:
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)

    def broken(session):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        store.write_sync(broken)
    assert seen == []


def test_failing_subscriber_does_not_stop_others(store: Store) -> None:
    seen: list[ChangeSet] = []
    store.feed.subscribe(lambda _c: 1 / 0)
    store.feed.subscribe(seen.append)
    _operator(store)
    assert seen


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_second_process_changes_arrive(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'x.sqlite'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_fresh_db")
    )
    migrate.upgrade(url)
    store = Store(url)
    arrived: list[ChangeSet] = []
    got_all = threading.Event()

    def on_change(cs: ChangeSet) -> None:
        if cs.origin != store.origin and cs.touches(Entity.CASE):
            arrived.append(cs)
            if len(arrived) >= 5:
                got_all.set()

    store.feed.subscribe(on_change)
    tailer = ChangeTailer(store)
    tailer.start()
    try:
        proc = subprocess.run(
            [sys.executable, str(WRITER), url, "5"], capture_output=True, text=True, timeout=120
        )
        assert proc.returncode == 0, proc.stderr
        assert got_all.wait(20), f"only {len(arrived)} of 5 change sets arrived"
        ids = sorted(i for cs in arrived for i in cs.ids_of(Entity.CASE))
        assert len(ids) == 5
        assert all(cs.initiator_id is not None for cs in arrived)
    finally:
        tailer.stop()
        store.close()
