"""The ledger's search, filters and sorts on SQLite and PostgreSQL.

Search through the term index must give exactly what the old `LIKE '%text%'` on title,
summary and number gave, on each dialect; the deadline filter must agree with the one rule
in core; every sort must page through the same order a plain sort of all rows gives.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import or_, select, text

from console.core import ledger_text
from console.core.codes import (
    CaseSource,
    CaseState,
    DeadlineStatus,
    DisputeCategory,
    EventScale,
    FlowAction,
    RegionLevel,
    RiskLevel,
    Role,
    SupervisionLevel,
    Urgency,
)
from console.core.deadlines import deadline_status
from console.core.records import LEDGER_SORT_KEYS, CaseFilter
from console.services import auth
from console.services.cases import CaseService
from console.store import migrate
from console.store.models import Case, Region
from console.store.repos import cases
from console.store.repos.cases import NewCase
from console.store.store import Store

# A small alphabet so that random substrings hit: CJK, ASCII of both cases, digits, and the
# characters that split runs (space, punctuation) or mean something to LIKE (% and _).
CJK = "矛盾纠纷工资物业宅基地噪音借款赡养交通事故补偿款装修邻里"
ALPHABET = CJK * 3 + "abcABC" + "0123" + " -,_%"
N_CASES = 400
GRID_A, GRID_B, GRID_C, GRID_D = 11, 12, 13, 14
COUNTY_A, COUNTY_B = 2, 5
NOW = datetime.now(UTC).replace(tzinfo=None, microsecond=0)


def _text(rng: random.Random, lo: int, hi: int) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(lo, hi)))


def _seed(session, seed: int = 7) -> list[Case]:  # type: ignore[no-untyped-def]
    rng = random.Random(seed)
    # A district with a town, a village and two grids; another district with a grid of its own.
    for rid, level, parent in (
        (1, RegionLevel.CITY, None),
        (COUNTY_A, RegionLevel.COUNTY, 1),
        (3, RegionLevel.TOWN, COUNTY_A),
        (4, RegionLevel.VILLAGE, 3),
        (GRID_A, RegionLevel.GRID, 4),
        (GRID_B, RegionLevel.GRID, 4),
        (GRID_D, RegionLevel.GRID, 4),
        (COUNTY_B, RegionLevel.COUNTY, 1),
        (GRID_C, RegionLevel.GRID, COUNTY_B),
    ):
        session.add(
            Region(id=rid, code=f"R{rid}", name=f"区域{rid}", level=level.code, parent_id=parent)
        )
        session.flush()
    made = []
    for i in range(1, N_CASES + 1):
        state = rng.choice(list(CaseState))
        case = Case(
            number=f"LJ-{2020 + i % 7}-{i:06d}",
            title=_text(rng, 2, 12),
            summary=_text(rng, 0, 40),
            scale=EventScale.INDIVIDUAL.code,
            category=rng.choice(list(DisputeCategory)).code,
            urgency=Urgency.NORMAL.code,
            source=CaseSource.VIDEO_PETITION.code,
            risk_level=rng.choice(list(RiskLevel)).code,
            state=state.code,
            grid_id=rng.choice((GRID_A, GRID_B, GRID_C, GRID_D, None)),
            supervision=rng.choice(list(SupervisionLevel)).code,
            # Away from the status boundaries by minutes, so the test's clock and the
            # query's clock (a moment later) agree.
            deadline=NOW + timedelta(minutes=rng.choice((-1, 1)) * rng.randint(5, 8 * 24 * 60)),
            created_at=NOW - timedelta(hours=rng.randint(0, 24 * 400)),
            updated_at=NOW,
        )
        session.add(case)
        made.append(case)
    session.flush()
    for case in made:
        cases.set_search_terms(session, case.id, case.title, case.summary, case.number)
    return None, None


@pytest.fixture(params=["sqlite", "postgresql"])
def ledger_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'ledger.sqlite'}"
    else:
        url = request.getfixturevalue("pg_fresh_db")
    migrate.upgrade(url)
    store = Store(url)
    store.write_sync(_seed)
    yield store
    store.close()


def _like_ids(session, query: str, f: CaseFilter | None = None) -> set[int]:  # type: ignore[no-untyped-def]
    """The old ledger's answer: LIKE on the three fields (plus the other filters)."""
    like = f"%{query}%"
    stmt = select(Case.id).where(
        or_(Case.title.like(like), Case.summary.like(like), Case.number.like(like))
    )
    if f is not None and f.states:
        stmt = stmt.where(Case.state.in_([s.code for s in f.states]))
    if f is not None and f.grid_ids:
        stmt = stmt.where(Case.grid_id.in_(f.grid_ids))
    return set(session.scalars(stmt))


