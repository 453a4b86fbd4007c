"""`console bench sync`: how soon a change made on one screen shows in another's ledger model."""

from __future__ import annotations

import argparse
import asyncio
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex

from console.bench import common
from console.bench.common import say
from console.core.codes import DisputeCategory, FlowAction, Role, SupervisionLevel
from console.core.events import ChangeAction, ChangeSet, Entity
from console.core.records import CaseRow
from console.services import auth
from console.services.cases import CaseService
from console.store import migrate
from console.store.engine import sqlite_url
from console.store.repos.cases import NewCase
from console.store.store import Store
from console.store.tailer import ChangeTailer
from console.ui.feed_bridge import FeedBridge
from console.ui.models.case_ledger_model import CaseLedgerModel

DEFAULT_ROUNDS = 200
WARMUP_ROUNDS = 5
SEED_CASES = 300
ROUND_TIMEOUT_S = 10.0
XPROC_INTERVAL_S = 0.05
XPROC_MAX_CASES = 200
XPROC_STARTUP_ALLOWANCE_S = 30.0
XPROC_GRACE_S = 5.0
TARGETS = {"inproc_p99_ms": 20.0, "xproc_p95_ms": 250.0}
CATEGORIES = (
    DisputeCategory.NEIGHBOUR,
    DisputeCategory.LABOUR,
    DisputeCategory.PROPERTY_MGMT,
    DisputeCategory.MARRIAGE_FAMILY,
)
LEVELS = (SupervisionLevel.NORMAL, SupervisionLevel.YELLOW, SupervisionLevel.RED)


def run(args: argparse.Namespace) -> int:
    rounds = args.rounds or DEFAULT_ROUNDS
    xproc_n = min(rounds, XPROC_MAX_CASES)
    with tempfile.TemporaryDirectory(prefix="console-bench-sync-") as tmp:
        return common.run_qt(lambda: _bench(Path(tmp), rounds, xproc_n))


async def _bench(folder: Path, rounds: int, xproc_n: int) -> int:
    result: dict[str, Any] = {"bench": "sync", "rounds": rounds, "warmup_rounds": WARMUP_ROUNDS}
    say(f"sync: in-process, {rounds} rounds (+{WARMUP_ROUNDS} warm-up) …")
    try:
        inproc = await _inproc(sqlite_url(folder / "inproc.sqlite"), rounds)
    except TimeoutError:
        return common.fail(
            result, f"in-process: a change did not show in the ledger within {ROUND_TIMEOUT_S} s"
        )
    result.update(common.latency_summary("inproc", inproc.all))
    result.update(common.latency_summary("inproc_register", inproc.register, (50, 99)))
    result.update(common.latency_summary("inproc_supervise", inproc.supervise, (50, 99)))
    say(
        f"sync: in-process p50 {result['inproc_p50_ms']:.2f} ms, "
        f"p99 {result['inproc_p99_ms']:.2f} ms, max {result['inproc_max_ms']:.2f} ms"
    )

    say(f"sync: cross-process, {xproc_n} cases every {XPROC_INTERVAL_S * 1000:.0f} ms …")
    xproc = await _xproc(sqlite_url(folder / "xproc.sqlite"), xproc_n, XPROC_INTERVAL_S)
    result.update(
        {
            "xproc_n": xproc_n,
            "xproc_received": len(xproc.latencies),
            "xproc_interval_ms": XPROC_INTERVAL_S * 1000,
        }
    )
    if xproc.error or len(xproc.latencies) != xproc_n:
        return common.fail(
            result,
            xproc.error
            or f"cross-process: the ledger showed {len(xproc.latencies)} of {xproc_n} cases",
        )
    result.update(common.latency_summary("xproc", xproc.latencies, (50, 95)))
    say(
        f"sync: cross-process p50 {result['xproc_p50_ms']:.1f} ms, "
        f"p95 {result['xproc_p95_ms']:.1f} ms, max {result['xproc_max_ms']:.1f} ms"
    )
    return common.finish(result, TARGETS)


