"""One case in detail: its card, its flow log, and the flow actions this operator may take now.

The widget shows state and emits intent: which actions exist, what each asks for and which
answers are acceptable all come from `core.case_flow`; performing one goes through
`CaseActions`, which checks again inside the write. A refusal is shown in words on the
card and nothing changes.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QDateTime, Qt, QTime, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core import case_flow
from console.core.case_flow import ActionArgs, Need
from console.core.clock import from_local, to_local, utcnow
from console.core.codes import (
    Channel,
    DeadlineStatus,
    FlowAction,
    Satisfaction,
    SupervisionLevel,
)
from console.core.events import ChangeSet, Entity
from console.services.case_actions import (
    ActionResult,
    CaseActions,
    CaseCard,
    CaseView,
    FlowLogEntry,
    MemberUnitRecord,
)
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.tables import make_table

# The steps that move a case forward get the primary colour; the rest are plain.
FORWARD = frozenset(
    {
        FlowAction.REPORT,
        FlowAction.ACCEPT,
        FlowAction.DIVERT,
        FlowAction.ASSIGN,
        FlowAction.START,
        FlowAction.RESUME,
        FlowAction.FEEDBACK,
        FlowAction.SUBMIT_REVIEW,
        FlowAction.CLOSE,
        FlowAction.EVALUATE,
    }
)
DEFAULT_ASSIGN_DAYS = 7
LOCAL_TIME_FORMAT = "yyyy-MM-dd HH:mm"


def _stamp(at: datetime | None) -> str:
    return f"{to_local(at):%Y-%m-%d %H:%M}" if at else "—"


class ActionDialog(QDialog):
    """Asks exactly what one flow action needs; refuses in words what core refuses."""

    def __init__(
        self,
        action: FlowAction,
        card: CaseCard,
        units: list[MemberUnitRecord],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.action = action
        self.setObjectName(f"action-dialog-{action.code}")
        lang = current_lang()
        self.setWindowTitle(f"{action.label(lang)} — {card.number}")
        self.setMinimumWidth(theme.scaled(520))
        wanted = case_flow.needs(action)
        form = QFormLayout()

        self.channel_box: QComboBox | None = None
        self.unit_box: QComboBox | None = None
        self.deadline_edit: QDateTimeEdit | None = None
        self.level_box: QComboBox | None = None
        self.success_box: QComboBox | None = None
        self.account_edit: QPlainTextEdit | None = None
        self.satisfaction_box: QComboBox | None = None

        if Need.CHANNEL in wanted:
            self.channel_box = self._choices([(c.label(lang), c) for c in Channel])
            form.addRow(self.tr("Channel"), self.channel_box)
        if Need.UNIT in wanted:
            self.unit_box = self._choices([(u.name, u.id) for u in units])
            label = (
                self.tr("Assisting unit")
                if action is FlowAction.ASSIST
                else self.tr("Responsible unit")
            )
            form.addRow(label, self.unit_box)
        if Need.DEADLINE in wanted:
            self.deadline_edit = QDateTimeEdit()
            self.deadline_edit.setCalendarPopup(True)
            self.deadline_edit.setDisplayFormat(LOCAL_TIME_FORMAT)
            now = utcnow()
            default = card.deadline
            if default is None or default <= now:
                default = now + timedelta(days=DEFAULT_ASSIGN_DAYS)
            self.set_deadline(default)
            form.addRow(self.tr("Deadline"), self.deadline_edit)
        if Need.LEVEL in wanted:
            levels = [s for s in SupervisionLevel if s is not SupervisionLevel.NONE]
            self.level_box = self._choices([(s.label(lang), s) for s in levels])
            form.addRow(self.tr("Supervision level"), self.level_box)
        if Need.SUCCESS in wanted:
            # A choice with no default: the operator must say which, never slip into one.
            self.success_box = self._choices(
                [(self.tr("Resolved"), True), (self.tr("Not resolved"), False)]
            )
            form.addRow(self.tr("Outcome"), self.success_box)
        if Need.ACCOUNT in wanted:
            self.account_edit = QPlainTextEdit()
            self.account_edit.setPlaceholderText(self.tr("How the dispute was handled and ended"))
            self.account_edit.setFixedHeight(theme.scaled(90))
            form.addRow(self.tr("Result account"), self.account_edit)
        if Need.SATISFACTION in wanted:
            self.satisfaction_box = self._choices([(s.label(lang), s) for s in Satisfaction])
            form.addRow(self.tr("Satisfaction"), self.satisfaction_box)

        self.opinion_edit = QPlainTextEdit()
        self.opinion_edit.setFixedHeight(theme.scaled(90))
        form.addRow(self._opinion_label(action), self.opinion_edit)

        self.refusal = QLabel()
        self.refusal.setObjectName("action-dialog-refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(f"color: {theme.ALERT};")
        self.refusal.hide()

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(action.label(lang))
        self.ok_button.setProperty("primary", True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("Cancel"))
        buttons.accepted.connect(self.try_accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        heading = QLabel(f"{card.number}  {card.title}")
        heading.setWordWrap(True)
        heading.setProperty("role", "muted")
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.refusal)
        layout.addWidget(buttons)

    def _opinion_label(self, action: FlowAction) -> str:
        if not case_flow.opinion_required(action):
            return self.tr("Opinion (optional)")
        if action in (FlowAction.VOID, FlowAction.REJECT, FlowAction.SUSPEND):
            return self.tr("Reason (required)")
        if action is FlowAction.FEEDBACK:
            return self.tr("What was done (required)")
        return self.tr("Opinion (required)")

    def _choices(self, items: list[tuple[str, object]]) -> QComboBox:
        box = QComboBox()
        box.addItem(self.tr("— choose —"), None)
        for text, data in items:
            box.addItem(text, data)
        return box

    # the answers

    # The editor holds the centre's wall-clock time as plain fields, whatever zone the
    # machine is set to; the store keeps naive UTC.

    def set_deadline(self, stored: datetime) -> None:
        assert self.deadline_edit is not None
        local = to_local(stored)
        self.deadline_edit.setDateTime(
            QDateTime(QDate(local.year, local.month, local.day), QTime(local.hour, local.minute))
        )

    def _deadline(self) -> datetime | None:
        if self.deadline_edit is None:
            return None
        shown = self.deadline_edit.dateTime()
        d, t = shown.date(), shown.time()
        return from_local(datetime(d.year(), d.month(), d.day(), t.hour(), t.minute()))

    def args(self) -> ActionArgs:
        return ActionArgs(
            opinion=self.opinion_edit.toPlainText(),
            channel=self.channel_box.currentData() if self.channel_box else None,
            target_unit_id=self.unit_box.currentData() if self.unit_box else None,
            deadline=self._deadline(),
            supervision=self.level_box.currentData() if self.level_box else None,
            success=self.success_box.currentData() if self.success_box else None,
            account=self.account_edit.toPlainText() if self.account_edit else "",
            satisfaction=self.satisfaction_box.currentData() if self.satisfaction_box else None,
        )

    def try_accept(self) -> None:
        """Accept only answers core would take; otherwise say why and stay open."""
        reasons = case_flow.check_arguments(self.action, self.args(), now=utcnow())
        if reasons:
            self.refusal.setText("\n".join(reasons))
            self.refusal.show()
            return
        self.accept()


class Chip(QLabel):
    """A small coloured fact on the case card (state, deadline, supervision)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)

    def show_fact(self, text: str, colour: str, *, filled: bool = False) -> None:
        pad_v, pad_h = theme.scaled(2), theme.scaled(8)
        fill = f"background: {colour}; color: #0b1622;" if filled else f"color: {colour};"
        self.setStyleSheet(
            f"{fill} border: 1px solid {colour}; border-radius: {theme.scaled(3)}px;"
            f" padding: {pad_v}px {pad_h}px; font-weight: bold;"
        )
        self.setText(text)
        self.show()


