"""The petition registration form: the dispute record typed during a call, saved as it is typed.

Every edit restarts a one-second timer that saves the draft through the service, so a crash
or a vanished caller loses at most the last second of typing. The rules live in
`core.registration`; this widget shows their reasons beside the fields and emits
`registered(case_id)` once the service has created the case.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from console.core import registration as reg
from console.core.clock import CENTRE_TZ, to_local, utcnow
from console.core.codes import (
    CodeTable,
    DisputeCategory,
    EventScale,
    IdType,
    PartyRole,
    RegionLevel,
    Urgency,
)
from console.core.records import CaseRow, RegionNode
from console.core.registration import PartyDraft, RegistrationDraft
from console.services.registration import RegistrationService
from console.services.surveillance import SurveillanceService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.region_tree_model import RegionTreeModel
from console.ui.tasks import TaskGroup

AUTOSAVE_MS = 1000
T = TypeVar("T")
Index = QModelIndex | QPersistentModelIndex

STYLE = f"""
QDateTimeEdit, QPlainTextEdit {{ background: {theme.PANEL}; border: 1px solid {theme.LINE};
    border-radius: 3px; color: {theme.TEXT}; }}
QLineEdit[problem="true"], QComboBox[problem="true"], QPlainTextEdit[problem="true"],
QDateTimeEdit[problem="true"], QSpinBox[problem="true"] {{ border: 1px solid {theme.ALERT}; }}
QPushButton[primary="true"]:disabled {{ background: {theme.PANEL_ALT}; color: {theme.MUTED};
    border: 1px solid {theme.LINE}; }}
QLabel[note="problem"] {{ color: {theme.ALERT}; }}
QLabel[note="pending"] {{ color: {theme.MUTED}; }}
QLabel[role="banner"] {{ background: {theme.PANEL_ALT}; color: {theme.WARN};
    border: 1px solid {theme.WARN}; border-radius: 3px; padding: 6px; }}