class _RowWatcher:
    """Resolves a future the moment the ledger model shows a row matching a predicate.

    Connected to rowsInserted and dataChanged, which is what a view repaints from: the
    change is "shown" when the model says so, not when a task behind it finishes.
    """

    def __init__(self, model: CaseLedgerModel) -> None:
        self._model = model
        self._match: Callable[[CaseRow], bool] | None = None
        self._future: asyncio.Future[float] | None = None
        model.rowsInserted.connect(self._on_inserted)
        model.dataChanged.connect(self._on_changed)

    def expect(self, match: Callable[[CaseRow], bool]) -> asyncio.Future[float]:
        self._match = match
        self._future = asyncio.get_running_loop().create_future()
        return self._future

    def _on_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        self._check(first, last)

    def _on_changed(self, top_left: QModelIndex, bottom_right: QModelIndex, *_roles: Any) -> None:
        self._check(top_left.row(), bottom_right.row())

    def _check(self, first: int, last: int) -> None:
        now = time.perf_counter()
        future, match = self._future, self._match
        if future is None or future.done() or match is None:
            return
        if any(match(self._model.row_record(r)) for r in range(first, last + 1)):
            future.set_result(now)


@dataclass
class _InprocResult:
    all: list[float]
    register: list[float]
    supervise: list[float]


async def _inproc(url: str, rounds: int) -> _InprocResult:
    migrate.upgrade(url)
    store = Store(url)
    model: CaseLedgerModel | None = None
    bridge: FeedBridge | None = None
    try:
        duty = CaseService(store, _sign_in(store, "bench-duty", Role.DUTY_OFFICER))
        # Supervision (督办) is the supervisor's self-transition: a legal step on an open case
        # that changes a visible column, so every round is a real flow step.
        supervisor = CaseService(store, _sign_in(store, "bench-supervisor", Role.SUPERVISOR))
        for i in range(SEED_CASES):
            duty.register_sync(_new_case(i, f"预置案件{i:04d} 邻里噪音纠纷"))
        model = CaseLedgerModel(CaseService(store, supervisor.operator))
        await model.reload_async()
        # Wired as app.py wires the assessment screen: feed -> queued signal -> model.
        bridge = FeedBridge(store.feed)
        bridge.changed.connect(model.apply_changes)
        watcher = _RowWatcher(model)
        rng = random.Random(7)
        out = _InprocResult([], [], [])
        for i in range(WARMUP_ROUNDS + rounds):
            register = i % 2 == 0
            if register:
                title = f"同步基准{i:04d}号 {secrets.token_hex(3)}"
                shown = watcher.expect(_titled(title))
                t0 = time.perf_counter()
                await duty.register(_new_case(i, title))
            else:
                row = model.row_record(rng.randrange(min(model.rowCount(), 150)))
                level = rng.choice([lv for lv in LEVELS if lv is not row.supervision])
                shown = watcher.expect(_supervised(row.id, level))
                t0 = time.perf_counter()
                await supervisor.advance(
                    row.id, FlowAction.SUPERVISE, opinion="请加快化解进度", supervision=level
                )
            seen_at = await asyncio.wait_for(shown, ROUND_TIMEOUT_S)
            if i >= WARMUP_ROUNDS:
                latency = seen_at - t0
                out.all.append(latency)
                (out.register if register else out.supervise).append(latency)
            if (i + 1) % 50 == 0:
                say(f"  round {i + 1}/{WARMUP_ROUNDS + rounds}")
        return out
    finally:
        if bridge is not None:
            bridge.close()
        if model is not None:
            model.close()
        common.dispose(*(o for o in (model, bridge) if o is not None))
        store.close()


@dataclass
class _XprocResult:
    latencies: list[float]
    error: str | None


