"""The registration form as an officer uses it: typing, reasons at fields, autosave, register."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from PySide6.QtCore import QDateTime, QModelIndex, Qt

from console.core import idcard
from console.core.clock import utcnow
from console.core.codes import CallState, DisputeCategory, RegionLevel, Urgency
from console.core.records import CaseFilter
from console.core.registration import PartyDraft, RegistrationDraft
from console.services.cases import CaseService
from console.services.registration import RegistrationService
from console.services.surveillance import SurveillanceService
from console.store.models import Call, Region
from console.store.repos import registration as repo
from console.ui.intake.registration_form import RegistrationForm
from tests.ui.conftest import Workspace, run_until

GOOD_ID = idcard.make_id("340102", date(1968, 9, 1), 17)
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def _call(workspace: Workspace, ticket: str, phone: str | None = None) -> int:
    def add(session):  # type: ignore[no-untyped-def]
        call = Call(
            ticket=ticket,
            caller_name="王秀英",
            caller_phone=phone,
            category=DisputeCategory.LABOUR.code,
            urgency=Urgency.NORMAL.code,
            state=CallState.IN_CALL.code,
            queued_at=utcnow(),
            officer_id=workspace.duty.id,
        )
        session.add(call)
        session.flush()
        return call.id, None

    return workspace.store.write_sync(add)[0]


def _form(qtbot, workspace: Workspace) -> RegistrationForm:  # type: ignore[no-untyped-def]
    form = RegistrationForm(
        RegistrationService(workspace.store, workspace.duty),
        SurveillanceService(workspace.store, workspace.duty),
    )
    qtbot.addWidget(form)
    form.resize(1100, 800)
    form.show()
    return form


def _saved(workspace: Workspace, call_id: int) -> RegistrationDraft | None:
    return workspace.store.read_sync(lambda s: repo.load_draft(s, workspace.duty.id, call_id))


def test_typing_shows_reasons_at_fields_autosaves_restores_and_registers(  # type: ignore[no-untyped-def]
    qtbot, qloop, workspace: Workspace
) -> None:
    call_id = _call(workspace, "T-REG-1")
    form = _form(qtbot, workspace)
    form.load_for_call(call_id, "王秀英", "", "", ticket="T-REG-1")
    run_until(qloop, lambda: form.ready)
    # A new call's draft exists from the first moment, prefilled from the call.
    run_until(qloop, lambda: _saved(workspace, call_id) is not None)
    applicant = form.party_rows[0]
    assert applicant.name.text() == "王秀英"
    assert not form.register_button.isEnabled()

    qtbot.keyClicks(applicant.id_number, BAD_ID)
    note = applicant.notes["id_number"]
    run_until(qloop, lambda: "校验位" in note.text())
    assert note.isVisible() and applicant.id_number.property("problem") is True
    assert "check digit" in note.text()

    applicant.id_number.clear()
    qtbot.keyClicks(applicant.id_number, GOOD_ID)
    qtbot.keyClicks(applicant.phone, "0551-6512345")  # seven digits after 0551: fine
    form.category.setCurrentIndex(form.category.findData(DisputeCategory.LABOUR.code))
    # QTest types ASCII only; Chinese arrives as an input method would commit it.
    form.place.insert("高新区创业园B座")
    form.occurred.setDateTime(QDateTime.currentDateTime().addDays(2))
    run_until(qloop, lambda: "晚于现在" in form.notes["occurred_at"][1].text())
    assert form.occurred.property("problem") is True
    form.occurred.setDateTime(QDateTime.currentDateTime().addDays(-3))
    form.add_party.click()
    form.add_party.click()
    assert form.people.value() == 3  # every party listed is a person involved
    form.party_rows[2].remove.click()
    assert len(form.party_rows) == 2
    respondent = form.party_rows[1]
    respondent.name.insert("某建筑公司")
    form.people.setValue(12)
    form.summary.insertPlainText("拖欠12名工人工资共计8万元")
    run_until(qloop, lambda: form.problems() == {} and form.register_button.isEnabled())
    assert note.text() == "" and applicant.id_number.property("problem") is False

    # Autosave: the last keystroke reaches the store about a second later.
    run_until(qloop, lambda: (_saved(workspace, call_id) or RegistrationDraft()).summary
              == "拖欠12名工人工资共计8万元")  # fmt: skip
    typed = form.draft()
    assert _saved(workspace, call_id) == typed

    # A crash: the form goes away; a new one for the same call shows what was typed.
    form.close_form()
    again = _form(qtbot, workspace)
    again.load_for_call(call_id, "王秀英", "", "", ticket="T-REG-1")
    run_until(qloop, lambda: again.ready and again.problems() == {})
    assert again.draft() == typed
    assert again.summary.toPlainText() == "拖欠12名工人工资共计8万元"
    assert len(again.party_rows) == 2 and again.party_rows[1].name.text() == "某建筑公司"

    got: list[int] = []
    again.registered.connect(got.append)
    run_until(qloop, lambda: again.register_button.isEnabled())
    qtbot.mouseClick(again.register_button, Qt.MouseButton.LeftButton)
    run_until(qloop, lambda: bool(got))
    cases = CaseService(workspace.store, workspace.duty)
    rows = qloop.run_until_complete(cases.rows_by_ids(CaseFilter(), frozenset(got)))
    assert [(r.title, r.category, r.state.code) for r in rows] == [
        ("王秀英劳资纠纷", DisputeCategory.LABOUR, "accepted")
    ]
    flow = qloop.run_until_complete(cases.flow_of(got[0]))
    assert [f[0] for f in flow] == ["report", "accept"]
    assert _saved(workspace, call_id) is None
    assert not again.body.isEnabled() and not again.register_button.isEnabled()
    # Nothing typed after registration comes back as a draft.
    qloop.run_until_complete(asyncio.sleep(1.2))
    assert _saved(workspace, call_id) is None
    again.close_form()


def test_repeat_caller_banner_and_grid_picker(qtbot, qloop, workspace: Workspace) -> None:  # type: ignore[no-untyped-def]
    service = RegistrationService(workspace.store, workspace.duty)
    first = _call(workspace, "T-REG-2", phone="13912345678")
    earlier, _ = service.register_sync(
        RegistrationDraft(
            parties=(PartyDraft(name="赵大爷", phone="13912345678"),),
            category=DisputeCategory.NEIGHBOUR,
            occurred_at=utcnow() - timedelta(days=5),
            place="幸福里小区",
            summary="楼上噪音",
            call_id=first,
        )
    )

    def regions(session):  # type: ignore[no-untyped-def]
        parent = None
        for code, name, level in [
            ("340100", "合肥市", RegionLevel.CITY),
            ("340104", "蜀山区", RegionLevel.COUNTY),
            ("340104001", "三里庵街道", RegionLevel.TOWN),
            ("340104001001", "幸福里社区", RegionLevel.VILLAGE),
            ("34010400100101", "幸福里第一网格", RegionLevel.GRID),
        ]:
            r = Region(code=code, name=name, level=level.code, parent_id=parent)
            session.add(r)
            session.flush()
            parent = r.id
        return parent, None

    grid_id, _ = workspace.store.write_sync(regions)

    form = _form(qtbot, workspace)
    form.load_for_call(_call(workspace, "T-REG-3"), "赵大爷", "139 1234 5678", "")
    run_until(qloop, lambda: form.ready and form.banner.isVisible())
    assert form.repeat is not None and form.repeat.id == earlier
    assert form.repeat.number in form.banner.text()

    picker = form.open_grid_picker()
    index = QModelIndex()
    model = picker.model
    for _level in range(5):
        run_until(qloop, lambda idx=index: model.rowCount(idx) > 0)
        index = model.index(0, 0, index)
        picker.tree.expand(index)
        model.fetchMore(index)
    picker.tree.setCurrentIndex(index)
    assert picker.ok.isEnabled() and picker.chosen() is not None
    picker.accept()
    assert (
        form.draft().grid_id == grid_id
        and form.grid_label.text() == "三里庵街道 / 幸福里社区 / 幸福里第一网格"
    )
    # A grid alone is a place.
    assert "place" not in qloop.run_until_complete(service.validate(form.draft()))
    form.close_form()
