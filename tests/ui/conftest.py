"""A qasync loop per test and a small signed-in workspace on a real SQLite file."""

from __future__ import annotations

import asyncio
import gc
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import qasync

from console.core.codes import CallState, CameraStatus, DisputeCategory, Role, RoomState, Urgency
from console.core.records import CameraRecord
from console.media.clips import make_test_clip
from console.services import auth
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store.models import Call, Camera, Room
from console.store.repos import cameras
from console.store.repos.cases import NewCase
from console.store.store import Store
from tests.support.threads import thread_stacks


@pytest.fixture(autouse=True)
def qt_garbage_on_the_gui_thread() -> Iterator[None]:
    """Collect reference cycles here, on the GUI thread, once each test's widgets are closed.

    A top-level widget whose last references sit in a cycle (a slot closing over its own
    widget) is freed by whichever thread runs the cyclic collector next; a worker thread
    then deletes Qt objects whose timers Qt later fires on freed memory (seen: a segfault in
    QTimerInfoList::activateTimers two tests later).
    """
    yield
    gc.collect()


EXECUTOR_SHUTDOWN_S = 30.0
"""A worker still busy after this is stuck: fail with its stack instead of hanging the suite."""


@pytest.fixture
def qloop(qapp) -> Iterator[qasync.QEventLoop]:  # type: ignore[no-untyped-def]
    loop = qasync.QEventLoop(qapp)
    # As the console does: named, joined Python threads rather than qasync's QThreads.
    loop.set_default_executor(ThreadPoolExecutor(max_workers=4, thread_name_prefix="test-worker"))
    asyncio.set_event_loop(loop)
    yield loop
    try:
        loop.run_until_complete(asyncio.sleep(0))
        loop.run_until_complete(
            asyncio.wait_for(loop.shutdown_default_executor(), EXECUTOR_SHUTDOWN_S)
        )
    except TimeoutError:
        workers = [t for t in threading.enumerate() if t.name.startswith("test-worker")]
        raise AssertionError(
            f"the loop's workers did not finish within {EXECUTOR_SHUTDOWN_S:.0f} s:\n"
            + thread_stacks(workers)
        ) from None
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def run_until(
    loop: qasync.QEventLoop, predicate: Callable[[], bool], timeout: float = 15.0
) -> None:
    """Run the loop (and Qt) until `predicate` holds; fail after `timeout` seconds."""

    loop.run_until_complete(until(predicate, timeout))


async def until(predicate: Callable[[], bool], timeout: float = 15.0) -> None:
    """Inside a scenario: let the loop (and Qt) run until `predicate` holds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not reached within {timeout} s")
        await asyncio.sleep(0.01)


SCENARIO_S = 100.0
"""A whole flow test's scenario; its files are marked timeout(120), so this fires first."""


def run_scenario(loop: qasync.QEventLoop, scenario: Awaitable[None]) -> None:
    """Run a flow test's scenario in one go, cancelled (its `finally` runs) if it overruns.

    pytest-timeout's alarm lands in whichever callback Qt happens to run and asyncio may
    swallow it there; a cancelled scenario fails with the await it was stuck on.
    """
    loop.run_until_complete(asyncio.wait_for(scenario, SCENARIO_S))


@dataclass
class Workspace:
    store: Store
    duty: Operator
    supervisor: Operator
    case_ids: list[int]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@pytest.fixture
def workspace(store: Store) -> Workspace:
    for username, role in (("duty", Role.DUTY_OFFICER), ("boss", Role.SUPERVISOR)):
        auth.add_user_sync(
            store, username=username, display_name=username, role=role, password="password-123"
        )
    duty = auth.sign_in_sync(store, "duty", "password-123")
    boss = auth.sign_in_sync(store, "boss", "password-123")
    service = CaseService(store, duty)
    ids = [
        service.register_sync(
            NewCase(f"工资纠纷{i}号", DisputeCategory.LABOUR, f"拖欠工资{i}万元", None)
        )[0]
        for i in range(30)
    ]

    def calls_and_rooms(session):  # type: ignore[no-untyped-def]
        now = _now()
        for i in range(5):
            session.add(
                Call(
                    ticket=f"T{i:05d}",
                    caller_name=f"来访人{i}",
                    category=DisputeCategory.NEIGHBOUR.code,
                    urgency=Urgency.URGENT.code if i == 0 else Urgency.NORMAL.code,
                    vulnerable=i == 1,
                    priority=1 if i == 0 else 0,
                    state=CallState.QUEUED.code,
                    queued_at=now - timedelta(seconds=30 * i),
                )
            )
        session.add(
            Room(
                name="邻里纠纷调解室",
                case_id=ids[0],
                state=RoomState.OPEN.code,
                backend="mesh",
                max_publishers=4,
                scheduled_at=now,
            )
        )
        return None, None

    store.write_sync(calls_and_rooms)
    return Workspace(store, duty, boss, ids)


@pytest.fixture
def wall_cameras(workspace: Workspace, tmp_path: Path) -> dict[str, CameraRecord]:
    clip = make_test_clip(tmp_path / "street.mp4", 320, 180, 25, 2.0, pattern="scene")

    def add(session):  # type: ignore[no-untyped-def]
        rows = [
            ("34010000001320000001", "建国路与解放街交叉口", clip.as_uri(), False, "jglyjfjjck"),
            ("34010000001320000002", "市第一中学门口", clip.as_uri(), True, "sdyzxmk"),
            ("34010000001320000003", "滨江公园北门", None, False, "bjgybm"),
        ] + [
            (f"3401000000132000001{i}", f"环城路{i}号", clip.as_uri(), False, f"hcl{i}h")
            for i in range(6)
        ]
        for device, name, url, sensitive, initials in rows:
            session.add(
                Camera(
                    device_id=device,
                    name=name,
                    name_initials=initials,
                    status=CameraStatus.ONLINE.code,
                    main_url=url,
                    sub_url=url,
                    sensitive=sensitive,
                )
            )
        session.flush()
        return None, None

    workspace.store.write_sync(add)
    found = workspace.store.read_sync(lambda s: cameras.search(s, "3401"))
    # "1".."3" for the named cameras, "h0".."h5" for the ring-road ones.
    return {
        (c.device_id[-1] if c.device_id[-2] == "0" else "h" + c.device_id[-1]): c for c in found
    }


def open_wall(qtbot, workspace: Workspace, live, **services):  # type: ignore[no-untyped-def]
    """A wall panel on screen with a 2×2 layout, as the duty officer would open it."""
    from console.services.surveillance import SurveillanceService
    from console.services.wall_views import WallViewService
    from console.ui.wall.panel import WallPanel

    panel = WallPanel(
        SurveillanceService(workspace.store, workspace.duty),
        live,
        WallViewService(workspace.store, workspace.duty),
        **services,
    )
    qtbot.addWidget(panel)
    panel.resize(1600, 900)
    panel.show()
    panel.load()
    panel.set_layout("4")
    return panel
