"""Ledger export: every matching case in the ledger's order to Excel and PDF, off the calling
thread, audited, cancellable without leaving a file; bulk 督办 reports each case's outcome."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from console.core.codes import AuditAction, CaseState, DisputeCategory, FlowAction, SupervisionLevel
from console.core.records import CaseFilter
from console.services import ledger_export
from console.services.cases import CaseService
from console.services.ledger_export import (
    HEADERS,
    ExportCancelled,
    ExportFormat,
    ExportRefused,
    LedgerExport,
)
from console.store.repos import audit, cases
from console.store.repos.cases import NewCase
from console.store.store import Store
from tests.services.conftest import People


def _register(store: Store, people: People, n: int) -> list[int]:
    service = CaseService(store, people.duty)
    return [
        service.register_sync(
            NewCase(
                f"{'工资' if i % 2 else '噪音'}纠纷{i}号",
                DisputeCategory.LABOUR if i % 2 else DisputeCategory.NEIGHBOUR,
                f"摘要{i}",
                None,
            )
        )[0]
        for i in range(n)
    ]


def test_xlsx_holds_every_matching_case_in_order(
    store: Store, people: People, tmp_path: Path
) -> None:
    ids = _register(store, people, 23)
    f = CaseFilter(text="工资", sort="number", descending=False)
    expected = store.read_sync(lambda s: cases.ledger_ids(s, f))
    assert len(expected) == 11
    exporter = LedgerExport(store, people.supervisor)
    seen: list[tuple[int, int]] = []
    target = tmp_path / "out" / "台账.xlsx"
    # Chunks smaller than the set, so the export reads it in several pieces.
    old_chunk, ledger_export.CHUNK = ledger_export.CHUNK, 4
    try:
        result = asyncio.run(
            exporter.export(f, target, ExportFormat.XLSX, progress=lambda n, t: seen.append((n, t)))
        )
    finally:
        ledger_export.CHUNK = old_chunk
    assert result.rows == 11 and result.path == target
    sheet = load_workbook(target, read_only=True).active
    values = [tuple(c or "" for c in row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADERS
    numbers = store.read_sync(
        lambda s: {r.id: r.number for r in cases.rows_by_ids(s, CaseFilter(), frozenset(ids))}
    )
    assert [v[0] for v in values[1:]] == [numbers[i] for i in expected]
    assert all("工资" in v[1] for v in values[1:]) and values[1][3] == CaseState.ACCEPTED.zh
    assert seen[0] == (0, 11) and seen[-1] == (11, 11) and len(seen) == 4
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".part")]
    last = store.read_sync(lambda s: audit.recent(s, 1))[0]
    assert last.action == AuditAction.EXPORT.code and last.actor_id == people.supervisor.id
    assert "xlsx 11件" in last.detail and "检索“工资”" in last.detail


def test_pdf_has_the_cases_in_chinese(store: Store, people: People, tmp_path: Path) -> None:
    _register(store, people, 6)
    exporter = LedgerExport(store, people.supervisor)
    target = tmp_path / "台账.pdf"
    result = exporter.export_sync(CaseFilter(text="噪音"), target, ExportFormat.PDF)
    assert result.rows == 3
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert "矛盾纠纷案件台账" in text and "噪音纠纷0号" in text and "噪音纠纷4号" in text
    assert "工资纠纷" not in text


def test_big_pdf_is_refused_and_cancel_leaves_no_file(
    store: Store, people: People, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _register(store, people, 5)
    exporter = LedgerExport(store, people.supervisor)
    monkeypatch.setattr(ledger_export, "PDF_MAX_ROWS", 4)
    out = tmp_path / "out"
    with pytest.raises(ExportRefused, match="导出为Excel"):
        exporter.export_sync(CaseFilter(), out / "a.pdf", ExportFormat.PDF)
    stop = threading.Event()
    stop.set()
    with pytest.raises(ExportCancelled):
        exporter.export_sync(CaseFilter(), out / "b.xlsx", ExportFormat.XLSX, cancel=stop)
    assert not out.exists() or list(out.iterdir()) == []
    # Cancelled while running: the task's cancellation reaches the worker thread.
    slow = threading.Event()

    async def cancel_midway() -> None:
        task = asyncio.ensure_future(
            exporter.export(
                CaseFilter(), out / "c.xlsx", ExportFormat.XLSX, progress=lambda n, t: slow.set()
            )
        )
        while not slow.is_set() and not task.done():
            await asyncio.sleep(0.001)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(cancel_midway())
    exporter.close()
    assert not [t for t in threading.enumerate() if t.name == ledger_export.THREAD_NAME]
    assert not out.exists() or [p.name for p in out.iterdir()] in ([], ["c.xlsx"])
    entries = store.read_sync(audit.recent)
    assert sum(e.action == AuditAction.EXPORT.code for e in entries) == (out / "c.xlsx").exists()


def test_supervise_many_reports_each_case(store: Store, people: People) -> None:
    ids = _register(store, people, 3)
    boss = CaseService(store, people.supervisor)
    asyncio.run(boss.advance(ids[1], FlowAction.VOID, opinion="重复登记"))
    outcomes = asyncio.run(boss.supervise_many(ids, SupervisionLevel.RED, "逾期未办"))
    assert [(o.case_id, o.ok) for o in outcomes] == [
        (ids[0], True),
        (ids[1], False),
        (ids[2], True),
    ]
    assert "作废" in outcomes[1].reason
    rows = store.read_sync(lambda s: cases.rows_by_ids(s, CaseFilter(), frozenset(ids)))
    levels = {r.id: r.supervision for r in rows}
    assert levels[ids[0]] is SupervisionLevel.RED and levels[ids[1]] is SupervisionLevel.NONE
    # No opinion: refused for every case before anything is written.
    refused = asyncio.run(boss.supervise_many(ids, SupervisionLevel.YELLOW, "  "))
    assert all(not o.ok and "督办意见" in o.reason for o in refused)
    # A duty officer may not supervise at all.
    duty = CaseService(store, people.duty)
    denied = asyncio.run(duty.supervise_many([ids[0]], SupervisionLevel.YELLOW, "请加快"))
    assert not denied[0].ok and "无权" in denied[0].reason