class CaseDetail(QWidget):
    """The case card, its flow log, and one button per action allowed now."""

    open_evidence = Signal(int)
    """The operator wants the case's evidence timeline (case id)."""
    action_done = Signal(int, str)
    """An action was performed (case id, FlowAction code): e.g. for the status bar."""

    LOG_COLUMNS = 5
    FITTED_COLUMNS = (0, 2, 3)
    """Time, person and unit fit their text; the step and the opinion share the rest."""

    def __init__(self, actions: CaseActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("case-detail")
        self._actions = actions
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._show_failure)
        self._case_id: int | None = None
        self._view: CaseView | None = None
        self._units: list[MemberUnitRecord] | None = None
        self._load_token = 0
        self._busy = False
        self.dialog: ActionDialog | None = None

        # the card
        card = QFrame()
        card.setObjectName("case-card")
        card.setProperty("role", "card")
        cv = QVBoxLayout(card)
        top = QHBoxLayout()
        self.number = QLabel("—")
        self.number.setProperty("role", "kpi-value")
        self.number.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.state_chip = Chip()
        self.supervision_chip = Chip()
        self.supervision_chip.hide()
        self.evidence_button = QPushButton(self.tr("Evidence"))
        self.evidence_button.setObjectName("case-evidence")
        self.evidence_button.clicked.connect(self._ask_evidence)
        top.addWidget(self.number)
        top.addWidget(self.state_chip)
        top.addWidget(self.supervision_chip)
        top.addStretch(1)
        top.addWidget(self.evidence_button)
        self.title = QLabel(self.tr("Choose a case in the ledger"))
        self.title.setWordWrap(True)
        self.title.setStyleSheet("font-weight: bold;")

        facts = QGridLayout()
        facts.setHorizontalSpacing(theme.scaled(16))
        self.category = QLabel("—")
        self.deadline = Chip()
        self.unit = QLabel("—")
        self.unit.setWordWrap(True)
        self.parties = QLabel("—")
        self.channel = QLabel("—")
        self.result = QLabel("")
        self.result.setWordWrap(True)
        for i, (name, value) in enumerate(
            (
                (self.tr("Category"), self.category),
                (self.tr("Deadline"), self.deadline),
                (self.tr("Responsible unit"), self.unit),
                (self.tr("Parties"), self.parties),
                (self.tr("Channel"), self.channel),
            )
        ):
            label = QLabel(name)
            label.setProperty("role", "muted")
            row, col = divmod(i, 3)
            facts.addWidget(label, row * 2, col)
            facts.addWidget(value, row * 2 + 1, col, alignment=Qt.AlignmentFlag.AlignLeft)
        for col in range(3):
            facts.setColumnStretch(col, 1)

        self.refusal = QLabel()
        self.refusal.setObjectName("case-refusal")
        self.refusal.setWordWrap(True)
        self.refusal.setStyleSheet(
            f"color: {theme.ALERT}; border: 1px solid {theme.ALERT};"
            f" border-radius: {theme.scaled(3)}px; padding: {theme.scaled(6)}px;"
        )
        self.refusal.hide()

        self.action_bar = QHBoxLayout()
        self.buttons: dict[FlowAction, QPushButton] = {}
        lang = current_lang()
        for action in FlowAction:
            button = QPushButton(action.label(lang))
            button.setObjectName(f"case-action-{action.code}")
            if action in FORWARD:
                button.setProperty("primary", True)
            button.clicked.connect(lambda _c=False, a=action: self.ask(a))
            button.hide()
            self.buttons[action] = button
            self.action_bar.addWidget(button)
        self.action_bar.addStretch(1)
        self.no_actions = QLabel(self.tr("No action is open to you in this state."))
        self.no_actions.setProperty("role", "muted")
        self.no_actions.hide()
        self.action_bar.insertWidget(0, self.no_actions)

        cv.addLayout(top)
        cv.addWidget(self.title)
        cv.addLayout(facts)
        cv.addWidget(self.result)
        cv.addWidget(self.refusal)
        cv.addLayout(self.action_bar)

        # the flow log
        self.log_model = QStandardItemModel(0, self.LOG_COLUMNS, self)
        self.log_model.setHorizontalHeaderLabels(
            [self.tr("Time"), self.tr("Action"), self.tr("By"), self.tr("Unit"), self.tr("Opinion")]
        )
        self.log_view = make_table(self.log_model, self, stretch_column=4)
        self.log_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.log_view.setObjectName("case-flow-log")
        log_label = QLabel(self.tr("Case flow"))
        log_label.setProperty("role", "section")

        layout = QVBoxLayout(self)
        layout.addWidget(card)
        layout.addWidget(log_label)
        layout.addWidget(self.log_view, 1)
        self._set_enabled(False)

    # showing a case

    @property
    def case_id(self) -> int | None:
        return self._case_id

    @property
    def view(self) -> CaseView | None:
        return self._view

    def show_case(self, case_id: int) -> None:
        if case_id != self._case_id:
            self.refusal.hide()
            self._close_dialog()
        self._case_id = case_id
        self.reload()
        if self._units is None:
            self._tasks.start(self._actions.member_units(), self._use_units)

    def reload(self) -> None:
        if self._case_id is None:
            return
        self._load_token += 1
        token, case_id = self._load_token, self._case_id

        def show(view: CaseView | None) -> None:
            if token == self._load_token:
                self._render(case_id, view)

        self._tasks.start(self._actions.view(case_id), show)

    def apply_changes(self, changes: ChangeSet) -> None:
        if self._case_id is None:
            return
        if changes.touches(Entity.UNIT):
            self._units = None
            self._tasks.start(self._actions.member_units(), self._use_units)
        touched = changes.ids_of(Entity.CASE) | changes.ids_of(Entity.FLOW_STEP)
        # Party and user changes carry their own ids: any may be this case's (count, names).
        others = changes.touches(Entity.PARTY) or changes.touches(Entity.USER)
        if self._case_id in touched or others:
            self.reload()

    def _use_units(self, units: list[MemberUnitRecord]) -> None:
        self._units = units

    def _render(self, case_id: int, view: CaseView | None) -> None:
        self._view = view
        if view is None:
            self.number.setText("—")
            self.title.setText(self.tr("Case {id} does not exist.").format(id=case_id))
            self.state_chip.hide()
            self.supervision_chip.hide()
            self._fill_log([])
            self._show_actions(())
            self._set_enabled(False)
            return
        self._set_enabled(True)
        lang = current_lang()
        card = view.card
        self.number.setText(card.number)
        self.title.setText(card.title)
        self.state_chip.show_fact(card.state.label(lang), theme.ACCENT)
        if card.supervision is SupervisionLevel.NONE:
            self.supervision_chip.hide()
        else:
            colour = theme.SUPERVISION_COLOURS[card.supervision.code]
            self.supervision_chip.show_fact(
                self.tr("Supervised: {level}").format(level=card.supervision.label(lang)),
                colour,
                filled=True,
            )
        self.category.setText(card.category.label(lang))
        status = card.deadline_status
        if card.deadline is None and status is DeadlineStatus.NORMAL:
            # Not accepted yet: no deadline runs, so nothing is "normal" about it either.
            self.deadline.show_fact(self.tr("Not set until accepted"), theme.MUTED)
        else:
            deadline_text = (
                f"{_stamp(card.deadline)}  {status.label(lang)}"
                if card.deadline
                else status.label(lang)
            )
            self.deadline.show_fact(deadline_text, theme.DEADLINE_COLOURS[status.code])
        self.unit.setText(card.responsible_unit or "—")
        self.parties.setText(str(card.parties))
        self.channel.setText(card.channel.label(lang) if card.channel else "—")
        self.result.setText(self._result_text(card))
        self.result.setVisible(bool(self.result.text()))
        self._fill_log(view.log)
        self._show_actions(view.actions)

    def _result_text(self, card: CaseCard) -> str:
        lines = []
        if card.success is not None:
            outcome = self.tr("Resolved") if card.success else self.tr("Not resolved")
            lines.append(f"{outcome}: {card.result_account}")
        if card.review_opinion:
            lines.append(self.tr("Evaluation: {text}").format(text=card.review_opinion))
        if card.void_reason:
            lines.append(self.tr("Voided: {reason}").format(reason=card.void_reason))
        return "\n".join(lines)

    def _fill_log(self, log: tuple[FlowLogEntry, ...] | list[FlowLogEntry]) -> None:
        lang = current_lang()
        self.log_model.removeRows(0, self.log_model.rowCount())
        for entry in log:
            what = entry.action.label(lang)
            if entry.channel is not None:
                what += f" · {entry.channel.label(lang)}"
            if entry.target_unit:
                what += f" → {entry.target_unit}"
            if entry.deadline is not None:
                due = f"{to_local(entry.deadline):%m-%d %H:%M}"
                what += self.tr(" (due {time})").format(time=due)
            cells = [_stamp(entry.at), what, entry.actor, entry.unit, entry.opinion]
            items = []
            for text in cells:
                item = QStandardItem(text)
                item.setToolTip(text)
                items.append(item)
            self.log_model.appendRow(items)
        for column in self.FITTED_COLUMNS:
            self.log_view.resizeColumnToContents(column)
            width = self.log_view.columnWidth(column)
            self.log_view.setColumnWidth(column, width + theme.scaled(12))
        if log:
            self.log_view.scrollToBottom()

    def _show_actions(self, allowed: tuple[FlowAction, ...]) -> None:
        for action, button in self.buttons.items():
            button.setVisible(action in allowed)
            button.setEnabled(not self._busy)
        self.no_actions.setVisible(self._view is not None and not allowed)

    def _set_enabled(self, on: bool) -> None:
        self.evidence_button.setEnabled(on)

    def visible_actions(self) -> tuple[FlowAction, ...]:
        return tuple(a for a, b in self.buttons.items() if not b.isHidden())

    # acting

    def ask(self, action: FlowAction) -> ActionDialog | None:
        """Open the dialog for `action`; on OK the action is performed."""
        if self._view is None or self._case_id is None:
            return None
        self._close_dialog()
        dialog = ActionDialog(action, self._view.card, self._units or [], self)
        case_id = self._case_id
        dialog.accepted.connect(lambda: self.perform(case_id, action, dialog.args()))
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialog = dialog
        dialog.open()
        return dialog

    def perform(self, case_id: int, action: FlowAction, args: ActionArgs) -> None:
        self._busy = True
        for button in self.buttons.values():
            button.setEnabled(False)

        def done(outcome: tuple[ActionResult, ChangeSet | None]) -> None:
            self._busy = False
            result, _changes = outcome
            if case_id != self._case_id:
                return
            if result.refusals:
                self._show_refusal(action, result.refusals)
            else:
                self.refusal.hide()
                self.action_done.emit(case_id, action.code)
            self.reload()

        self._tasks.start(self._actions.perform(case_id, action, args), done)

    def _show_refusal(self, action: FlowAction, reasons: tuple[str, ...]) -> None:
        head = self.tr("“{action}” was refused:").format(action=action.label(current_lang()))
        self.refusal.setText("\n".join((head, *reasons)))
        self.refusal.show()

    def _show_failure(self, message: str) -> None:
        self._busy = False
        self.refusal.setText(
            self.tr("The store could not be reached: {error}").format(error=message)
        )
        self.refusal.show()
        if self._view is not None:
            self._show_actions(self._view.actions)

    def _ask_evidence(self) -> None:
        if self._case_id is not None:
            self.open_evidence.emit(self._case_id)

    def _forget(self, dialog: ActionDialog) -> None:
        if self.dialog is dialog:
            self.dialog = None
        dialog.deleteLater()

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()

    def close_panel(self) -> None:
        self._close_dialog()
        self._tasks.cancel_all()
