"""Export the ledger's current filter (every matching case, in the ledger's order) to Excel
or PDF, on a worker thread of its own, with progress, cancel and an audit row.

The ids come in one read; the rows follow in chunks, each its own short read, so a big
export neither holds a reader for minutes nor pages through a million rows by offset.
The file is written beside its target and renamed into place, so a cancelled or failed
export leaves nothing behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from console.core.clock import to_local
from console.core.codes import AuditAction
from console.core.deadlines import deadline_status
from console.core.records import CaseFilter, CaseRow
from console.services.agreement_pdf import truetype_subset
from console.services.operator import Operator
from console.store.repos import audit, cases
from console.store.store import Store

CHUNK = 5000
# A PDF is for reading and printing: past this many rows the operator is sent to Excel.
PDF_MAX_ROWS = 20_000
# An Excel sheet holds 1,048,576 rows; bigger exports continue on further sheets.
XLSX_SHEET_ROWS = 1_000_000
THREAD_NAME = "ledger-export"

HEADERS = (
    "案件编号",
    "标题",
    "纠纷类别",
    "状态",
    "化解时限",
    "时限状态",
    "风险等级",
    "督办",
    "网格",
    "承办单位",
    "登记时间",
)

ProgressFn = Callable[[int, int], None]
"""(rows written, rows in all); called on the event loop's thread."""


class ExportFormat(enum.Enum):
    XLSX = "xlsx"
    PDF = "pdf"


class ExportRefused(RuntimeError):
    """The export cannot be made as asked; the message says why, in the operator's words."""


class ExportCancelled(RuntimeError):
    """The operator stopped the export; no file was left."""


@dataclass(frozen=True, slots=True)
class ExportResult:
    path: Path
    rows: int
    format: ExportFormat


def row_cells(row: CaseRow, now: datetime) -> tuple[str, ...]:
    """One case as the export writes it: codes in Chinese, times in the centre's zone."""
    status = deadline_status(row.state, row.deadline, now)
    return (
        row.number,
        row.title,
        row.category.zh,
        row.state.zh,
        f"{to_local(row.deadline):%Y-%m-%d %H:%M}" if row.deadline else "",
        status.zh,
        row.risk_level.zh,
        "" if row.supervision.code == "none" else row.supervision.zh,
        row.grid_name,
        row.responsible_unit,
        f"{to_local(row.created_at):%Y-%m-%d %H:%M}",
    )


def describe(f: CaseFilter) -> str:
    """The filter in a line of the audit row (what was exported)."""
    parts = []
    if f.text.strip():
        parts.append(f"检索“{f.text.strip()}”")
    for name, values in (
        ("状态", f.states),
        ("类别", f.categories),
        ("时限", f.deadline_statuses),
        ("督办", f.supervisions),
        ("风险", f.risk_levels),
    ):
        if values:
            parts.append(f"{name}:{'/'.join(v.zh for v in values)}")
    if f.grid_ids:
        parts.append(f"网格{len(f.grid_ids)}个")
    if f.overdue_only:
        parts.append("仅超期")
    if f.created_from or f.created_before:
        lo = f"{to_local(f.created_from):%Y-%m-%d}" if f.created_from else ""
        hi = f"{to_local(f.created_before):%Y-%m-%d}" if f.created_before else ""
        parts.append(f"登记{lo}至{hi}")
    return "，".join(parts) or "全部案件"


