"""`console bench stats`: one statistics snapshot (every chart and figure) over a big store.

Each period (7/30/90 days, 12 months) for the whole city and for one district, as the
statistics page asks for it: one read on a store reader thread. The clock is the newest
case's time, so the periods hold cases whenever the database was built.
"""

from __future__ import annotations

import argparse
import os
import time
from datetime import timedelta
from typing import Any

from console.bench import common
from console.bench.common import say
from console.core.paths import cache_dir
from console.services.statistics import StatisticsService, StatsPeriod
from console.store import bench_data, migrate
from console.store.engine import sqlite_url
from console.store.repos import regions
from console.store.repos import statistics as q
from console.store.store import Store

DEFAULT_ROUNDS = 5
TARGETS = {"snapshot_p95_ms": 2000.0}
"""A refresh of the page (coalesced to at most one per two seconds) within two seconds."""


def run(args: argparse.Namespace) -> int:
    rounds = args.rounds or DEFAULT_ROUNDS
    result: dict[str, Any] = {"bench": "stats", "rounds": rounds}
    if args.db_url:
        url = args.db_url
    else:
        path = cache_dir() / "bench" / f"ledger-{args.cases}.sqlite"
        say(f"stats: {args.cases:,} cases in {path}")
        bench_data.ensure_ledger_db(path, args.cases, progress=say)
        url = sqlite_url(path)
    migrate.upgrade(url)
    store = Store(url)
    try:
        return _measure(store, rounds, result)
    finally:
        store.close()


def _measure(store: Store, rounds: int, result: dict[str, Any]) -> int:
    newest = store.read_sync(q.newest_case_time)
    if newest is None:
        return common.fail(result, "the store has no cases")
    now = newest + timedelta(minutes=1)
    service = StatisticsService(store, clock=lambda: now)
    district = store.read_sync(_first_district)
    areas: list[int | None] = [None] if district is None else [None, district]
    all_s: list[float] = []
    for period in StatsPeriod:
        for area in areas:
            seconds = []
            snap = None
            for _ in range(rounds):
                started = time.perf_counter()
                snap = service.snapshot_sync(period, area)
                seconds.append(time.perf_counter() - started)
            assert snap is not None
            key = f"{period.code}_{'city' if area is None else 'district'}"
            result[f"{key}_p50_ms"] = round(common.median(seconds) * 1000, 1)
            result[f"{key}_cases"] = snap.created
            say(
                f"stats: {key}: {snap.created:,} cases, "
                f"median {common.median(seconds) * 1000:.0f} ms"
            )
            all_s += seconds
    result.update(common.latency_summary("snapshot", all_s, (50, 95)))
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return common.finish(result, TARGETS)


def _first_district(session: Any) -> int | None:
    for city in regions.children(session, None):
        for county in regions.children(session, city.id):
            return county.id
    return None
