"""The agreement editor of a mediation room: fields while unsigned, signatures, PDF, outcome.

The rules (what may be edited, who may sign, what the outcome does to the case) live in
`core.agreement` and the service; this widget shows the agreement, sends what the mediator
did, and says why the service refused. `agreement_changed(id)` tells the room to show the
new version on the parties' pages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from console.core.agreement import (
    NEW_PARTY_KEY,
    AgreementContent,
    AgreementParty,
    AgreementRecord,
)
from console.core.clock import to_local
from console.core.codes import Channel, IdType, MediationOutcome, PartyRole
from console.core.events import ChangeSet, Entity
from console.services.agreements import AgreementService
from console.ui.i18n import current_lang
from console.ui.mediation.signature_pad import SignatureDialog
from console.ui.tasks import TaskGroup

PARTY_COLUMNS = ("side", "name", "id_type", "id_number", "address", "phone")
TEXT_FIELDS = ("facts", "disputed_matters", "responsibilities", "agreed_terms")


def _combo(table: type[PartyRole] | type[IdType], code: str) -> QComboBox:
    combo = QComboBox()
    for member in table:
        combo.addItem(member.label(current_lang()), member.code)
    combo.setCurrentIndex(max(0, combo.findData(code)))
    return combo


class AgreementEditor(QWidget):
    agreement_changed = Signal(int)

    def __init__(self, service: AgreementService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("agreement-editor")
        self._service = service
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._show_failure)
        self.record: AgreementRecord | None = None
        self.sign_dialog: SignatureDialog | None = None
        self._party_keys: list[str] = []

        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "banner")
        self.notice.setVisible(False)
        self.number = QLabel("—")
        self.number.setProperty("role", "section")
        self.committee = QLineEdit()
        self.case_label = QLabel("—")
        self.mediators = QLabel("—")
        self.parties = QTableWidget(0, len(PARTY_COLUMNS))
        self.parties.setHorizontalHeaderLabels(
            [
                self.tr("Side"),
                self.tr("Name"),
                self.tr("ID type"),
                self.tr("ID number"),
                self.tr("Address"),
                self.tr("Phone"),
            ]
        )
        header = self.parties.horizontalHeader()
        # ID numbers and addresses must read in full: they are what a party checks first.
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        for wide in (3, 4):
            header.setSectionResizeMode(wide, QHeaderView.ResizeMode.Stretch)
        self.texts = {name: QPlainTextEdit() for name in TEXT_FIELDS}
        self.performance_manner = QLineEdit()
        self.performance_place = QLineEdit()
        self.performance_deadline = QDateEdit()
        self.performance_deadline.setCalendarPopup(True)
        self.performance_deadline.setDisplayFormat("yyyy-MM-dd")
        self.copies = QSpinBox()
        self.copies.setRange(1, 20)
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setProperty("note", "problem")
        self.signatures = QListWidget()
        self.after = QLabel()
        self.after.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Committee"), self.committee)
        form.addRow(self.tr("Case"), self.case_label)
        form.addRow(self.tr("Mediators"), self.mediators)
        party_buttons = QHBoxLayout()
        self.add_party_button = self._button(party_buttons, self.tr("Add party"), self.add_party)
        self.remove_party_button = self._button(
            party_buttons, self.tr("Remove party"), self.remove_party
        )
        party_buttons.addStretch(1)
        form.addRow(self.tr("Parties"), self.parties)
        form.addRow("", party_buttons)
        labels = {
            "facts": self.tr("Facts of the dispute"),
            "disputed_matters": self.tr("Disputed matters"),
            "responsibilities": self.tr("Responsibilities"),
            "agreed_terms": self.tr("Agreed terms"),
        }
        for name, edit in self.texts.items():
            edit.setFixedHeight(70)
            form.addRow(labels[name], edit)
        form.addRow(self.tr("Manner of performance"), self.performance_manner)
        form.addRow(self.tr("Place of performance"), self.performance_place)
        form.addRow(self.tr("Performance deadline"), self.performance_deadline)
        form.addRow(self.tr("Copies"), self.copies)
        form.addRow(self.problems)
        form.addRow(self.tr("Signatures"), self.signatures)
        form.addRow(self.after)
        body = QWidget()
        body.setLayout(form)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(body)

        buttons = QHBoxLayout()
        self.save_button = self._button(buttons, self.tr("Save"), self.save)
        self.sign_button = self._button(buttons, self.tr("Sign as mediator"), self.sign_as_mediator)
        self.party_sign_button = self._button(
            buttons, self.tr("Party signs here"), self.sign_for_party
        )
        self.export_button = self._button(buttons, self.tr("Export PDF"), self.export_pdf)
        self.success_button = self._button(
            buttons, self.tr("Mediation succeeded"), self.record_success
        )
        self.failure_button = self._button(
            buttons, self.tr("Mediation failed"), self.record_failure
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.number)
        layout.addWidget(self.notice)
        layout.addWidget(scroll, 1)
        layout.addLayout(buttons)
        self._set_enabled(False)

    @staticmethod
    def _button(row: QHBoxLayout, text: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text)
        # clicked(bool) would land in the slot's first parameter: call it without arguments.
        button.clicked.connect(lambda: slot())
        row.addWidget(button)
        return button

    # --- loading and showing

    def show_for_room(self, case_id: int, room_id: int | None) -> None:
        """Show the case's agreement, drafting one from the case the first time."""

        async def load() -> tuple[AgreementRecord, dict[str, str]]:
            record = await self._service.draft_for_case(case_id, room_id)
            return record, await self._service.problems(record.id)

        self._tasks.start(load(), self._saved_or_loaded)

    def reload(self) -> None:
        if self.record is not None:
            self._tasks.start(self._service.get(self.record.id), self._show)

    def apply_changes(self, changes: ChangeSet) -> None:
        """Signatures from the parties' pages arrive through the store: show them."""
        if self.record is not None and self.record.id in changes.ids_of(Entity.AGREEMENT):
            self.reload()

    def _show(self, record: AgreementRecord) -> None:
        self.record = record
        c = record.content
        lang = current_lang()
        self.number.setText(self.tr("People's mediation agreement %1").replace("%1", c.number))
        self.committee.setText(c.committee)
        room = f" · {record.room_name}" if record.room_name else ""
        self.case_label.setText(f"{c.case_number} {record.category_zh}{room}")
        self.mediators.setText("、".join(m.name for m in c.mediators) or "—")
        self._party_keys = []
        self.parties.setRowCount(0)
        for p in c.parties:
            self._append_party(p)
        for name, edit in self.texts.items():
            edit.setPlainText(getattr(c, name))
        self.performance_manner.setText(c.performance_manner)
        self.performance_place.setText(c.performance_place)
        d = c.performance_deadline or date.today()
        self.performance_deadline.setDate(QDate(d.year, d.month, d.day))
        self.copies.setValue(c.copies)
        self.signatures.clear()
        for s in record.signatures:
            self.signatures.addItem(
                f"{s.signer_name} · {s.role.label(lang)} · "
                f"{to_local(s.signed_at):%Y-%m-%d %H:%M:%S} · {s.image_sha256[:12]}"
            )
        self._show_after(record)
        self._set_enabled(True)

    def _append_party(self, p: AgreementParty) -> None:
        row = self.parties.rowCount()
        self.parties.insertRow(row)
        self._party_keys.append(p.key)
        self.parties.setCellWidget(row, 0, _combo(PartyRole, p.side.code))
        self.parties.setCellWidget(row, 2, _combo(IdType, p.id_type.code))
        for col, value in ((1, p.name), (3, p.id_number), (4, p.address), (5, p.phone)):
            self.parties.setItem(row, col, QTableWidgetItem(value))

    def add_party(self) -> None:
        """A row for someone not yet a party of the case; saving registers them on it."""
        self._append_party(AgreementParty(NEW_PARTY_KEY, PartyRole.RESPONDENT, ""))

    def remove_party(self) -> None:
        row = self.parties.currentRow()
        if 0 <= row < self.parties.rowCount():
            self.parties.removeRow(row)
            del self._party_keys[row]

    def _show_after(self, record: AgreementRecord) -> None:
        lang = current_lang()
        parts = [self.tr("State: %1").replace("%1", record.state.label(lang))]
        if record.judicial_deadline is not None:
            parts.append(
                self.tr("Judicial confirmation by %1").replace(
                    "%1", f"{to_local(record.judicial_deadline):%Y-%m-%d}"
                )
            )
        if record.follow_ups:
            days = ", ".join(f"{to_local(f.due_at):%m-%d}" for f in record.follow_ups)
            parts.append(self.tr("Follow-up visits: %1").replace("%1", days))
        if record.outcome is not None:
            parts.append(record.outcome.label(lang))
        self.after.setText(" · ".join(parts))
        if not record.editable:
            self.notice.setText(
                self.tr(
                    "Signed by %n person(s): the agreement can no longer be edited.",
                    "",
                    len(record.signatures),
                )
                if record.signatures
                else self.tr("This agreement is closed to editing.")
            )
        self.notice.setVisible(not record.editable)

    def _set_enabled(self, loaded: bool) -> None:
        record = self.record
        editable = loaded and record is not None and record.editable
        for w in (
            self.committee,
            self.performance_manner,
            self.performance_place,
            self.performance_deadline,
            self.copies,
            *self.texts.values(),
        ):
            w.setEnabled(editable)
        for w in (self.parties, self.add_party_button, self.remove_party_button):
            w.setEnabled(editable)
        self.save_button.setEnabled(editable)
        concluded = record is not None and record.outcome is not None
        for b in (
            self.sign_button,
            self.party_sign_button,
            self.success_button,
            self.failure_button,
        ):
            b.setEnabled(loaded and not concluded)
        self.export_button.setEnabled(loaded)

    # --- what the mediator does

    def content(self) -> AgreementContent:
        """The content as typed, for the service to check and store."""
        assert self.record is not None
        parties = []
        for row, key in enumerate(self._party_keys):
            side, id_type = self.parties.cellWidget(row, 0), self.parties.cellWidget(row, 2)
            assert isinstance(side, QComboBox) and isinstance(id_type, QComboBox)

            def cell(col: int, row: int = row) -> str:
                item = self.parties.item(row, col)
                return item.text().strip() if item is not None else ""

            parties.append(
                AgreementParty(
                    key,
                    PartyRole(side.currentData()),
                    cell(1),
                    IdType(id_type.currentData()),
                    cell(3),
                    cell(4),
                    cell(5),
                )
            )
        d = self.performance_deadline.date()
        return dataclasses.replace(
            self.record.content,
            committee=self.committee.text().strip(),
            parties=tuple(parties),
            performance_manner=self.performance_manner.text().strip(),
            performance_place=self.performance_place.text().strip(),
            performance_deadline=date(d.year(), d.month(), d.day()),
            copies=self.copies.value(),
            facts=self._text("facts"),
            disputed_matters=self._text("disputed_matters"),
            responsibilities=self._text("responsibilities"),
            agreed_terms=self._text("agreed_terms"),
        )

    def _text(self, name: str) -> str:
        return self.texts[name].toPlainText().strip()

    def save(self) -> None:
        if self.record is None:
            return
        record_id = self.record.id

        async def run() -> tuple[AgreementRecord, dict[str, str]]:
            saved = await self._service.update(record_id, self.content())
            return saved, await self._service.problems(record_id)

        self._tasks.start(run(), lambda result: self._saved_or_loaded(result, changed=True))

    def _saved_or_loaded(
        self, result: tuple[AgreementRecord, dict[str, str]], changed: bool = False
    ) -> None:
        record, problems = result
        self._show(record)
        # What is still missing matters only while the agreement can be edited.
        self.problems.setText("\n".join(problems.values()) if record.editable else "")
        if changed:
            self.agreement_changed.emit(record.id)

    def sign_as_mediator(self) -> None:
        self._open_pad(self.tr("Mediator's signature"), None)

    def sign_for_party(self) -> None:
        """A party present at the console signs on a tablet: choose who, then draw."""
        if self.record is None:
            return
        done = {s.signer_key for s in self.record.signatures}
        lang = current_lang()
        signers = [
            (p.key, f"{p.side.label(lang)} {p.name}")
            for p in self.record.content.parties
            if p.key not in done
        ]
        if signers:
            self._open_pad(self.tr("Party's signature"), signers)

    def _open_pad(self, title: str, signers: list[tuple[str, str]] | None) -> None:
        if self.record is None:
            return
        self.sign_dialog = SignatureDialog(title, signers, self)
        self.sign_dialog.accepted.connect(self._signature_drawn)
        self.sign_dialog.open()

    def _signature_drawn(self) -> None:
        dialog, record = self.sign_dialog, self.record
        if dialog is None or record is None:
            return
        image, key, seen = dialog.pad.png(), dialog.signer_key(), record.content_sha256
        if key:
            names = {p.key: p.name for p in record.content.parties}
            signing = self._service.sign(record.id, key, names.get(key, ""), None, image, seen)
        else:
            signing = self._service.sign_as_mediator(record.id, image, seen)
        self._tasks.start(signing, lambda _sig: self._changed(record.id))

    def export_pdf(self, path: Path | None = None) -> None:
        if self.record is None:
            return
        if path is None:
            name, _ = QFileDialog.getSaveFileName(
                self,
                self.tr("Export agreement"),
                f"{self.record.content.number}.pdf",
                "PDF (*.pdf)",
            )
            if not name:
                return
            path = Path(name)
        self._tasks.start(
            self._service.export_pdf(self.record.id, path),
            lambda done: self._say(self.tr("Exported to %1").replace("%1", str(done.path))),
        )

    def record_success(self) -> None:
        if self.record is not None:
            record_id = self.record.id
            self._tasks.start(
                self._service.record_outcome(record_id, MediationOutcome.SUCCESS),
                lambda _a: self._changed(record_id),
            )

    def record_failure(self, channel: Channel | None = None) -> None:
        if self.record is None:
            return
        if channel is None:
            lang = current_lang()
            names = [c.label(lang) for c in Channel]
            chosen, ok = QInputDialog.getItem(
                self, self.tr("Mediation failed"), self.tr("Refer the dispute to"), names, 0, False
            )
            if not ok:
                return
            channel = list(Channel)[names.index(chosen)]
        record_id = self.record.id
        self._tasks.start(
            self._service.record_outcome(record_id, MediationOutcome.FAILED, channel=channel),
            lambda _a: self._changed(record_id),
        )

    def _changed(self, agreement_id: int) -> None:
        self.reload()
        self.agreement_changed.emit(agreement_id)

    def _say(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(True)

    def _show_failure(self, message: str) -> None:
        self._say(self.tr("Refused: %1").replace("%1", message))

    def close_editor(self) -> None:
        self._tasks.cancel_all()
        if self.sign_dialog is not None:
            self.sign_dialog.reject()
