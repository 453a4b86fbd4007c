"""`console bench catalogue`: import a city-sized camera catalogue, then time the camera search."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from console.bench import common
from console.bench.common import say
from console.services.catalogue import CatalogueService
from console.store import migrate
from console.store.engine import sqlite_url
from console.store.repos import cameras
from console.store.store import Store

DEFAULT_CAMERAS = 30_000
DEFAULT_ROUNDS = 20
TARGETS = {"search_p95_ms": 50.0}
SEED = 7
# Six districts of a city with their GB/T 2260 codes; a town ordinal makes the civil code.
_DISTRICTS = (
    ("340102", "瑶海区"),
    ("340103", "庐阳区"),
    ("340104", "蜀山区"),
    ("340111", "包河区"),
    ("340121", "长丰县"),
    ("340122", "肥东县"),
)
_ROADS = (
    "长江中路", "金寨路", "胜利路", "淮河路", "芜湖路", "徽州大道", "宿州路", "阜阳路",
    "寿春路", "蒙城路", "濉溪路", "潜山路", "望江西路", "黄山路", "合作化路", "马鞍山路",
    "包河大道", "繁华大道", "紫云路", "天柱路", "科学大道", "清溪路", "环城南路", "铜陵路",
    "临泉路", "凤阳路", "北一环", "南二环", "翡翠路", "习友路",
)  # fmt: skip
_PLACES = (
    "幸福小区", "和平花园", "逍遥津公园", "市第一人民医院", "实验小学", "汽车站", "农贸市场",
    "体育中心", "城隍庙", "科技馆", "万达广场", "火车站", "政务中心", "银泰中心", "街道办",
    "派出所", "中心学校", "卫生院", "敬老院", "文化广场",
)  # fmt: skip
_SPOTS = ("南门", "北门", "东门", "西门", "主入口", "地下车库入口", "停车场", "广场")
# What an officer types: name fragments, pinyin initials, device-code prefixes, an address
# fragment, a rare exact code and a miss. Each is searched with the production query.
QUERIES = (
    "金寨路", "南门", "幸福小区", "医院", "jzl", "nm", "xfxq", "cjzl",
    "3401030", "3401030100132", "庐阳区", "停车场", "zzzzz", "胜利路与",
)  # fmt: skip


def catalogue_csv(n: int, rng: random.Random) -> str:
    """A CSV catalogue of n cameras at crossings and institutions, as a platform exports it."""
    lines = ["设备编码,名称,地址,行政区划,经度,纬度,主码流,子码流,用户名,密码,状态,云台类型"]
    seen: dict[str, int] = {}
    for i in range(n):
        code, district = _DISTRICTS[i % len(_DISTRICTS)]
        town = rng.randrange(1, 13)
        if rng.random() < 0.5:
            a, b = rng.sample(_ROADS, 2)
            name, address = f"{a}与{b}交口", f"{district}{a}{b}路口"
        else:
            place, road = rng.choice(_PLACES), rng.choice(_ROADS)
            name, address = f"{place}{rng.choice(_SPOTS)}", f"{district}{road}{place}"
        count = seen.get(name, 0) + 1
        seen[name] = count
        if count > 1:
            name += str(count)
        device_id = f"{code}{town:02d}0013{rng.choice('12')}0{i:06d}"
        host = f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}"
        lines.append(
            f"{device_id},{name},{address},{code}{town:03d},"
            f"{117.1 + rng.random() * 0.4:.6f},{31.7 + rng.random() * 0.3:.6f},"
            f"rtsp://{host}:554/Streaming/Channels/101,rtsp://{host}:554/Streaming/Channels/102,"
            f"admin,Bench{i:05d}!,在线,{rng.choice('1234')}"
        )
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    n = args.cameras
    rounds = args.rounds or DEFAULT_ROUNDS
    result: dict[str, Any] = {"bench": "catalogue", "cameras": n, "rounds": rounds}
    with tempfile.TemporaryDirectory(prefix="console-bench-catalogue-") as tmp:
        path = Path(tmp) / "catalogue.csv"
        path.write_text(catalogue_csv(n, random.Random(SEED)), encoding="utf-8")
        url = sqlite_url(Path(tmp) / "catalogue.sqlite")
        migrate.upgrade(url)
        store = Store(url)
        try:
            say(f"catalogue: importing {n:,} cameras from {path.stat().st_size:,} bytes of CSV")
            started = time.perf_counter()
            report = CatalogueService(store, None).import_file_sync(path)
            result["import_s"] = round(time.perf_counter() - started, 3)
            if report.created != n or report.problems:
                problems = "; ".join(p.text() for p in report.problems[:3])
                return common.fail(result, f"imported {report.created} of {n}: {problems}")
            say(f"catalogue: imported in {result['import_s']} s; searching {rounds} rounds")
            timings, hits = _search(store, rounds)
        finally:
            store.close()
    result["hits"] = hits
    result.update(common.latency_summary("search", timings))
    return common.finish(result, TARGETS)


def _search(store: Store, rounds: int) -> tuple[list[float], dict[str, int]]:
    hits = {q: len(store.read_sync(partial(cameras.search, text=q))) for q in QUERIES}  # warm-up
    timings: list[float] = []
    for _ in range(rounds):
        for q in QUERIES:
            started = time.perf_counter()
            store.read_sync(partial(cameras.search, text=q))
            timings.append(time.perf_counter() - started)
    return timings, hits
