"""The agreement editor as a mediator uses it: fill in, save, lock, sign, export, outcome."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QDialogButtonBox, QPlainTextEdit
from sqlalchemy import select

from console.core.agreement import AgreementRecord
from console.core.codes import (
    AgreementState,
    Channel,
    FlowAction,
    IdType,
    MediationOutcome,
    PartyRole,
    Role,
    Sex,
)
from console.services import auth
from console.services.agreements import AgreementService
from console.services.operator import Operator
from console.store.models import Party, Room
from console.store.repos import cases
from console.ui.mediation.agreement_editor import AgreementEditor
from tests.core.test_agreement import resident_id
from tests.services.test_agreements import signature_png
from tests.ui.conftest import Workspace, run_until


@pytest.fixture
def mediator(workspace: Workspace) -> Operator:
    return Operator(
        auth.add_user_sync(
            workspace.store,
            username="med",
            display_name="李调解",
            role=Role.MEDIATOR,
            password="password-123",
        )
    )


@pytest.fixture
def room_case(workspace: Workspace) -> tuple[int, int]:
    case_id = workspace.case_ids[0]

    def add(session):  # type: ignore[no-untyped-def]
        for role, name, body in (
            (PartyRole.APPLICANT, "张三", "11010519800101001"),
            (PartyRole.RESPONDENT, "王五", "11010519850505002"),
        ):
            session.add(
                Party(
                    case_id=case_id,
                    role=role.code,
                    name=name,
                    id_type=IdType.RESIDENT_ID.code,
                    id_number=resident_id(body),
                    sex=Sex.UNKNOWN.code,
                    phone="13800138000",
                    address="城关镇幸福路1号",
                )
            )
        return session.scalar(select(Room.id).where(Room.case_id == case_id)), None

    room_id = workspace.store.write_sync(add)[0]
    duty = workspace.duty
    workspace.store.write_sync(
        lambda s: (
            cases.advance(s, case_id, FlowAction.ASSIGN, actor_id=duty.id, role=duty.role),
            None,
        )
    )
    return case_id, room_id


def _editor(qtbot, qloop, workspace: Workspace, mediator: Operator) -> AgreementEditor:  # type: ignore[no-untyped-def]
    editor = AgreementEditor(AgreementService(workspace.store, mediator))
    qtbot.addWidget(editor)
    editor.resize(900, 900)
    editor.show()
    # The feed publishes on the writer thread; the console hands change sets to the GUI
    # thread through the loop, as here.
    workspace.store.feed.subscribe(
        lambda changes: qloop.call_soon_threadsafe(editor.apply_changes, changes)
    )
    return editor


def _loaded(editor: AgreementEditor) -> AgreementRecord:
    assert editor.record is not None
    return editor.record


def _fill_in(editor: AgreementEditor) -> None:
    editor.texts["agreed_terms"].setPlainText("王五于十日内赔偿张三人民币伍仟元整。")
    editor.texts["responsibilities"].setPlainText("王五承担全部责任。")
    editor.performance_manner.setText("银行转账")
    editor.performance_deadline.setDate(editor.performance_deadline.date().addDays(10))


def test_fill_in_save_lock_sign_export_and_succeed(  # type: ignore[no-untyped-def]
    qtbot,
    qloop,
    workspace: Workspace,
    mediator: Operator,
    room_case: tuple[int, int],
    tmp_path: Path,
) -> None:
    case_id, room_id = room_case
    editor = _editor(qtbot, qloop, workspace, mediator)
    changed: list[int] = []
    editor.agreement_changed.connect(changed.append)
    editor.show_for_room(case_id, room_id)
    run_until(qloop, lambda: editor.record is not None)
    record = _loaded(editor)
    assert record.content.room_id == room_id and "邻里纠纷调解室" in editor.case_label.text()
    assert editor.parties.rowCount() == 2 and editor.parties.item(0, 1).text() == "张三"
    assert editor.texts["facts"].toPlainText() == "拖欠工资0万元"
    assert record.content.number in editor.number.text()
    assert editor.save_button.isEnabled() and not editor.notice.isVisible()

    _fill_in(editor)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    run_until(qloop, lambda: changed == [record.id])
    saved = _loaded(editor)
    assert saved.content.agreed_terms == "王五于十日内赔偿张三人民币伍仟元整。"
    assert saved.content_sha256 != record.content_sha256
    assert editor.problems.text() == ""

    # A party signs from their page (through the service, as the room does): the editor locks.
    service = AgreementService(workspace.store, mediator)
    applicant, respondent = saved.content.parties
    qloop.run_until_complete(
        service.sign(
            saved.id, applicant.key, "张三", None, signature_png("a"), saved.content_sha256
        )
    )
    run_until(qloop, lambda: editor.signatures.count() == 1)
    assert editor.notice.isVisible() and "no longer be edited" in editor.notice.text()
    assert not editor.save_button.isEnabled() and not editor.texts["facts"].isEnabled()
    assert "张三" in editor.signatures.item(0).text()
    assert _loaded(editor).signatures[0].image_sha256[:12] in editor.signatures.item(0).text()
    assert changed == [record.id]  # the page's signature was not this editor's doing

    # The other party signs on a tablet at the console: only those yet to sign are offered.
    editor.sign_for_party()
    tablet = editor.sign_dialog
    assert tablet is not None and tablet.signer.count() == 1
    assert tablet.signer_key() == respondent.key and "王五" in tablet.signer.currentText()
    qtbot.mousePress(tablet.pad, Qt.MouseButton.LeftButton, pos=QPoint(30, 30))
    qtbot.mouseMove(tablet.pad, QPoint(300, 120))
    qtbot.mouseRelease(tablet.pad, Qt.MouseButton.LeftButton, pos=QPoint(300, 120))
    tablet.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    run_until(qloop, lambda: editor.signatures.count() == 2)
    assert changed == [record.id, record.id]
    assert "王五" in editor.signatures.item(1).text()

    # The mediator draws a signature on the pad.
    qtbot.mouseClick(editor.sign_button, Qt.MouseButton.LeftButton)
    dialog = editor.sign_dialog
    assert dialog is not None and dialog.isVisible()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    assert dialog.isVisible()  # an empty pad is no signature
    pad = dialog.pad
    qtbot.mousePress(pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 120))
    for x, y in ((80, 30), (160, 130), (260, 40), (400, 110)):
        qtbot.mouseMove(pad, QPoint(x, y))
    qtbot.mouseRelease(pad, Qt.MouseButton.LeftButton, pos=QPoint(400, 110))
    drawn = pad.png()
    assert drawn.startswith(b"\x89PNG") and not pad.is_empty()
    # The strokes are on the picture: dark pixels along the drawn line.
    picture = Image.open(io.BytesIO(drawn)).convert("L")
    assert picture.getextrema()[0] < 64
    assert sum(picture.histogram()[:128]) > 300
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    run_until(qloop, lambda: editor.signatures.count() == 3)
    signed = _loaded(editor)
    assert signed.state is AgreementState.SIGNED and signed.judicial_deadline is not None
    mine = [sig for sig in signed.signatures if sig.signer_key == f"mediator:{mediator.id}"]
    assert [sig.image_sha256 for sig in mine] == [hashlib.sha256(drawn).hexdigest()]
    assert "Judicial confirmation by" in editor.after.text()
    assert "Follow-up visits" in editor.after.text()
    assert qloop.run_until_complete(service.verify(signed.id)).ok

    path = tmp_path / "agreement.pdf"
    editor.export_pdf(path)
    run_until(qloop, lambda: "Exported to" in editor.notice.text(), timeout=60)
    text = re.sub(r"\s+", "", "".join(p.extract_text() for p in PdfReader(path).pages))
    assert signed.content.number in text and signed.signatures[2].image_sha256 in text

    qtbot.mouseClick(editor.success_button, Qt.MouseButton.LeftButton)
    run_until(qloop, lambda: _loaded(editor).outcome is MediationOutcome.SUCCESS)
    assert not editor.success_button.isEnabled() and not editor.sign_button.isEnabled()
    assert editor.export_button.isEnabled()
    editor.close_editor()


def test_refusals_are_shown_and_failure_is_referred(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace, mediator: Operator, room_case: tuple[int, int]
) -> None:
    case_id, room_id = room_case
    editor = _editor(qtbot, qloop, workspace, mediator)
    changed: list[int] = []
    editor.agreement_changed.connect(changed.append)
    editor.show_for_room(case_id, room_id)
    run_until(qloop, lambda: editor.record is not None)
    # Saving an incomplete agreement works, and lists what is missing.
    editor.texts["facts"].setPlainText("")
    # A third party not yet on the case is added in the editor and becomes one of the case.
    qtbot.mouseClick(editor.add_party_button, Qt.MouseButton.LeftButton)
    assert editor.parties.rowCount() == 3
    for col, value in ((1, "赵六"), (3, resident_id("11010519900303003")), (4, "东街5号")):
        editor.parties.item(2, col).setText(value)
    editor.save()
    run_until(qloop, lambda: bool(changed))
    assert "facts" in editor.problems.text() and "agreed terms" in editor.problems.text()
    third = _loaded(editor).content.parties[2]
    assert third.name == "赵六" and third.key.startswith("party:")
    names = workspace.store.read_sync(
        lambda s: [p.name for p in s.scalars(select(Party).where(Party.case_id == case_id))]
    )
    assert names == ["张三", "王五", "赵六"]
    # Removing a row leaves the others; unsaved, the stored agreement keeps all three.
    editor.parties.setCurrentCell(2, 1)
    editor.remove_party()
    assert editor.parties.rowCount() == 2 and len(_loaded(editor).content.parties) == 3
    # Signing it is refused, with the reason.
    editor.sign_as_mediator()
    dialog = editor.sign_dialog
    assert dialog is not None
    qtbot.mousePress(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    qtbot.mouseMove(dialog.pad, QPoint(200, 100))
    qtbot.mouseRelease(dialog.pad, Qt.MouseButton.LeftButton, pos=QPoint(200, 100))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    run_until(qloop, lambda: "Refused" in editor.notice.text())
    assert "尚未填写完整" in editor.notice.text()
    assert _loaded(editor).signatures == ()
    # Failure asks for a channel; given one, the agreement is void and the case referred.
    editor.record_failure(Channel.ARBITRATION)
    run_until(qloop, lambda: _loaded(editor).outcome is MediationOutcome.FAILED)
    record = _loaded(editor)
    assert record.state is AgreementState.VOIDED and record.outcome_channel is Channel.ARBITRATION
    assert not editor.save_button.isEnabled() and not editor.failure_button.isEnabled()
    assert isinstance(editor.texts["facts"], QPlainTextEdit)
    editor.close_editor()
