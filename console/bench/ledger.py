"""`console bench ledger`: filtering the case ledger of a big store, query plus model reset."""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Sequence
from typing import Any

from console.bench import common
from console.bench.common import say
from console.core.codes import CaseState, Role
from console.core.paths import cache_dir
from console.core.records import CaseFilter
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store import bench_data, migrate
from console.store.engine import sqlite_url
from console.store.repos import cases, users
from console.store.store import Store
from console.ui.models.case_ledger_model import CaseLedgerModel

DEFAULT_ROUNDS = 50
WARMUP_ROUNDS = 3
QUERY_TIMEOUT_S = 120.0
# filter: state + area + a word, as an officer narrows the ledger; search: a word alone over
# every case (the term index, migration 0005). Both as the screen sees them: count, first
# page and model reset.
TARGETS = {"filter_p95_ms": 100.0, "search_p95_ms": 150.0}
# Words an officer would type: each matches a share of the generated titles and summaries,
# from a category word (a tenth of the cases) down to one street or estate (a few percent).
TEXT_TERMS = ("工资", "物业", "宅基地", "噪音", "借款", "赡养", "交通事故", "补偿款", "装修")
SEED = 42


def run(args: argparse.Namespace) -> int:
    rounds = args.rounds or DEFAULT_ROUNDS
    result: dict[str, Any] = {"bench": "ledger", "rounds": rounds, "warmup_rounds": WARMUP_ROUNDS}
    if args.db_url:
        url = args.db_url
        say(f"ledger: using the given store {url}")
        result.update(built=False, build_s=0.0)
    else:
        path = cache_dir() / "bench" / f"ledger-{args.cases}.sqlite"
        say(f"ledger: {args.cases:,} cases in {path}")
        build = bench_data.ensure_ledger_db(path, args.cases, progress=say)
        if not build.built:
            say("ledger: reusing the complete cached database")
        result.update(built=build.built, build_s=round(build.seconds, 3))
        url = sqlite_url(path)
    migrate.upgrade(url)
    return common.run_qt(lambda: _measure(url, rounds, result))


async def _measure(url: str, rounds: int, result: dict[str, Any]) -> int:
    store = Store(url)
    model: CaseLedgerModel | None = None
    try:
        service = CaseService(store, await store.read(_reader_operator))
        total = await service.ledger_count(CaseFilter())
        if total == 0:
            return common.fail(result, "the store has no cases to filter")
        counties = await service.counties()
        # (district id, its grids), as the ledger's area box gives them.
        areas = [(cid, await service.grid_ids_under(cid)) for cid, _name in counties]
        areas = [(cid, a) for cid, a in areas if a]
        if not areas:
            return common.fail(result, "the store has no grids under its districts")
        by_state = await store.read(cases.count_by_state)
        states = [s for s in CaseState if by_state.get(s, 0) > 0]
        say(
            f"ledger: {total:,} cases, {sum(len(a) for _c, a in areas)} grids in {len(areas)} "
            f"districts; {rounds} filters (+{WARMUP_ROUNDS} warm-up)"
        )
        result.update(cases=total, grids=sum(len(a) for _c, a in areas))

        model = CaseLedgerModel(service)
        timer = _LoadTimer(model)
        rng = random.Random(SEED)

        filtered: list[float] = []
        matched: list[int] = []
        for i in range(WARMUP_ROUNDS + rounds):
            district, area = rng.choice(areas)
            # Half the time a whole district (the ledger's area box), half a single grid.
            whole = rng.random() < 0.5
            f = CaseFilter(
                states=(rng.choice(states),),
                grid_ids=tuple(area) if whole else (rng.choice(area),),
                area_id=district if whole else None,
                text=rng.choice(TEXT_TERMS),
            )
            seconds = await timer.filter(f)
            if i >= WARMUP_ROUNDS:
                filtered.append(seconds)
                matched.append(model.total)
            if (i + 1) % 10 == 0:
                say(f"  filter {i + 1}/{WARMUP_ROUNDS + rounds}: last {seconds * 1000:.1f} ms")
        result.update(common.latency_summary("filter", filtered, (50, 95)))
        result["rows_matched_median"] = common.median(matched)
        say(
            f"ledger: state + area + text p50 {result['filter_p50_ms']:.1f} ms, "
            f"p95 {result['filter_p95_ms']:.1f} ms, max {result['filter_max_ms']:.1f} ms, "
            f"median {result['rows_matched_median']:,.0f} rows matched"
        )

        text_only: list[float] = []
        text_matched: list[int] = []
        text_rounds = rounds
        for i in range(WARMUP_ROUNDS + text_rounds):
            # Each term in turn, then again: the first time a term is looked up is measured
            # too (no warm-up per term), so the index's cold pages count.
            term = TEXT_TERMS[i % len(TEXT_TERMS)]
            seconds = await timer.filter(CaseFilter(text=term))
            if i >= WARMUP_ROUNDS:
                text_only.append(seconds)
                text_matched.append(model.total)
        result.update(common.latency_summary("search", text_only, (50, 95)))
        result["search_rounds"] = text_rounds
        result["search_rows_matched_median"] = common.median(text_matched)
        # The earlier names of the same figures, for readers of older results.
        result.update(common.latency_summary("text_only", text_only, (50, 95)))
        result["text_only_rounds"] = text_rounds
        result["text_only_rows_matched_median"] = result["search_rows_matched_median"]
        say(
            f"ledger: search (a word, every case) p50 {result['search_p50_ms']:.1f} ms, "
            f"p95 {result['search_p95_ms']:.1f} ms, "
            f"median {result['search_rows_matched_median']:,.0f} rows matched"
        )
        return common.finish(result, TARGETS)
    finally:
        if model is not None:
            model.close()
            common.dispose(model)
        store.close()


class _LoadTimer:
    """Times `set_filter` to the model's `loaded` signal: count, first page and model reset."""

    def __init__(self, model: CaseLedgerModel) -> None:
        self._model = model
        self._future: asyncio.Future[float] | None = None
        model.loaded.connect(self._on_loaded)
        model.failed.connect(self._on_failed)

    def _on_loaded(self) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_result(time.perf_counter())

    def _on_failed(self, message: str) -> None:
        if self._future is not None and not self._future.done():
            self._future.set_exception(RuntimeError(f"the ledger query failed: {message}"))

    async def filter(self, f: CaseFilter) -> float:
        self._future = asyncio.get_running_loop().create_future()
        started = time.perf_counter()
        self._model.set_filter(f)
        return await asyncio.wait_for(self._future, QUERY_TIMEOUT_S) - started


def _reader_operator(session: Any) -> Operator:
    """Any account serves for reading; the generated ones cannot sign in, by design."""
    accounts: Sequence[Any] = users.all_users(session)
    if not accounts:
        raise RuntimeError("the store has no user accounts")
    chosen = next((u for u in accounts if u.role is Role.SUPERVISOR), accounts[0])
    return Operator(chosen)
