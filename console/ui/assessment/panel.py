"""The assessment screen (视频研判): ledger with case card, evidence, map and statistics in
tabs, wired to one another, and the supervisor's walkthrough started from here."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QPushButton, QSplitter, QTabWidget, QVBoxLayout, QWidget

from console.core.events import ChangeSet
from console.services.assessment import AssessmentServices
from console.ui.assessment.case_detail import CaseDetail
from console.ui.assessment.evidence_page import EvidencePage
from console.ui.assessment.ledger_page import LedgerPage
from console.ui.assessment.map_page import MapPage
from console.ui.assessment.stats_page import StatsPage
from console.ui.assessment.walkthrough import (
    Slide,
    Walkthrough,
    WalkthroughSetup,
    case_slide,
    grid_slide,
)

WALKTHROUGH_CASES = 12
"""Cases offered as slides when none are selected: the top of the ledger as filtered."""

CameraSlides = Callable[[], list[Slide]]


class AssessmentPanel(QWidget):
    """Every page loads, follows store changes and closes with the screen.

    `camera_requested` asks for a camera on the wall (from the map); the composition root
    connects it, since screens never know each other.
    """

    camera_requested = Signal(int)

    def __init__(self, services: AssessmentServices, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-panel")
        self._services = services
        self._camera_slides: CameraSlides | None = None
        self._evidence_case: int | None = None
        self.walkthrough: Walkthrough | None = None
        self._setup: WalkthroughSetup | None = None

        self.ledger = LedgerPage(services.cases)
        self.detail = CaseDetail(services.actions)
        self.evidence = EvidencePage(services.evidence)
        self.map = MapPage(services.map_data)
        self.stats = StatsPage(services.statistics)

        ledger_tab = QSplitter(Qt.Orientation.Horizontal)
        ledger_tab.addWidget(self.ledger)
        ledger_tab.addWidget(self.detail)
        # The table gets most of the width at every scale; the card keeps a readable column.
        ledger_tab.setStretchFactor(0, 7)
        ledger_tab.setStretchFactor(1, 3)
        ledger_tab.setSizes([7000, 3000])
        self.tabs = QTabWidget()
        self.tabs.addTab(ledger_tab, self.tr("Ledger"))
        self.tabs.addTab(self.evidence, self.tr("Evidence"))
        self.tabs.addTab(self.map, self.tr("Map"))
        self.tabs.addTab(self.stats, self.tr("Statistics"))
        self.walkthrough_button = QPushButton(self.tr("Walkthrough…"))
        self.walkthrough_button.setToolTip(
            self.tr(
                "Full screen on a chosen monitor: the selected cases, their grids and the "
                "charts, one after another"
            )
        )
        self.tabs.setCornerWidget(self.walkthrough_button, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self.ledger.case_selected.connect(self.show_case)
        self.detail.open_evidence.connect(self.open_evidence)
        self.map.case_chosen.connect(self._case_from_map)
        self.map.camera_chosen.connect(self.camera_requested)
        self.tabs.currentChanged.connect(lambda _i: self._evidence_follows())
        self.walkthrough_button.clicked.connect(self.prepare_walkthrough)

    def set_camera_slides(self, camera_slides: CameraSlides) -> None:
        """Where the walkthrough's camera views come from (the wall's cameras)."""
        self._camera_slides = camera_slides

    def load(self) -> None:
        self.ledger.load()
        self.map.load()
        self.stats.load()

    def show_case(self, case_id: int) -> None:
        """The case on the card; the evidence page follows when it is the one shown."""
        self._evidence_case = case_id
        self.detail.show_case(case_id)
        self._evidence_follows()

    def open_evidence(self, case_id: int) -> None:
        self._evidence_case = case_id
        self.tabs.setCurrentWidget(self.evidence)
        self._evidence_follows()

    def _evidence_follows(self) -> None:
        # Loading a case's media costs disk reads: only for the page on screen.
        if self.tabs.currentWidget() is self.evidence and self._evidence_case is not None:
            shown = self.evidence.timeline
            if shown is None or shown.case_id != self._evidence_case:
                self.evidence.show_case(self._evidence_case)

    def _case_from_map(self, case_id: int) -> None:
        self.tabs.setCurrentIndex(0)
        self.show_case(case_id)

    def prepare_walkthrough(self) -> None:
        """Offer the slides (selected cases, their grids, the charts, camera views)."""
        model = self.ledger.model
        picked = sorted({i.row() for i in self.ledger.view.selectionModel().selectedRows()})
        if len(picked) < 2:  # one row is merely the current case, not a choice of cases
            picked = list(range(min(WALKTHROUGH_CASES, model.rowCount())))
        cases = [model.row_record(r) for r in picked]
        statistics = self._services.statistics
        slides = [case_slide(statistics, r.id, f"{r.number} {r.title}") for r in cases]
        grids: dict[int, str] = {}
        for r in cases:
            if r.grid_id is not None:
                grids.setdefault(r.grid_id, r.grid_name)
        slides += [grid_slide(statistics, gid, name) for gid, name in grids.items()]
        slides += self.stats.chart_slides()
        if self._camera_slides is not None:
            slides += self._camera_slides()
        if self._setup is not None:
            self._setup.deleteLater()
        self._setup = WalkthroughSetup(slides, self.window())
        self._setup.accepted.connect(self._start_walkthrough)
        self._setup.open()

    def _start_walkthrough(self) -> None:
        if self._setup is None:
            return
        self._close_walkthrough()
        self.walkthrough = self._setup.create_walkthrough()
        self.walkthrough.closed.connect(self._walkthrough_closed)
        self.walkthrough.start()

    def _walkthrough_closed(self) -> None:
        # A window without a parent: deleted by Qt on this thread, never by whichever thread
        # happens to collect its Python wrapper.
        walk, self.walkthrough = self.walkthrough, None
        if walk is not None:
            walk.deleteLater()

    def _close_walkthrough(self) -> None:
        if self.walkthrough is not None:
            self.walkthrough.close()  # its `closed` lets it go

    def screenshot_pages(self) -> list[tuple[str, Callable[[], None]]]:
        """Each tab, for `console --screenshots`; the evidence page shows the current case."""

        def show(index: int) -> Callable[[], None]:
            return lambda: self.tabs.setCurrentIndex(index)

        return [
            ("ledger", show(0)),
            ("evidence", show(1)),
            ("map", show(2)),
            ("statistics", show(3)),
        ]

    def apply_changes(self, changes: ChangeSet) -> None:
        self.ledger.apply_changes(changes)
        self.detail.apply_changes(changes)
        self.evidence.apply_changes(changes)
        self.map.apply_changes(changes)
        self.stats.apply_changes(changes)

    def close_panel(self) -> None:
        self._close_walkthrough()
        for page in (self.ledger, self.detail, self.evidence, self.map, self.stats):
            page.close_panel()