class LedgerExport:
    """Exports for one operator; `close()` stops and joins any export still running."""

    def __init__(self, store: Store, operator: Operator) -> None:
        self.store = store
        self.operator = operator
        self._threads: set[tuple[threading.Thread, threading.Event]] = set()
        self._lock = threading.Lock()

    async def export(
        self,
        f: CaseFilter,
        path: Path,
        fmt: ExportFormat,
        *,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> ExportResult:
        """Run `export_sync` on a named worker thread; cancelling the task stops it too."""
        loop = asyncio.get_running_loop()
        done: asyncio.Future[ExportResult] = loop.create_future()
        stop = cancel or threading.Event()

        def on_loop(fn: Callable[..., None], *args: Any) -> None:
            # The loop may be gone when a cancelled export's thread reaches its end.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(fn, *args)

        def report(n: int, total: int) -> None:
            if progress is not None:
                on_loop(progress, n, total)

        def settle(result: ExportResult | None, exc: BaseException | None) -> None:
            if done.done():
                return
            if exc is not None:
                done.set_exception(exc)
            else:
                done.set_result(result)  # type: ignore[arg-type]

        def work() -> None:
            try:
                result = self.export_sync(f, path, fmt, progress=report, cancel=stop)
            except BaseException as exc:  # delivered to the awaiting task
                on_loop(settle, None, exc)
            else:
                on_loop(settle, result, None)
            finally:
                with self._lock:
                    self._threads.discard(entry)

        thread = threading.Thread(target=work, name=THREAD_NAME, daemon=False)
        entry = (thread, stop)
        with self._lock:
            self._threads.add(entry)
        thread.start()
        try:
            return await done
        except asyncio.CancelledError:
            stop.set()  # the thread ends at its next chunk; close() joins it
            raise

    def close(self, timeout: float = 30.0) -> None:
        """Stop every running export and wait for its thread."""
        with self._lock:
            running = list(self._threads)
        for _thread, stop in running:
            stop.set()
        for thread, _stop in running:
            thread.join(timeout)

    # --- the work, on whatever thread calls it

    def export_sync(
        self,
        f: CaseFilter,
        path: Path,
        fmt: ExportFormat,
        *,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> ExportResult:
        stop = cancel or threading.Event()
        ids = self.store.read_sync(lambda s: cases.ledger_ids(s, f))
        total = len(ids)
        if fmt is ExportFormat.PDF and total > PDF_MAX_ROWS:
            raise ExportRefused(
                f"符合条件的案件有{total:,}件，PDF最多导出{PDF_MAX_ROWS:,}件；"
                "请缩小筛选范围或导出为Excel"
            )
        now = datetime.now(UTC).replace(tzinfo=None)
        rows = self._rows(ids, now, stop, progress)
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, prefix=f".{path.name}.", suffix=".part", delete=False
        ) as part:
            tmp = Path(part.name)
        try:
            if fmt is ExportFormat.XLSX:
                _write_xlsx(tmp, rows)
            else:
                _write_pdf(tmp, list(rows), describe(f), total, now)
            if stop.is_set():
                raise ExportCancelled("导出已取消")
            tmp.replace(path)
        finally:
            tmp.unlink(missing_ok=True)
        self.store.write_sync(
            lambda s: (
                audit.append(
                    s,
                    actor_id=self.operator.id,
                    action=AuditAction.EXPORT,
                    target_kind="case_ledger",
                    target_id=path.name,
                    detail=f"{fmt.value} {total}件：{describe(f)}",
                ),
                None,
            )
        )
        return ExportResult(path, total, fmt)

    def _rows(
        self,
        ids: list[int],
        now: datetime,
        stop: threading.Event,
        progress: ProgressFn | None,
    ) -> Iterator[tuple[str, ...]]:
        total = len(ids)
        if progress is not None:
            progress(0, total)
        everything = CaseFilter()
        for first in range(0, total, CHUNK):
            if stop.is_set():
                raise ExportCancelled("导出已取消")
            chunk = ids[first : first + CHUNK]
            found = self.store.read_sync(
                partial(cases.rows_by_ids, f=everything, ids=frozenset(chunk))
            )
            by_id = {r.id: r for r in found}
            for case_id in chunk:
                row = by_id.get(case_id)
                if row is not None:  # deleted since the ids were read: left out
                    yield row_cells(row, now)
            if progress is not None:
                progress(min(first + CHUNK, total), total)


def _write_xlsx(path: Path, rows: Iterator[tuple[str, ...]]) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet: Any = None
    n = 0
    try:
        for cells in rows:
            if sheet is None or n == XLSX_SHEET_ROWS:
                sheet = book.create_sheet(
                    "案件台账" if sheet is None else f"案件台账{len(book.worksheets) + 1}"
                )
                _xlsx_header(sheet, Font)
                n = 0
            sheet.append(cells)
            n += 1
    except BaseException:
        # Stopped midway: finish each sheet's stream now, while its file is still open.
        for ws in book.worksheets:
            with contextlib.suppress(Exception):
                ws.close()
        raise
    if sheet is None:
        _xlsx_header(book.create_sheet("案件台账"), Font)
    book.save(path)


def _xlsx_header(sheet: Any, font: Any) -> None:
    from openpyxl.cell import WriteOnlyCell

    for col, width in zip("ABCDEFGHIJK", (18, 36, 12, 10, 17, 10, 10, 8, 20, 20, 17), strict=True):
        sheet.column_dimensions[col].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title in HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = font(bold=True)
        header.append(cell)
    sheet.append(header)


# Landscape A4 columns in mm: 277 mm between the margins.
PDF_WIDTHS = (30, 60, 20, 14, 26, 14, 12, 10, 34, 33, 24)


def _write_pdf(
    path: Path, rows: list[tuple[str, ...]], what: str, total: int, now: datetime
) -> None:
    from fpdf import FPDF

    title = "矛盾纠纷案件台账"
    subtitle = f"{what}　共{total:,}件　导出于{to_local(now):%Y-%m-%d %H:%M}"
    text = title + subtitle + "".join(HEADERS) + "".join("".join(r) for r in rows) + "…"
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_title(title)
    pdf.set_creator("四频合一 console")
    pdf.set_auto_page_break(True, margin=12)
    pdf.set_margins(10, 10, 10)
    with tempfile.TemporaryDirectory(prefix="ledger-font-") as tmp:
        font_path = Path(tmp) / "cjk.ttf"
        font_path.write_bytes(truetype_subset(text))
        pdf.add_font("cjk", fname=font_path)
        pdf.add_page()
        pdf.set_font("cjk", size=14)
        pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT", align="C")
        pdf.set_font("cjk", size=8)
        pdf.cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT", align="C")
        _pdf_row(pdf, HEADERS, header=True)
        for cells in rows:
            if pdf.will_page_break(6):
                pdf.add_page()
                _pdf_row(pdf, HEADERS, header=True)
            _pdf_row(pdf, cells)
        pdf.output(str(path))


def _pdf_row(pdf: Any, cells: tuple[str, ...], *, header: bool = False) -> None:
    pdf.set_font("cjk", size=7)
    pdf.set_fill_color(225, 232, 240)
    for width, value in zip(PDF_WIDTHS, cells, strict=True):
        # One line per row: text wider than its column is cut with an ellipsis.
        shown = value
        while shown and pdf.get_string_width(shown) > width - 1.5:
            shown = shown[:-2] + "…"
        pdf.cell(width, 5.5, shown, border=1, fill=header)
    pdf.ln(5.5)