async def _xproc(url: str, n: int, interval: float) -> _XprocResult:
    migrate.upgrade(url)
    store = Store(url)
    tailer: ChangeTailer | None = None
    model: CaseLedgerModel | None = None
    bridge: FeedBridge | None = None
    proc: subprocess.Popen[str] | None = None
    latencies: dict[int, float] = {}
    committed_at: dict[int, float] = {}
    error: str | None = None
    try:
        operator = _sign_in(store, "bench-reader", Role.SUPERVISOR)
        model = CaseLedgerModel(CaseService(store, operator))
        await model.reload_async()
        tailer = ChangeTailer(store)
        tailer.start()
        bridge = FeedBridge(store.feed)

        def remember(changes: ChangeSet) -> None:
            for case_id in changes.ids_of(Entity.CASE, ChangeAction.CREATED):
                committed_at[case_id] = changes.committed_at

        def on_inserted(_parent: QModelIndex, first: int, last: int) -> None:
            now = time.time()  # wall clock, comparable with the other process's commit stamp
            for r in range(first, last + 1):
                case_id = model.row_record(r).id if model is not None else -1
                if case_id in committed_at and case_id not in latencies:
                    latencies[case_id] = now - committed_at[case_id]

        # Connected before the model's slot, so the commit time is known when rows arrive.
        bridge.changed.connect(remember)
        bridge.changed.connect(model.apply_changes)
        model.rowsInserted.connect(on_inserted)

        proc = subprocess.Popen(
            [sys.executable, "-m", "console.bench.xproc_writer", url, str(n), str(interval)],
            stdout=subprocess.PIPE,
            text=True,
        )
        loop = asyncio.get_running_loop()
        deadline = loop.time() + XPROC_STARTUP_ALLOWANCE_S + n * interval
        exited_at: float | None = None
        reported = 0
        while len(latencies) < n:
            if exited_at is None and proc.poll() is not None:
                exited_at = loop.time()
                if proc.returncode != 0:
                    error = f"the writer process failed with exit status {proc.returncode}"
                    break
            if exited_at is not None and loop.time() - exited_at > XPROC_GRACE_S:
                break
            if loop.time() > deadline:
                error = f"timed out with {len(latencies)} of {n} cases shown"
                break
            await asyncio.sleep(0.02)
            if len(latencies) >= reported + 50:
                reported = len(latencies) // 50 * 50
                say(f"  {reported}/{n} cases shown")
        # Let the writer finish on its own (it still has to close its store) before killing.
        give_up = loop.time() + XPROC_GRACE_S
        while proc.poll() is None and loop.time() < give_up:
            await asyncio.sleep(0.02)
        if error is None and proc.returncode not in (None, 0):
            error = f"the writer process failed with exit status {proc.returncode}"
        return _XprocResult(list(latencies.values()), error)
    finally:
        if proc is not None:
            if proc.poll() is None:
                say("  the writer process did not exit by itself: killing it")
                proc.kill()
            out, _ = proc.communicate(timeout=30)
            for line in (out or "").splitlines():
                say(f"  {line}")
        if tailer is not None:
            tailer.stop()
        if bridge is not None:
            bridge.close()
        if model is not None:
            model.close()
        common.dispose(*(o for o in (model, bridge) if o is not None))
        store.close()


def _sign_in(store: Store, username: str, role: Role) -> Any:
    password = secrets.token_urlsafe(12)
    auth.add_user_sync(
        store, username=username, display_name=f"基准{role.zh}", role=role, password=password
    )
    return auth.sign_in_sync(store, username, password)


def _titled(title: str) -> Callable[[CaseRow], bool]:
    return lambda row: row.title == title


def _supervised(case_id: int, level: SupervisionLevel) -> Callable[[CaseRow], bool]:
    return lambda row: row.id == case_id and row.supervision is level


def _new_case(i: int, title: str) -> NewCase:
    return NewCase(
        title=title,
        category=CATEGORIES[i % len(CATEGORIES)],
        summary="基准测试登记的案件：另一屏幕的台账应立即显示。",
        grid_id=None,
    )