"""


def _restyle(widget: QWidget, name: str, value: Any) -> None:
    if widget.property(name) == value:
        return  # re-polishing is not free, and this runs on every keystroke
    # A dynamic property only changes the look once the style is re-applied.
    widget.setProperty(name, value)
    widget.style().unpolish(widget)
    widget.style().polish(widget)


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setVisible(False)
    label.setProperty("note", "problem")
    return label


def _code_combo(table: type[CodeTable], placeholder: str = "") -> QComboBox:
    combo = QComboBox()
    if placeholder:
        combo.addItem(placeholder, None)
    for member in table:
        combo.addItem(member.label(current_lang()), member.code)
    return combo


def _select_code(combo: QComboBox, code: str | None) -> None:
    combo.setCurrentIndex(max(0, combo.findData(code)))


def _to_qt(stored: datetime) -> QDateTime:
    local = to_local(stored)
    return QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))


def _from_qt(value: QDateTime) -> datetime:
    d, t = value.date(), value.time()
    local = datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=CENTRE_TZ)
    return local.astimezone(UTC).replace(tzinfo=None)


class PartyRow(QWidget):
    """One party: role, name, ID type and number, phone, address, each with its note below."""

    WIDTHS = {"role": 110, "name": 130, "id_type": 170, "id_number": 210, "phone": 170}

    def __init__(self, party: PartyDraft, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = _code_combo(PartyRole)
        self.name = QLineEdit()
        self.name.setMaxLength(100)
        self.id_type = _code_combo(IdType)
        self.id_number = QLineEdit()
        self.id_number.setMaxLength(40)
        self.phone = QLineEdit()
        self.phone.setMaxLength(32)
        self.address = QLineEdit()
        self.address.setMaxLength(200)
        self.remove = QPushButton(self.tr("Remove"))
        self.notes = {k: _note() for k in ("name", "id_number", "phone", "address")}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(1)
        editors: list[QWidget] = [
            self.role,
            self.name,
            self.id_type,
            self.id_number,
            self.phone,
            self.address,
            self.remove,
        ]
        for col, w in enumerate(editors):
            grid.addWidget(w, 0, col, Qt.AlignmentFlag.AlignTop)
        for col, key in ((1, "name"), (3, "id_number"), (4, "phone"), (5, "address")):
            grid.addWidget(self.notes[key], 1, col, Qt.AlignmentFlag.AlignTop)
        for key, width in self.WIDTHS.items():
            getattr(self, key).setFixedWidth(theme.scaled(width))
            self.notes.get(key, QLabel()).setFixedWidth(theme.scaled(width))
        grid.setColumnStretch(5, 1)
        self.set_party(party)

    def set_party(self, p: PartyDraft) -> None:
        _select_code(self.role, p.role.code)
        self.name.setText(p.name)
        _select_code(self.id_type, p.id_type.code)
        self.id_number.setText(p.id_number)
        self.phone.setText(p.phone)
        self.address.setText(p.address)

    def party(self) -> PartyDraft:
        return PartyDraft(
            role=PartyRole(self.role.currentData()),
            name=self.name.text(),
            id_type=IdType(self.id_type.currentData()),
            id_number=self.id_number.text(),
            phone=self.phone.text(),
            address=self.address.text(),
        )

    def editors(self) -> dict[str, QWidget]:
        return {
            "name": self.name,
            "id_number": self.id_number,
            "phone": self.phone,
            "address": self.address,
        }


class _GridTreeModel(RegionTreeModel):
    """The region tree down to grids, without cameras: grids are the leaves one picks."""

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        region = self.region_at(parent)
        if region is not None and region.level is RegionLevel.GRID:
            return False
        return super().hasChildren(parent)

    def _attach(
        self, node: Any, persistent: QPersistentModelIndex, regions: Any, cameras: Any
    ) -> None:
        super()._attach(node, persistent, regions, [])

    def region_at(self, index: Index) -> RegionNode | None:
        return self._node(index).region if index.isValid() else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        region = self.region_at(index)
        if role == Qt.ItemDataRole.DisplayRole and region is not None:
            return region.name  # camera counts mean nothing when picking a place
        return super().data(index, role)


class GridPicker(QDialog):
    """Pick a grid from the region tree (市 → 县 → 乡镇 → 村 → 网格)."""

    def __init__(self, regions: SurveillanceService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Choose the grid"))
        self.resize(theme.scaled(460), theme.scaled(560))
        self.model = _GridTreeModel(regions, self)
        self.tree = QTreeView()
        self.tree.setHeaderHidden(True)
        self.tree.setModel(self.model)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setEnabled(False)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.tree.doubleClicked.connect(self._double_clicked)
        hint = QLabel(self.tr("Open the tree down to a grid; only a grid can be chosen."))
        hint.setProperty("role", "muted")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.model.fetchMore(QModelIndex())

    def chosen(self) -> RegionNode | None:
        region = self.model.region_at(self.tree.currentIndex())
        return region if region is not None and region.level is RegionLevel.GRID else None

    def chosen_path(self) -> str:
        """The grid with its town and village, as an officer would say where it is."""
        names: list[str] = []
        index = self.tree.currentIndex()
        while index.isValid():
            region = self.model.region_at(index)
            if region is not None and region.level not in (RegionLevel.CITY, RegionLevel.COUNTY):
                names.append(region.name)
            index = index.parent()
        return " / ".join(reversed(names))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.ok.setEnabled(self.chosen() is not None)

    def _double_clicked(self, index: QModelIndex) -> None:
        if self.chosen() is not None:
            self.accept()

    def done(self, result: int) -> None:
        self.model.close()
        super().done(result)


class RegistrationForm(QWidget):
    """Registration of one petition; embed it beside the live call. Emits intent, holds no rules."""

    registered = Signal(int)
    draft_saved = Signal()

    def __init__(
        self,
        service: RegistrationService,
        regions: SurveillanceService,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("registration-form")
        self.setStyleSheet(STYLE)
        self._service = service
        self._regions = regions
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._on_failed)
        self._call_id: int | None = None
        self._ticket = ""
        self._grid: tuple[int, str] | None = None
        self._problems: dict[str, str] = {}
        self._touched: set[int] = set()
        self._filling = False
        self._closed = False
        self._ready = False
        self._registering = False
        self._load_gen = 0
        self._check_gen = 0
        self._repeat_keys: tuple[frozenset[str], frozenset[str]] | None = None
        self.repeat: CaseRow | None = None
        self.picker: GridPicker | None = None
        self.party_rows: list[PartyRow] = []

        self._autosave = QTimer(self)
        self._autosave.setSingleShot(True)
        self._autosave.setInterval(AUTOSAVE_MS)
        self._autosave.timeout.connect(self._save_now)

        self.banner = QLabel()
        self.banner.setProperty("role", "banner")
        self.banner.setWordWrap(True)
        self.banner.setVisible(False)

        # Parties
        self.parties_box = QVBoxLayout()
        self.parties_box.setSpacing(theme.scaled(4))
        self.parties_note = _note()
        self.add_party = QPushButton(self.tr("Add party"))
        self.add_party.clicked.connect(lambda: self._add_party(PartyDraft(PartyRole.RESPONDENT)))

        # The matter
        self.category = _code_combo(DisputeCategory, self.tr("— choose a category —"))
        self.urgency = _code_combo(Urgency)
        self.scale = _code_combo(EventScale)
        self.people = QSpinBox()
        self.people.setRange(0, reg.MAX_PEOPLE)
        self.occurred = QDateTimeEdit()
        self.occurred.setCalendarPopup(True)
        self.occurred.setDisplayFormat("yyyy-MM-dd HH:mm")
        # A wide range: the rule refuses impossible times with a reason instead of clamping them.
        self.occurred.setDateTimeRange(
            QDateTime(QDate(1900, 1, 1), QTime(0, 0)), QDateTime(QDate(2100, 1, 1), QTime(0, 0))
        )
        self.place = QLineEdit()
        self.place.setMaxLength(200)
        self.place.setPlaceholderText(self.tr("Street, building, landmark"))
        self.grid_button = QPushButton(self.tr("Choose grid…"))
        self.grid_button.clicked.connect(self.open_grid_picker)
        self.grid_label = QLabel(self.tr("No grid chosen"))
        self.grid_label.setProperty("role", "muted")
        self.clear_grid = QPushButton(self.tr("Clear"))
        self.clear_grid.clicked.connect(lambda: self._set_grid(None, touched=True))
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText(
            self.tr("What happened, what the caller asks for, what was tried already")
        )
        self.summary.setMinimumHeight(theme.scaled(110))

        self.notes: dict[str, tuple[QWidget, QLabel]] = {
            reg.FIELD_CATEGORY: (self.category, _note()),
            reg.FIELD_OCCURRED_AT: (self.occurred, _note()),
            reg.FIELD_PEOPLE_COUNT: (self.people, _note()),
            reg.FIELD_PLACE: (self.place, _note()),
            reg.FIELD_SUMMARY: (self.summary, _note()),
        }

        self.status = QLabel()
        self.status.setProperty("role", "muted")
        self.register_button = QPushButton(self.tr("Register"))
        self.register_button.setProperty("primary", True)
        self.register_button.setEnabled(False)
        self.register_button.clicked.connect(self.register)

        self.body = QWidget()
        self._lay_out()
        self._connect(self.category, self.urgency, self.scale, self.people, self.occurred)
        self._connect(self.place, self.summary)
        self._reset(RegistrationDraft())
        self.body.setEnabled(False)

    # --- layout

    def _with_note(self, key: str) -> QWidget:
        editor, note = self.notes[key]
        box = QWidget()
        v = QVBoxLayout(box)
        v.setContentsMargins(0, 0, 0, 0)
        v.setSpacing(1)
        v.addWidget(editor)
        v.addWidget(note)
        return box

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "section")
        return label

    def _lay_out(self) -> None:
        header = QWidget()
        h = QGridLayout(header)
        h.setContentsMargins(0, 0, 0, 0)
        titles = [
            self.tr("Role"),
            self.tr("Name"),
            self.tr("ID type"),
            self.tr("ID number"),
            self.tr("Phone"),
            self.tr("Address"),
            "",
        ]
        for col, title in enumerate(titles):
            label = QLabel(title)
            label.setProperty("role", "muted")
            h.addWidget(label, 0, col)
            key = list(PartyRow.WIDTHS)[col] if col < len(PartyRow.WIDTHS) else None
            if key:
                label.setFixedWidth(theme.scaled(PartyRow.WIDTHS[key]))
        h.setColumnStretch(5, 1)

        matter = QGridLayout()
        matter.setHorizontalSpacing(theme.scaled(12))
        matter.addWidget(QLabel(self.tr("Category")), 0, 0, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self._with_note(reg.FIELD_CATEGORY), 0, 1)
        matter.addWidget(QLabel(self.tr("Urgency")), 0, 2, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self.urgency, 0, 3, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(QLabel(self.tr("Scale")), 0, 4, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self.scale, 0, 5, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(QLabel(self.tr("Happened at")), 1, 0, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self._with_note(reg.FIELD_OCCURRED_AT), 1, 1)
        matter.addWidget(QLabel(self.tr("People involved")), 1, 2, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self._with_note(reg.FIELD_PEOPLE_COUNT), 1, 3, 1, 3)
        matter.addWidget(QLabel(self.tr("Place")), 2, 0, Qt.AlignmentFlag.AlignTop)
        place_row = QHBoxLayout()
        place_row.addWidget(self._with_note(reg.FIELD_PLACE), 1)
        place_row.addWidget(self.grid_button, 0, Qt.AlignmentFlag.AlignTop)
        place_row.addWidget(self.grid_label, 0, Qt.AlignmentFlag.AlignTop)
        place_row.addWidget(self.clear_grid, 0, Qt.AlignmentFlag.AlignTop)
        matter.addLayout(place_row, 2, 1, 1, 5)
        matter.addWidget(QLabel(self.tr("Summary")), 3, 0, Qt.AlignmentFlag.AlignTop)
        matter.addWidget(self._with_note(reg.FIELD_SUMMARY), 3, 1, 1, 5)
        matter.setColumnStretch(1, 2)
        matter.setColumnStretch(3, 1)
        matter.setColumnStretch(5, 1)

        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self._section(self.tr("Parties")))
        body.addWidget(header)
        body.addLayout(self.parties_box)
        body.addWidget(self.parties_note)
        add_row = QHBoxLayout()
        add_row.addWidget(self.add_party)
        add_row.addStretch(1)
        body.addLayout(add_row)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        body.addWidget(line)
        body.addWidget(self._section(self.tr("The matter")))
        body.addLayout(matter)
        body.addStretch(1)

        footer = QHBoxLayout()
        footer.addWidget(self.status, 1)
        footer.addWidget(self.register_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.body, 1)
        layout.addLayout(footer)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)

    def _connect(self, *editors: QWidget) -> None:
        for w in editors:
            if isinstance(w, QLineEdit):
                w.textChanged.connect(lambda _t, w=w: self._edited(w))
            elif isinstance(w, QPlainTextEdit):
                w.textChanged.connect(lambda w=w: self._edited(w))
            elif isinstance(w, QComboBox):
                w.currentIndexChanged.connect(lambda _i, w=w: self._edited(w))
            elif isinstance(w, QSpinBox):
                w.valueChanged.connect(lambda _v, w=w: self._edited(w))
            elif isinstance(w, QDateTimeEdit):
                w.dateTimeChanged.connect(lambda _v, w=w: self._edited(w))

    # --- parties

    def _add_party(self, party: PartyDraft, *, touched: bool = True) -> PartyRow:
        row = PartyRow(party, self.body)
        row.remove.clicked.connect(lambda: self._remove_party(row))
        self._connect(row.role, row.name, row.id_type, row.id_number, row.phone, row.address)
        self.party_rows.append(row)
        self.parties_box.addWidget(row)
        if touched and self.people.value() < len(self.party_rows):
            # Every party listed is a person involved; spare the officer the arithmetic.
            self.people.setValue(len(self.party_rows))
        self._update_remove_buttons()
        if touched:
            self._edited(None)
        return row

    def _remove_party(self, row: PartyRow) -> None:
        if len(self.party_rows) <= 1:
            return
        self.party_rows.remove(row)
        self.parties_box.removeWidget(row)
        self._touched -= {id(w) for w in row.editors().values()}  # ids get reused
        row.deleteLater()
        self._update_remove_buttons()
        self._edited(None)

    def _update_remove_buttons(self) -> None:
        for row in self.party_rows:
            row.remove.setEnabled(len(self.party_rows) > 1)

    # --- the draft in and out of the widgets

    def draft(self) -> RegistrationDraft:
        category = self.category.currentData()
        return RegistrationDraft(
            parties=tuple(r.party() for r in self.party_rows),
            category=DisputeCategory(category) if category else None,
            urgency=Urgency(self.urgency.currentData()),
            scale=EventScale(self.scale.currentData()),
            people_count=self.people.value(),
            occurred_at=_from_qt(self.occurred.dateTime()),
            place=self.place.text(),
            grid_id=self._grid[0] if self._grid else None,
            grid_name=self._grid[1] if self._grid else "",
            summary=self.summary.toPlainText(),
            call_id=self._call_id,
            call_ticket=self._ticket,
        )

    def _reset(self, d: RegistrationDraft) -> None:
        """Show a draft; fields holding something count as touched, so their problems show."""
        self._filling = True
        try:
            for row in self.party_rows:
                self.parties_box.removeWidget(row)
                row.deleteLater()
            self.party_rows = []
            for p in d.parties or (PartyDraft(),):
                self._add_party(p, touched=False)
            _select_code(self.category, d.category.code if d.category else None)
            _select_code(self.urgency, d.urgency.code)
            _select_code(self.scale, d.scale.code)
            self.people.setValue(d.people_count)
            self.occurred.setDateTime(_to_qt(d.occurred_at or utcnow()))
            self.place.setText(d.place)
            self.summary.setPlainText(d.summary)
            self._set_grid((d.grid_id, d.grid_name) if d.grid_id is not None else None)
        finally:
            self._filling = False
        self._touched = {
            id(w)
            for row in self.party_rows
            for w in row.editors().values()
            if isinstance(w, QLineEdit) and w.text().strip()
        }
        if d.category is not None:
            self._touched.add(id(self.category))
        # Time and head count always hold a value: whatever is wrong with it shows at once.
        self._touched |= {id(self.occurred), id(self.people)}
        if d.place.strip() or d.grid_id is not None:
            self._touched.add(id(self.place))
        if d.summary.strip():
            self._touched.add(id(self.summary))

    def _set_grid(self, grid: tuple[int, str] | None, *, touched: bool = False) -> None:
        self._grid = grid
        self.grid_label.setText(grid[1] if grid else self.tr("No grid chosen"))
        self.clear_grid.setVisible(grid is not None)
        if touched:
            self._edited(self.place)

    # --- loading a call's draft

    def load_for_call(
        self,
        call_id: int | None,
        caller_name: str = "",
        phone: str = "",
        id_number: str = "",
        ticket: str = "",
    ) -> None:
        """Show the draft of this call (None: a walk-in), or a new one prefilled from the call."""
        if self._autosave.isActive():
            self._save_now()  # the previous call's last second of typing
        self._load_gen += 1
        gen = self._load_gen
        self._ready = False
        self._registering = False
        self.body.setEnabled(False)
        self.register_button.setEnabled(False)
        self.banner.setVisible(False)
        self.repeat = None
        self._repeat_keys = None
        self.status.setText(self.tr("Loading…"))
        self._call_id, self._ticket = call_id, ticket

        def loaded(saved: RegistrationDraft | None) -> None:
            if gen != self._load_gen:
                return  # another call was opened meanwhile
            fresh = saved is None
            draft = saved or reg.prefilled(call_id, caller_name, phone, id_number, utcnow(), ticket)
            self._reset(draft)
            self._ready = True
            self.body.setEnabled(True)
            self.status.setText(self.tr("New registration") if fresh else self.tr("Draft restored"))
            self._check()
            if fresh:
                self._save_now()  # from the first moment, a vanished caller leaves a draft
            else:
                self._check_repeat(draft)

        self._start(self._service.load_draft(call_id), loaded)

    @property
    def ready(self) -> bool:
        return self._ready

    # --- edits, checks, autosave

    def _edited(self, editor: QWidget | None) -> None:
        if self._filling or not self._ready:
            return
        if editor is not None:
            self._touched.add(id(editor))
        self._autosave.start()  # restarts: saves one second after the last keystroke
        self._check()

    def _check(self) -> None:
        self._check_gen += 1
        gen = self._check_gen

        def checked(problems: dict[str, str]) -> None:
            if gen == self._check_gen:
                self._show_problems(problems)

        self._start(self._service.validate(self.draft()), checked)

    def problems(self) -> dict[str, str]:
        return dict(self._problems)

    def _show_problems(self, problems: dict[str, str]) -> None:
        self._problems = problems
        places: dict[str, tuple[QWidget | None, QLabel]] = {
            k: (w, n) for k, (w, n) in self.notes.items()
        }
        places[reg.FIELD_PARTIES] = (None, self.parties_note)
        for i, row in enumerate(self.party_rows):
            for name, widget in row.editors().items():
                places[reg.party_field(i, name)] = (widget, row.notes[name])
        for key, (editor, note) in places.items():
            text = problems.get(key, "")
            touched = editor is None or id(editor) in self._touched
            note.setText(text)
            note.setToolTip(text)
            note.setVisible(bool(text))
            _restyle(note, "note", "problem" if touched else "pending")
            if editor is not None:
                _restyle(editor, "problem", bool(text) and touched)
        ok = not problems and self._ready and not self._registering
        self.register_button.setEnabled(ok)
        self.register_button.setToolTip(
            "" if ok else self.tr("%n field(s) still need attention", "", len(problems))
        )

    def _save_now(self) -> None:
        self._autosave.stop()
        if not self._ready or self._registering:
            return
        draft = self.draft()

        def saved(_: object) -> None:
            stamp = to_local(utcnow())
            self.status.setText(self.tr("Draft saved at %1").replace("%1", f"{stamp:%H:%M:%S}"))
            self.draft_saved.emit()

        self._start(self._service.save_draft(draft), saved)
        self._check_repeat(draft)

    def _check_repeat(self, draft: RegistrationDraft) -> None:
        keys = reg.caller_keys(draft)
        if keys == self._repeat_keys:
            return
        self._repeat_keys = keys
        gen = self._load_gen

        def found(row: CaseRow | None) -> None:
            if gen == self._load_gen:
                self._show_repeat(row)

        self._start(self._service.repeat_case(draft), found)

    def _show_repeat(self, row: CaseRow | None) -> None:
        self.repeat = row
        self.banner.setVisible(row is not None)
        if row is None:
            return
        text = self.tr(
            "Repeat caller: case %1 “%2” (%3), registered %4. The new case will be linked to it."
        )
        for arg, value in (
            ("%1", row.number),
            ("%2", row.title),
            ("%3", row.state.label(current_lang())),
            ("%4", f"{to_local(row.created_at):%Y-%m-%d %H:%M}"),
        ):
            text = text.replace(arg, value)
        self.banner.setText(text)

    # --- grid picker

    def open_grid_picker(self) -> GridPicker:
        """Opens without blocking: the tree loads its levels while the dialog is up."""
        picker = GridPicker(self._regions, self)
        picker.accepted.connect(lambda: self._grid_chosen(picker))
        picker.finished.connect(lambda _result: self._picker_closed(picker))
        self.picker = picker
        picker.open()
        return picker

    def _picker_closed(self, picker: GridPicker) -> None:
        if self.picker is picker:
            self.picker = None
        picker.deleteLater()

    def _grid_chosen(self, picker: GridPicker) -> None:
        region = picker.chosen()
        if region is not None:
            self._set_grid((region.id, picker.chosen_path()), touched=True)

    # --- register

    def register(self) -> None:
        if not self._ready or self._registering or self._problems:
            return
        self._autosave.stop()
        self._registering = True
        self.register_button.setEnabled(False)
        self.status.setText(self.tr("Registering…"))
        draft = self.draft()

        async def attempt() -> tuple[int | None, dict[str, str]]:
            try:
                return await self._service.register(draft), {}
            except reg.DraftRefused as refused:
                return None, refused.problems

        self._start(attempt(), self._register_done)

    def _register_done(self, result: tuple[int | None, dict[str, str]]) -> None:
        case_id, problems = result
        if case_id is None:
            self._registering = False
            self._touched |= {id(w) for w, _ in self.notes.values()}
            self._show_problems(problems)
            self.status.setText(self.tr("Not registered: some fields need attention"))
            return
        # Done with this call: nothing more to save, nothing more to type here.
        self._ready = False
        self.body.setEnabled(False)
        self.status.setText(self.tr("Registered; the case is in the ledger"))
        self.registered.emit(case_id)

    def _on_failed(self, message: str) -> None:
        if self._closed:
            return
        if self._registering:
            self._registering = False
            self._show_problems(self._problems)
        self.status.setText(self.tr("Failed: %1").replace("%1", message))
        _restyle(self.status, "note", "problem")

    def _start(self, coro: Coroutine[Any, Any, T], on_done: Callable[[T], None]) -> None:
        def done(result: T) -> None:
            # A task can finish between close_form() and the callback: the widgets may be gone.
            if not self._closed:
                on_done(result)

        self._tasks.start(coro, done)

    # --- closing

    def close_form(self) -> None:
        """Save what is pending, then stop; the writer finishes the save after we are gone."""
        if self._autosave.isActive() and self._ready and not self._registering:
            self._autosave.stop()
            self._service.save_draft_detached(self.draft())
        self._closed = True
        self._tasks.cancel_all()
        if self.picker is not None:
            self.picker.reject()
