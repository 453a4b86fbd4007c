"""Fast, deterministic bulk generation of a big case-ledger database for `console bench ledger`."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Engine, Table, create_engine, event, insert
from sqlalchemy.pool import NullPool

from console.core.codes import (
    CaseSource,
    CaseState,
    Channel,
    DisputeCategory,
    EventScale,
    GridKind,
    RegionLevel,
    ResolutionMethod,
    RiskLevel,
    Role,
    SupervisionLevel,
    Urgency,
)
from console.core.deadlines import resolution_deadline
from console.core.ledger_text import case_body
from console.store import migrate
from console.store.engine import sqlite_url
from console.store.models import Case, CaseSearch, MemberUnit, Region, User, WorkspaceSetting

MARK_KEY = "bench.ledger"
# Bump when the generated data changes shape, so cached databases are rebuilt.
BUILD_VERSION = 6  # 6: case search terms; state, grid, area, state-in-area tags (0005)
CHUNK = 50_000
SPAN_DAYS = 5 * 365
RECENT_DAYS = 60

ProgressFn = Callable[[str], None]

S = CaseState
C = DisputeCategory

# Old cases are mostly finished; the last two months are mostly still open.
OLD_STATES: tuple[tuple[CaseState, float], ...] = (
    (S.EVALUATED, 52),
    (S.CLOSED, 30),
    (S.REJECTED, 5),
    (S.VOIDED, 3),
    (S.IN_PROGRESS, 3),
    (S.SUSPENDED, 2),
    (S.FEEDBACK, 1.5),
    (S.REVIEW, 1.5),
    (S.ASSIGNED, 1),
    (S.DIVERTED, 0.5),
    (S.ACCEPTED, 0.5),
)
RECENT_STATES: tuple[tuple[CaseState, float], ...] = (
    (S.DRAFT, 3),
    (S.REPORTED, 6),
    (S.ACCEPTED, 12),
    (S.DIVERTED, 6),
    (S.ASSIGNED, 12),
    (S.IN_PROGRESS, 22),
    (S.SUSPENDED, 3),
    (S.FEEDBACK, 6),
    (S.REVIEW, 5),
    (S.CLOSED, 12),
    (S.EVALUATED, 5),
    (S.REJECTED, 5),
    (S.VOIDED, 3),
)
CATEGORIES: tuple[tuple[DisputeCategory, float], ...] = (
    (C.NEIGHBOUR, 20),
    (C.MARRIAGE_FAMILY, 14),
    (C.LABOUR, 12),
    (C.PROPERTY_MGMT, 10),
    (C.HOUSING_HOMESTEAD, 8),
    (C.CONTRACT, 7),
    (C.LAND_REQUISITION, 5),
    (C.TRAFFIC_SAFETY, 5),
    (C.MEDICAL, 3),
    (C.ENVIRONMENT, 3),
    (C.CONSTRUCTION, 3),
    (C.COMMUNITY_AFFAIRS, 3),
    (C.ADMIN_ENFORCEMENT, 2),
    (C.FOREST_LAND, 2),
    (C.OTHER, 3),
)
ACCEPTED_OR_LATER = frozenset(
    {S.ACCEPTED, S.DIVERTED, S.ASSIGNED, S.IN_PROGRESS, S.SUSPENDED}
    | {S.FEEDBACK, S.REVIEW, S.CLOSED, S.EVALUATED, S.VOIDED}
)
DIVERTED_OR_LATER = ACCEPTED_OR_LATER - {S.ACCEPTED, S.VOIDED}
ASSIGNED_OR_LATER = DIVERTED_OR_LATER - {S.DIVERTED}
DONE = frozenset({S.CLOSED, S.EVALUATED})
OPEN_FOR_SUPERVISION = frozenset(CaseState) - DONE - {S.REJECTED, S.VOIDED, S.DRAFT}
# The case columns in the order `_case_chunks` yields them.
CASE_COLUMNS = (
    "id", "number", "title", "occurred_at", "place", "scale", "category", "people_count",
    "summary", "units_involved", "urgency", "deadline", "method", "channel",
    "responsible_unit_id", "responsible_user_id", "success", "result_account", "review_date",
    "review_opinion", "longitude", "latitude", "grid_id", "source", "risk_type", "risk_level",
    "state", "supervision", "void_reason", "repeat_of_id", "created_by", "created_at",
    "updated_at", "accepted_at", "closed_at",
)  # fmt: skip

# Template fields: {a} {b} parties, {st} street, {no} house number, {est} estate, {co} company,
# {hos} hospital, {vil} village, {k} a count, {amt} an amount, {m} a month.
TEMPLATES: dict[DisputeCategory, tuple[tuple[str, str], ...]] = {
    C.NEIGHBOUR: (
        (
            "{st}{no}号{a}与{b}噪音扰民纠纷",
            "{a}反映楼上住户{b}长期夜间噪音扰民，双方多次争吵，社区已调解{k}次未果。",
        ),
        (
            "{vil}{a}与{b}排水通道纠纷",
            "{a}与邻居{b}因院落排水沟走向发生争执，雨季积水影响{k}户村民通行。",
        ),
    ),
    C.MARRIAGE_FAMILY: (
        (
            "{a}与{b}离婚财产分割纠纷",
            "双方婚后共同购买{st}{no}号房屋一套，现协议离婚，对房产及{amt}元存款分割存在争议。",
        ),
        (
            "{a}兄妹赡养老人纠纷",
            "{vil}{a}等{k}名子女对母亲赡养费分担有分歧，老人每月生活费{amt}元无人承担。",
        ),
    ),
    C.LABOUR: (
        (
            "{co}拖欠{k}名工人工资",
            "{st}{co}自{m}月起拖欠{k}名务工人员工资共计{amt}元，工人多次讨薪未果，情绪激动。",
        ),
        (
            "{a}与{co}工伤赔偿纠纷",
            "{a}在{co}车间作业时受伤，双方对工伤认定后的赔偿金额{amt}元存在争议。",
        ),
    ),
    C.PROPERTY_MGMT: (
        (
            "{est}业主与物业公司物业费纠纷",
            "{est}小区{k}户业主以电梯长期故障为由拒缴物业费，物业公司拟停止服务，涉及{amt}元。",
        ),
    ),
    C.HOUSING_HOMESTEAD: (
        (
            "{vil}{a}与{b}宅基地界址纠纷",
            "{a}翻建房屋时与{b}对宅基地界址认定不一，争议面积约{k}平方米，双方多次发生冲突。",
        ),
    ),
    C.CONTRACT: (
        (
            "{a}与{co}装修合同纠纷",
            "{a}位于{st}{no}号的住房由{co}装修，工期延误{k}天，双方对尾款{amt}元支付有争议。",
        ),
    ),
    C.LAND_REQUISITION: (
        (
            "{vil}征地补偿款分配纠纷",
            "{vil}村民{k}户对土地征收补偿款{amt}元的分配方案有异议，要求重新公示。",
        ),
    ),
    C.TRAFFIC_SAFETY: (
        (
            "{st}交通事故赔偿纠纷",
            "{a}驾驶电动车在{st}与{b}的轿车相撞，双方对医疗费{amt}元及责任划分存在争议。",
        ),
    ),
    C.MEDICAL: (
        (
            "{a}家属与{hos}医疗纠纷",
            "{a}在{hos}手术后出现并发症，家属{k}人到院讨要说法，要求赔偿{amt}元。",
        ),
    ),
    C.ENVIRONMENT: (
        (
            "{co}排污影响{vil}村民生活",
            "{vil}村民反映{co}夜间排放废水，{k}户村民饮水受影响，要求停产整改并赔偿。",
        ),
    ),
    C.CONSTRUCTION: (
        (
            "{est}项目工程款及农民工工资纠纷",
            "{est}项目总包{co}拖欠分包工程款{amt}元，导致{k}名农民工工资未能按时发放。",
        ),
    ),
    C.COMMUNITY_AFFAIRS: (
        (
            "{vil}集体收益分配纠纷",
            "{vil}{k}名村民对{m}月村集体厂房租金收益{amt}元的分配方案有意见，要求村务公开。",
        ),
    ),
    C.ADMIN_ENFORCEMENT: (
        (
            "{st}占道经营执法纠纷",
            "{a}在{st}{no}号门前占道经营被城管暂扣货物，{a}对处罚决定不服，要求返还。",
        ),
    ),
    C.FOREST_LAND: (
        (
            "{vil}与邻村山林权属纠纷",
            "{vil}与邻村对约{k}亩山林的权属各执一词，双方村民曾发生推搡，需尽快化解。",
        ),
    ),
    C.OTHER: (
        (
            "{a}与{b}民间借贷纠纷",
            "{b}于{m}月向{a}借款{amt}元，约定期满未归还，{a}多次催讨无果。",
        ),
    ),
}

STREETS = (
    "解放路", "人民路", "建设路", "和平路", "中山路", "胜利街", "新华街", "朝阳路",
    "文化路", "光明街", "青年路", "滨江路", "团结路", "幸福街", "长江路", "黄河路",
    "友谊路", "红旗街", "东风路", "北京路", "南京路", "公园路", "学府路", "工业路",
    "迎宾大道", "站前路", "府前街", "健康路", "永安街", "丰收路", "北湖路", "云山路",
    "金桥路", "玉带街", "桂花巷", "梧桐巷", "石板巷", "沿河路", "环城北路", "环城南路",
)  # fmt: skip
ESTATES = (
    "阳光花园", "翠湖苑", "金色家园", "御景湾", "锦绣华庭", "东方名城", "碧水蓝天",
    "滨江一号", "万家小区", "和谐家园", "书香门第", "盛世嘉园", "枫林绿洲", "紫荆苑",
    "丽景湾", "龙湖春天", "世纪新城", "清源府", "桃李园", "观澜国际",
)  # fmt: skip
COMPANIES = (
    "宏达建筑公司", "鑫源电子厂", "华通物流公司", "永盛纺织厂", "恒发机械厂", "金鼎装饰公司",
    "顺风快递站", "明珠酒店", "瑞丰食品厂", "长城建材公司", "天宇科技公司", "百佳超市",
    "兴旺养殖场", "大众汽修厂", "新世纪家具厂", "利民制衣厂", "绿源化工厂", "安居装饰公司",
    "鸿运餐饮公司", "东升劳务公司", "远航物流公司", "海天包装厂", "泰和建设公司", "乐家家政公司",
)  # fmt: skip
HOSPITALS = ("市人民医院", "市中医院", "县人民医院", "妇幼保健院", "仁和医院", "镇卫生院")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
RESULTS = (
    "经调解，双方自愿达成协议，已当场履行。",
    "经多次沟通，双方和解，申请人撤回诉求。",
    "已移交相关部门依法处理，当事人表示认可。",
    "经疏导教育，当事人认识到自身问题，矛盾化解。",
)
VOID_REASONS = ("重复登记", "信息录入错误", "当事人撤回申请")

CITY = ("360900", "清源市", 115.90, 28.60)
COUNTIES = (
    ("360902", "清源区", True),
    ("360903", "东湖区", True),
    ("360904", "西山区", True),
    ("360921", "南溪县", False),
    ("360922", "北岭县", False),
    ("360981", "河口市", False),
)
TOWNS_PER_COUNTY = 5
VILLAGES_PER_TOWN = 2
GRIDS_PER_VILLAGE = 5
# One distinct name per town (6 × 5) and per village or community (6 × 5 × 2).
TOWN_NAMES = (
    "城关", "新华", "朝阳", "和平", "东升", "金山", "白沙", "石桥", "柳林", "龙泉",
    "青石", "马鞍", "黄岗", "梅岭", "荷塘", "松山", "桃源", "杨柳", "双溪", "五里",
    "永丰", "太平", "安仁", "古城", "凤凰", "三江", "大桥", "新塘", "湖口", "沙河",
)  # fmt: skip
VILLAGE_NAMES = (
    "前进", "红星", "光明", "团结", "新建", "胜利", "幸福", "东风", "向阳", "建设",
    "联合", "友谊", "永红", "振华", "长青", "五星", "民主", "先锋", "富强", "振兴",
    "丰收", "新民", "双河", "石门", "柳湾", "杨家", "李家", "王家", "陈家", "大塘",
    "小河", "高桥", "新桥", "花园", "竹林", "枫树", "桃园", "梨园", "荷花", "龙潭",
    "凤岭", "金竹", "银杏", "白鹤", "青山", "绿水", "清泉", "北港", "南湾", "东岗",
    "西坪", "上村", "下湾", "中和", "太和", "永安", "长兴", "福田", "兴隆", "万福",
)  # fmt: skip
UNITS = (
    ("court", "区人民法院", Channel.LITIGATION),
    ("justice", "司法局", Channel.PEOPLES_MEDIATION),
    ("hrss", "人社局劳动人事争议仲裁院", Channel.ARBITRATION),
    ("housing", "住建局", Channel.ADMIN_MEDIATION),
    ("land", "自然资源局", Channel.ADMIN_RULING),
    ("health", "卫健委", Channel.ADMIN_MEDIATION),
    ("traffic", "公安交警大队", Channel.ADMIN_MEDIATION),
    ("review", "行政复议局", Channel.ADMIN_REVIEW),
)


@dataclass(frozen=True, slots=True)
class LedgerBuild:
    path: Path
    cases: int
    grids: int
    seconds: float
    built: bool
    """False when a complete cached database was reused."""


@dataclass(frozen=True, slots=True)
class _Grid:
    id: int
    village: str
    longitude: float
    latitude: float
    urban: bool


def is_complete(path: Path, cases: int) -> bool:
    """True if `path` is a finished build of `cases` cases, this generator and this schema."""
    if not path.exists():
        return False
    try:
        # Read-only: a check must not turn the file into a WAL database or create one.
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute(
                "SELECT value FROM workspace_setting WHERE key = ?", (MARK_KEY,)
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False
    if row is None:
        return False
    try:
        mark = json.loads(row[0])
    except ValueError:
        return False
    return bool(
        mark.get("cases") == cases
        and mark.get("version") == BUILD_VERSION
        and mark.get("revision") == migrate.head_revision()
    )


def ensure_ledger_db(
    path: Path, cases: int, *, seed: int = 20261126, progress: ProgressFn | None = None
) -> LedgerBuild:
    """Reuse a complete cached database at `path`, or build it anew."""
    if is_complete(path, cases):
        return LedgerBuild(path, cases, _grid_count(path), 0.0, built=False)
    return build_ledger_db(path, cases, seed=seed, progress=progress)


def build_ledger_db(
    path: Path, cases: int, *, seed: int = 20261126, progress: ProgressFn | None = None
) -> LedgerBuild:
    """Write a migrated database with a region tree and `cases` cases; atomic by rename."""
    say = progress or (lambda _msg: None)
    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    _remove_db(tmp)
    try:
        migrate.upgrade(sqlite_url(tmp))
        engine = _bulk_engine(tmp)
        try:
            grids = _fill(engine, cases, random.Random(seed), say, started)
        finally:
            engine.dispose()
        os.replace(tmp, path)
    finally:
        _remove_db(tmp)
    for suffix in ("-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    seconds = time.perf_counter() - started
    say(f"built {path.name}: {cases:,} cases in {seconds:.1f} s")
    return LedgerBuild(path, cases, grids, seconds, built=True)


def _remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _grid_count(path: Path) -> int:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = conn.execute(
            "SELECT count(*) FROM region WHERE level = ?", (RegionLevel.GRID.code,)
        ).fetchone()
    finally:
        conn.close()
    return int(row[0])


def _bulk_engine(path: Path) -> Engine:
    engine = create_engine(sqlite_url(path), poolclass=NullPool)

    def on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Nobody else reads this file until it is renamed into place, and a failed build is
        # thrown away: durability is worth nothing here, speed is worth a lot.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=MEMORY")
        cur.execute("PRAGMA synchronous=OFF")
        cur.execute("PRAGMA cache_size=-262144")
        cur.execute("PRAGMA temp_store=MEMORY")
        cur.execute("PRAGMA foreign_keys=OFF")
        cur.close()

    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", lambda conn: conn.exec_driver_sql("BEGIN"))
    return engine


def _fill(engine: Engine, cases: int, rng: random.Random, say: ProgressFn, started: float) -> int:
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    with engine.begin() as conn:
        grids = _regions(conn, rng)
        unit_ids = _units(conn)
        user_ids = _users(conn, now)
        # Building the case indexes once after the load is several times faster than keeping
        # them up to date row by row; the same DDL (from sqlite_master) restores them exactly.
        indexes = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = ? AND sql IS NOT NULL",
            (Case.__tablename__,),
        ).all()
        for name, _sql in indexes:
            conn.exec_driver_sql(f'DROP INDEX "{name}"')
        # Likewise the search index: its triggers go while the terms are loaded, and one
        # FTS5 'rebuild' afterwards indexes them all at once.
        triggers = conn.exec_driver_sql(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?",
            (CaseSearch.__tablename__,),
        ).all()
        for name, _sql in triggers:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        sql = _case_insert_sql(engine)
        search_sql = f"INSERT INTO {CaseSearch.__tablename__} (case_id, body) VALUES (?, ?)"
        i_id, i_number, i_title, i_summary = (
            CASE_COLUMNS.index(c) for c in ("id", "number", "title", "summary")
        )
        done = 0
        for rows in _case_chunks(cases, grids, unit_ids, user_ids, now, rng):
            # Driver-level executemany of plain tuples: per-row parameter processing in
            # `conn.execute(insert(...), dicts)` costs more than SQLite's own work here.
            conn.exec_driver_sql(sql, rows)
            conn.exec_driver_sql(
                search_sql,
                [(r[i_id], case_body(r[i_title], r[i_summary], r[i_number])) for r in rows],
            )
            done += len(rows)
            say(f"  {done:>10,} / {cases:,} cases  ({time.perf_counter() - started:5.1f} s)")
        say(f"  indexing ({time.perf_counter() - started:5.1f} s)")
        for _name, index_sql in indexes:
            conn.exec_driver_sql(index_sql)
        if triggers:
            conn.exec_driver_sql("INSERT INTO case_fts(case_fts) VALUES ('rebuild')")
            for _name, trigger_sql in triggers:
                conn.exec_driver_sql(trigger_sql)
        say(f"  search index built ({time.perf_counter() - started:5.1f} s)")
        mark = json.dumps(
            {
                "cases": cases,
                "version": BUILD_VERSION,
                # A newer schema means a rebuild rather than an upgrade of a throwaway file.
                "revision": migrate.head_revision(),
                "built_at": now.isoformat(),
            }
        )
        conn.execute(insert(WorkspaceSetting), [{"key": MARK_KEY, "value": mark}])
    with engine.connect() as conn:
        # A plain rollback journal so the finished file is one self-contained file.
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
    return len(grids)


def _case_insert_sql(engine: Engine) -> str:
    """INSERT for `CASE_COLUMNS`, checked against the model so a schema change fails loudly."""
    table = cast(Table, Case.__table__)
    unknown = [c for c in CASE_COLUMNS if c not in table.c]
    required = [
        c.name
        for c in table.columns
        if not c.nullable and c.server_default is None and c.name not in CASE_COLUMNS
    ]
    if unknown or required:
        raise RuntimeError(
            f"bench_data.CASE_COLUMNS is out of date with the model: unknown {unknown}, "
            f"missing required {required}"
        )
    preparer = engine.dialect.identifier_preparer
    cols = ", ".join(preparer.quote(c) for c in CASE_COLUMNS)
    marks = ", ".join("?" * len(CASE_COLUMNS))
    return f"INSERT INTO {preparer.quote(table.name)} ({cols}) VALUES ({marks})"


def _regions(conn: Any, rng: random.Random) -> list[_Grid]:
    rows: list[dict[str, Any]] = []
    grids: list[_Grid] = []
    next_id = iter(range(1, 1_000_000))
    city_code, city_name, lon0, lat0 = CITY
    city_id = next(next_id)
    rows.append(_region(city_id, city_code, city_name, RegionLevel.CITY, None, lon0, lat0))
    town_names = iter(TOWN_NAMES)
    village_names = iter(VILLAGE_NAMES)
    for ci, (county_code, county_name, urban) in enumerate(COUNTIES):
        county_id = next(next_id)
        clon, clat = lon0 + (ci % 3 - 1) * 0.25, lat0 + (ci // 3 - 0.5) * 0.3
        rows.append(
            _region(county_id, county_code, county_name, RegionLevel.COUNTY, city_id, clon, clat)
        )
        for ti in range(TOWNS_PER_COUNTY):
            town_id = next(next_id)
            town_code = f"{county_code}{ti + 1:03d}000"
            suffix = "街道" if urban else "镇"
            town_name = next(town_names) + suffix
            tlon, tlat = clon + rng.uniform(-0.1, 0.1), clat + rng.uniform(-0.1, 0.1)
            rows.append(
                _region(town_id, town_code, town_name, RegionLevel.TOWN, county_id, tlon, tlat)
            )
            for vi in range(VILLAGES_PER_TOWN):
                village_id = next(next_id)
                village_code = f"{town_code[:9]}{vi + 1:03d}"
                village = next(village_names) + ("社区" if urban else "村")
                vlon, vlat = tlon + rng.uniform(-0.03, 0.03), tlat + rng.uniform(-0.03, 0.03)
                rows.append(
                    _region(
                        village_id, village_code, village, RegionLevel.VILLAGE, town_id, vlon, vlat
                    )
                )
                for gi in range(GRIDS_PER_VILLAGE):
                    grid_id = next(next_id)
                    glon, glat = vlon + rng.uniform(-0.01, 0.01), vlat + rng.uniform(-0.01, 0.01)
                    kind = GridKind.URBAN if urban else GridKind.RURAL
                    if gi == GRIDS_PER_VILLAGE - 1 and ti == 0:
                        kind = GridKind.DEDICATED
                    grid = _region(
                        grid_id,
                        f"{village_code}{gi + 1:03d}",
                        f"{village}第{gi + 1}网格",
                        RegionLevel.GRID,
                        village_id,
                        glon,
                        glat,
                    )
                    grid["grid_kind"] = kind.code
                    grid["households"] = rng.randint(250, 350) if urban else rng.randint(60, 150)
                    rows.append(grid)
                    grids.append(_Grid(grid_id, village, glon, glat, urban))
    conn.execute(insert(Region), rows)
    return grids


def _region(
    rid: int,
    code: str,
    name: str,
    level: RegionLevel,
    parent: int | None,
    lon: float,
    lat: float,
) -> dict[str, Any]:
    return {
        "id": rid,
        "code": code,
        "name": name,
        "level": level.code,
        "parent_id": parent,
        "grid_kind": None,
        "households": None,
        "longitude": round(lon, 6),
        "latitude": round(lat, 6),
    }


def _units(conn: Any) -> dict[Channel, int]:
    rows = [
        {
            "id": i,
            "code": f"bench-{code}",
            "name": name,
            "channel": channel.code,
            "region_id": 1,
            "phone": f"0791-8{i:03d}0000",
        }
        for i, (code, name, channel) in enumerate(UNITS, start=1)
    ]
    conn.execute(insert(MemberUnit), rows)
    return {channel: i for i, (_c, _n, channel) in enumerate(UNITS, start=1)}


def _users(conn: Any, now: datetime) -> list[int]:
    rows: list[dict[str, Any]] = [
        {
            "id": i,
            "username": f"bench-{role.code}",
            "display_name": f"基准{role.zh}",
            "role": role.code,
            "unit_id": None,
            # Not a valid hash: these accounts exist only as case authors and cannot sign in.
            "password_hash": "!bench",
            "active": False,
            "created_at": now - timedelta(days=SPAN_DAYS + 1),
        }
        for i, role in enumerate((Role.DUTY_OFFICER, Role.MEDIATOR, Role.SUPERVISOR), start=1)
    ]
    conn.execute(insert(User), rows)
    return [r["id"] for r in rows]


def _cum(weights: Sequence[float]) -> list[float]:
    total = 0.0
    out = []
    for w in weights:
        total += w
        out.append(total)
    return out


def _case_chunks(
    cases: int,
    grids: list[_Grid],
    unit_ids: dict[Channel, int],
    user_ids: list[int],
    now: datetime,
    rng: random.Random,
) -> Iterator[list[tuple[Any, ...]]]:
    """Rows of `CASE_COLUMNS`, a chunk at a time; times already in SQLAlchemy's SQLite format."""
    start = now - timedelta(days=SPAN_DAYS)
    span_s = SPAN_DAYS * 86_400
    recent_from = span_s - RECENT_DAYS * 86_400
    old_states, old_w = zip(*OLD_STATES, strict=True)
    new_states, new_w = zip(*RECENT_STATES, strict=True)
    old_cum, new_cum = _cum(old_w), _cum(new_w)
    categories, cat_w = zip(*CATEGORIES, strict=True)
    cat_cum = _cum(cat_w)
    # A few busy grids and many quiet ones, urban busier than rural.
    grid_cum = _cum([rng.lognormvariate(0, 0.8) * (2.0 if g.urban else 1.0) for g in grids])
    channels = [c.code for c in Channel]
    unit_of = {c.code: unit_ids[c] for c in Channel}
    parties = [s + "某" + ("某" if i % 3 else "") for i, s in enumerate(SURNAMES)]
    urgencies = (Urgency.NORMAL,) * 17 + (Urgency.URGENT,) * 2 + (Urgency.VERY_URGENT,)
    scale_weights = {
        EventScale.INDIVIDUAL: 12,
        EventScale.SMALL_GROUP: 5,
        EventScale.GROUP: 2,
        EventScale.MASS: 1,
    }
    scales = tuple(s.code for s, n in scale_weights.items() for _ in range(n))
    risks = (RiskLevel.LOW,) * 14 + (RiskLevel.MEDIUM,) * 4 + (RiskLevel.HIGH,) * 2
    risk_codes = tuple(r.code for r in (*risks, RiskLevel.CRITICAL))
    sources = tuple(s.code for s in (CaseSource.VIDEO_PETITION,) * 4 + tuple(CaseSource))
    none = SupervisionLevel.NONE.code
    supervisions = (none,) * 40 + tuple(
        s.code
        for s in (
            SupervisionLevel.NORMAL,
            SupervisionLevel.NORMAL,
            SupervisionLevel.YELLOW,
            SupervisionLevel.RED,
        )
    )
    methods = [m.code for m in ResolutionMethod]
    templates = {c: TEMPLATES[c] for c in categories}
    individual = EventScale.INDIVIDUAL.code
    evaluated = S.EVALUATED
    hour = timedelta(hours=1)
    day = timedelta(days=1)
    per_year: dict[int, int] = {}
    choices = rng.choices
    stamp = _stamp
    case_id = 0
    for first in range(0, cases, CHUNK):
        k = min(CHUNK, cases - first)
        # Draw each column for the whole chunk at once: rng.choices is far cheaper per item
        # than a call per row, and this loop is the build's hot path.
        cat_col = choices(categories, cum_weights=cat_cum, k=k)
        grid_col = choices(grids, cum_weights=grid_cum, k=k)
        old_col = choices(old_states, cum_weights=old_cum, k=k)
        new_col = choices(new_states, cum_weights=new_cum, k=k)
        a_col = choices(parties, k=k)
        b_col = choices(parties, k=k)
        st_col = choices(STREETS, k=k)
        est_col = choices(ESTATES, k=k)
        co_col = choices(COMPANIES, k=k)
        hos_col = choices(HOSPITALS, k=k)
        urg_col = choices(urgencies, k=k)
        scale_col = choices(scales, k=k)
        risk_col = choices(risk_codes, k=k)
        src_col = choices(sources, k=k)
        sup_col = choices(supervisions, k=k)
        tpl_col = choices(range(2), k=k)
        no_col = choices(range(1, 400), k=k)
        num_col = choices(range(2, 61), k=k)
        amt_col = choices(range(2_000, 900_000, 100), k=k)
        jitter_col = choices(range(60), k=k)
        hours_col = choices(range(1, 241), k=k)
        accept_col = choices(range(1, 49), k=k)
        close_col = choices(range(24, 24 * 40), k=k)
        chan_col = choices(channels, k=k)
        method_col = choices(methods, k=k)
        result_col = choices(RESULTS, k=k)
        void_col = choices(VOID_REASONS, k=k)
        fail_col = choices((False,) + (True,) * 9, k=k)
        pos_col = [rng.uniform(-0.004, 0.004) for _ in range(2 * k)]
        rows: list[tuple[Any, ...]] = []
        for j in range(k):
            case_id += 1
            offset = (first + j) * span_s // cases + jitter_col[j]
            created = start + timedelta(seconds=offset)
            state = new_col[j] if offset >= recent_from else old_col[j]
            category = cat_col[j]
            grid = grid_col[j]
            urgency = urg_col[j]
            year_n = per_year[created.year] = per_year.get(created.year, 0) + 1
            options = templates[category]
            title_t, summary_t = options[tpl_col[j] % len(options)]
            street, number, count = st_col[j], no_col[j], num_col[j]
            fields = {
                "a": a_col[j],
                "b": b_col[j],
                "st": street,
                "no": number,
                "est": est_col[j],
                "co": co_col[j],
                "hos": hos_col[j],
                "vil": grid.village,
                "k": count,
                "amt": amt_col[j],
                "m": created.month,
            }
            accepted = deadline = closed = None
            channel = unit = method = success = result = void_reason = None
            if state in ACCEPTED_OR_LATER:
                accepted = created + accept_col[j] * hour
                deadline = resolution_deadline(category, urgency, accepted)
                if state in DIVERTED_OR_LATER:
                    channel = chan_col[j]
                    if state in ASSIGNED_OR_LATER:
                        unit = unit_of[channel]
                    if state in DONE:
                        closed = accepted + close_col[j] * hour
                        success = fail_col[j]
                        method = method_col[j]
                        result = result_col[j]
                elif state is S.VOIDED:
                    void_reason = void_col[j]
            opened = state in OPEN_FOR_SUPERVISION
            evaluated_now = state is evaluated
            scale = scale_col[j]
            rows.append(
                (
                    case_id,
                    f"LJ-{created.year}-{year_n:06d}",
                    title_t.format_map(fields),
                    stamp(created - hours_col[j] * hour),
                    f"{grid.village}{street}{number}号",
                    scale,
                    category.code,
                    2 if scale == individual else count,
                    summary_t.format_map(fields),
                    None,
                    urgency.code,
                    stamp(deadline),
                    method,
                    channel,
                    unit,
                    None,
                    success,
                    result,
                    stamp(closed + 3 * day) if evaluated_now and closed else None,
                    "满意" if evaluated_now else None,
                    round(grid.longitude + pos_col[2 * j], 6),
                    round(grid.latitude + pos_col[2 * j + 1], 6),
                    grid.id,
                    src_col[j],
                    None,
                    risk_col[j],
                    state.code,
                    sup_col[j] if opened else none,
                    void_reason,
                    None,
                    user_ids[case_id % len(user_ids)],
                    stamp(created),
                    stamp(closed or accepted or created),
                    stamp(accepted),
                    stamp(closed),
                )
            )
        yield rows


def _stamp(value: datetime | None) -> str | None:
    # Exactly how SQLAlchemy's SQLite DateTime stores a value, at C speed.
    return None if value is None else value.isoformat(sep=" ", timespec="microseconds")