def _queries(store: Store) -> list[str]:
    """Substrings of the stored text (hits), their other-case forms, and random strings."""
    rng = random.Random(11)
    texts = store.read_sync(
        lambda s: [t for row in s.execute(select(Case.title, Case.summary)) for t in row if t]
    )
    out: set[str] = set()
    while len(out) < 40:
        t = rng.choice(texts)
        if len(t) < 2:
            continue
        n = rng.randint(2, min(6, len(t)))
        i = rng.randrange(len(t) - n + 1)
        out.add(t[i : i + n])
    out |= {q.swapcase() for q in sorted(out)[:10]}
    out |= {_text(rng, 2, 4) for _ in range(10)}
    # Numbers (ASCII runs split by '-'), a CJK word, and run boundaries inside a field.
    out |= {"LJ-2023", "lj-2023-0000", "000123", "2024-", "纠纷", "交通事故", "a-b", "资 物"}
    return sorted(q for q in out if len(q.strip()) >= 2)


def test_search_equals_like_on_both_dialects(
    ledger_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Two grids count as many: an area's grids are asked for by the area's tag.
    monkeypatch.setattr(cases, "MAX_TAG_GRIDS", 1)
    queries = _queries(ledger_store)
    in_progress = CaseFilter(states=(CaseState.IN_PROGRESS, CaseState.ACCEPTED))
    hits = 0
    for q in queries:

        def check(session, q: str = q) -> int:  # type: ignore[no-untyped-def]
            expected = _like_ids(session, q.strip())
            f = CaseFilter(text=q)
            got = set(cases.ledger_ids(session, f))
            assert got == expected, f"query {q!r}: extra {got - expected}, missing {expected - got}"
            assert cases.ledger_count(session, f) == len(expected), q
            page = cases.ledger_page(session, f, 0, 25)
            assert [r.id for r in page] == sorted(expected, reverse=True)[:25], q
            # States and grids go into the index as tags; other filters stay beside it.
            for g in (
                CaseFilter(states=in_progress.states, text=q),
                CaseFilter(states=in_progress.states, grid_ids=(GRID_A,), text=q),
                CaseFilter(grid_ids=(GRID_B,), categories=(DisputeCategory.LABOUR,), text=q),
                # Some of an area's grids (its tag narrows, SQL decides), then all of them
                # (the tag decides).
                CaseFilter(grid_ids=(GRID_A, GRID_B), area_id=COUNTY_A, text=q),
                CaseFilter(grid_ids=(GRID_A, GRID_B, GRID_D), area_id=COUNTY_A, text=q),
                CaseFilter(
                    states=in_progress.states, grid_ids=(GRID_A, GRID_B, GRID_D), area_id=3, text=q
                ),
                # A wrong hint (not above the grids) is dropped, never trusted.
                CaseFilter(grid_ids=(GRID_A, GRID_C), area_id=COUNTY_A, text=q),
            ):
                both = _like_ids(session, q.strip(), g)
                if g.categories:
                    both &= set(session.scalars(select(Case.id).where(Case.category == "labour")))
                assert set(cases.ledger_ids(session, g)) == both, (q, g)
                assert cases.ledger_count(session, g) == len(both), (q, g)
                page = cases.ledger_page(session, g, 0, 10)
                assert [r.id for r in page] == sorted(both, reverse=True)[:10], (q, g)
            return len(expected)

        hits += bool(ledger_store.read_sync(check))
    # The generated queries must actually find things, or the comparison proves little.
    assert hits > len(queries) // 2


def test_the_index_narrows_before_like() -> None:
    """The term rule itself: runs, bigrams, the gap, and which queries the index alone answers."""
    assert ledger_text.terms("矛盾纠纷 LJ-2026") == ["矛盾", "盾纠", "纠纷", "lj", "20", "02", "26"]
    assert ledger_text.case_body("邻里", "a-bc", "X1") == "邻里 z bc z x1 z"
    assert ledger_text.query_phrases("ab-bcd") == [["ab"], ["bc", "cd"]]
    assert ledger_text.query_terms("工") == []
    assert ledger_text.is_exact("工资") and ledger_text.is_exact("Lj2026")
    assert not ledger_text.is_exact("LJ-2026") and not ledger_text.is_exact("工")
    assert not ledger_text.is_exact("Äb")  # LIKE would not fold it; FTS would
    assert cases.fts_match("ab-bcd") == '"ab" AND "bc cd"'
    tagged = CaseFilter(states=(CaseState.IN_PROGRESS,), grid_ids=(3, 4))
    assert cases.fts_match("工资", tagged) == '"工资" AND (stinprogress) AND (gr3 OR gr4)'
    district = CaseFilter(grid_ids=tuple(range(100, 120)), area_id=7)
    assert cases.fts_match("工资", district) == '"工资" AND ar7'
    states = (CaseState.CLOSED, CaseState.IN_PROGRESS)
    in_district = replace(district, states=states)
    assert cases.fts_match("工资", in_district) == '"工资" AND (saclosed7 OR sainprogress7)'


def test_registered_and_edited_cases_are_found(store: Store) -> None:
    auth.add_user_sync(
        store, username="duty", display_name="值班员", role=Role.DUTY_OFFICER, password="pw-123456"
    )
    operator = auth.sign_in_sync(store, "duty", "pw-123456")
    service = CaseService(store, operator)
    case_id, _ = service.register_sync(
        NewCase("宅基地边界纠纷", DisputeCategory.HOUSING_HOMESTEAD, "两户因围墙位置争执", None)
    )

    def find(session, q: str) -> list[int]:  # type: ignore[no-untyped-def]
        return cases.ledger_ids(session, CaseFilter(text=q))

    assert store.read_sync(lambda s: find(s, "宅基地")) == [case_id]
    assert store.read_sync(lambda s: find(s, "围墙")) == [case_id]
    number = store.read_sync(lambda s: s.get(Case, case_id).number)
    assert store.read_sync(lambda s: find(s, number[-6:])) == [case_id]

    def edit(session):  # type: ignore[no-untyped-def]
        case = session.get(Case, case_id)
        case.title = "邻里噪音纠纷"
        cases.set_search_terms(session, case_id, case.title, case.summary, case.number)
        return None, None

    store.write_sync(edit)
    assert store.read_sync(lambda s: find(s, "宅基地")) == []
    assert store.read_sync(lambda s: find(s, "噪音")) == [case_id]

    # The index's state tag follows the flow (a trigger on the case's state).
    def in_state(state: CaseState) -> list[int]:
        f = CaseFilter(states=(state,), text="噪音")
        return store.read_sync(lambda s: cases.ledger_ids(s, f))

    assert in_state(CaseState.ACCEPTED) == [case_id]
    assert asyncio.run(service.advance(case_id, FlowAction.ASSIGN))[0] is CaseState.ASSIGNED
    assert in_state(CaseState.ACCEPTED) == []
    assert in_state(CaseState.ASSIGNED) == [case_id]
    # Every trigger handed FTS5 the exact old values: its own check finds nothing wrong.
    store.write_sync(
        lambda s: (
            s.execute(text("INSERT INTO case_fts(case_fts) VALUES ('integrity-check')")),
            None,
        )
    )


def test_deadline_filter_agrees_with_the_core_rule(ledger_store: Store) -> None:
    def check(session) -> None:  # type: ignore[no-untyped-def]
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = session.execute(select(Case.id, Case.state, Case.deadline)).all()
        for status in DeadlineStatus:
            expected = {
                i for i, st, dl in rows if deadline_status(CaseState(st), dl, now) is status
            }
            got = set(cases.ledger_ids(session, CaseFilter(deadline_statuses=(status,))))
            assert got == expected, status
            assert expected, f"the generated set has no {status} case"
        two = (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON)
        got = set(cases.ledger_ids(session, CaseFilter(deadline_statuses=two)))
        assert got == {i for i, st, dl in rows if deadline_status(CaseState(st), dl, now) in two}

    ledger_store.read_sync(check)


def test_other_filters(ledger_store: Store) -> None:
    def check(session) -> None:  # type: ignore[no-untyped-def]
        rows = session.execute(
            select(Case.id, Case.supervision, Case.risk_level, Case.created_at)
        ).all()
        red_yellow = CaseFilter(supervisions=(SupervisionLevel.RED, SupervisionLevel.YELLOW))
        assert set(cases.ledger_ids(session, red_yellow)) == {
            i for i, sup, _r, _c in rows if sup in ("red", "yellow")
        }
        high = CaseFilter(risk_levels=(RiskLevel.HIGH,))
        assert set(cases.ledger_ids(session, high)) == {i for i, _s, r, _c in rows if r == "high"}
        lo, hi = NOW - timedelta(days=100), NOW - timedelta(days=30)
        window = CaseFilter(created_from=lo, created_before=hi)
        expected = {i for i, _s, _r, c in rows if lo <= c < hi}
        assert expected and set(cases.ledger_ids(session, window)) == expected
        assert cases.ledger_count(session, window) == len(expected)
        # The area hint is kept when the region is above every grid, at any depth.
        # It decides alone only when the grids are all the area's grids; a caller's word
        # for that is not taken.
        for area, grids, kept, exact in (
            (COUNTY_A, (GRID_A, GRID_B), True, False),
            (COUNTY_A, (GRID_D, GRID_B, GRID_A), True, True),
            (4, (GRID_A,), True, False),
            (COUNTY_B, (GRID_C,), True, True),
            (COUNTY_A, (GRID_A, GRID_C), False, False),
            (COUNTY_A, (GRID_A, 4), False, False),
        ):
            hinted = CaseFilter(grid_ids=grids, area_id=area, area_exact=True)
            checked = cases._checked_area(session, hinted)
            assert (checked.area_id == area) is kept, (area, grids)
            assert checked.area_exact is exact, (area, grids)

    ledger_store.read_sync(check)


RANK = {
    "state": [s.code for s in CaseState],
    "risk": [r.code for r in RiskLevel],
    "supervision": [s.code for s in SupervisionLevel],
}


def test_sorts_page_in_order(ledger_store: Store) -> None:
    for key in LEDGER_SORT_KEYS:
        ledger_store.read_sync(lambda s, key=key: _check_sort(s, key))


def _check_sort(session, key: str) -> None:  # type: ignore[no-untyped-def]
    rows = session.execute(
        select(
            Case.id,
            Case.number,
            Case.created_at,
            Case.deadline,
            Case.state,
            Case.risk_level,
            Case.supervision,
        )
    ).all()
    for descending in (True, False):
        f = CaseFilter(sort=key, descending=descending)
        if key in RANK:
            col = {"state": 4, "risk": 5, "supervision": 6}[key]
            rank = RANK[key][::-1] if descending else RANK[key]
            expected = [r[0] for r in sorted(rows, key=lambda r: (rank.index(r[col]), -r[0]))]
        else:
            col = {"": 0, "number": 1, "created": 2, "deadline": 3}[key]
            expected = [
                r[0] for r in sorted(rows, key=lambda r: (r[col], r[0]), reverse=descending)
            ]
        # Odd page sizes so that pages straddle the code boundaries of ranked sorts.
        got: list[int] = []
        while len(got) < len(rows):
            page = cases.ledger_page(session, f, len(got), 37)
            assert page, "a page came back empty before the end"
            got.extend(r.id for r in page)
        assert got == expected, (key, descending)
        assert cases.ledger_ids(session, f) == expected
