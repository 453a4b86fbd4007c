"""Registration in the store: drafts kept per call, a case registered in one go, repeat callers."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from console.core import idcard
from console.core.clock import utcnow
from console.core.codes import (
    AuditAction,
    CallState,
    CaseState,
    DisputeCategory,
    IdType,
    PartyRole,
    Role,
    Urgency,
)
from console.core.deadlines import resolution_deadline
from console.core.events import ChangeAction, Entity, Operation
from console.core.registration import DraftRefused, PartyDraft, RegistrationDraft
from console.services import auth
from console.services.operator import Operator
from console.services.registration import RegistrationService
from console.store.models import Call, Case, Party, SavedDraft
from console.store.repos import audit, cases
from console.store.repos import registration as repo
from console.store.store import Store

CALLER_ID = idcard.make_id("340102", date(1975, 3, 8), 246)


@pytest.fixture
def duty(store: Store) -> Operator:
    auth.add_user_sync(
        store,
        username="duty",
        display_name="值班员甲",
        role=Role.DUTY_OFFICER,
        password="pw-123456",
    )
    return auth.sign_in_sync(store, "duty", "pw-123456")


def _call(store: Store, ticket: str, phone: str | None = None, id_number: str | None = None) -> int:
    def add(session):  # type: ignore[no-untyped-def]
        call = Call(
            ticket=ticket,
            caller_name="张三",
            caller_phone=phone,
            caller_id_number=id_number,
            category=DisputeCategory.NEIGHBOUR.code,
            urgency=Urgency.NORMAL.code,
            state=CallState.IN_CALL.code,
            queued_at=utcnow(),
        )
        session.add(call)
        session.flush()
        return call.id, None

    return store.write_sync(add)[0]


def _draft(call_id: int | None, **kw: object) -> RegistrationDraft:
    base = RegistrationDraft(
        parties=(
            PartyDraft(PartyRole.APPLICANT, "张三", IdType.RESIDENT_ID, CALLER_ID, "13800138000"),
            PartyDraft(PartyRole.RESPONDENT, "某物业公司", IdType.USCC, "91340100MA2N0000X1"),
        ),
        category=DisputeCategory.PROPERTY_MGMT,
        urgency=Urgency.URGENT,
        people_count=2,
        occurred_at=utcnow() - timedelta(days=1),
        place="滨江小区3栋",
        summary="电梯停运一个月，物业不修",
        call_id=call_id,
        call_ticket="T1",
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def test_draft_round_trip_one_per_officer_and_call(store: Store, duty: Operator) -> None:
    call_id = _call(store, "T1")
    first = _draft(call_id, summary="电梯")
    later = _draft(call_id, summary="电梯停运")
    walk_in = _draft(None, summary="来访")
    for d in (first, later, walk_in):
        store.write_sync(lambda s, d=d: (repo.save_draft(s, duty.id, d), None))
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id, call_id)) == later
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id, None)) == walk_in
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id + 1, call_id)) is None
    count = select(func.count(SavedDraft.id)).where(SavedDraft.call_id == call_id)
    assert store.read_sync(lambda s: s.scalar(count)) == 1
    assert len(store.read_sync(lambda s: repo.open_drafts(s, duty.id))) == 2
    # The caller vanishes: the call ends as abandoned, the draft stays for the officer.
    store.write_sync(
        lambda s: (
            s.execute(update(Call).values(state=CallState.ABANDONED.code, ended_at=utcnow())),
            None,
        )
    )
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id, call_id)) == later


def test_register_creates_case_parties_flow_deadline_and_call_link(
    store: Store, duty: Operator
) -> None:
    call_id = _call(store, "T1")
    service = RegistrationService(store, duty)
    draft = _draft(call_id)
    asyncio.run(service.save_draft(draft))
    case_id, changes = service.register_sync(draft)

    def facts(session):  # type: ignore[no-untyped-def]
        case = session.get(Case, case_id)
        parties = session.scalars(select(Party).where(Party.case_id == case_id)).all()
        call = session.get(Call, call_id)
        return case, [(p.role, p.name, p.sex, p.phone) for p in parties], call.case_id

    case, parties, linked = store.read_sync(facts)
    assert case.state == CaseState.ACCEPTED.code and case.title == "张三物业管理"
    assert case.occurred_at == draft.occurred_at and case.place == "滨江小区3栋"
    assert case.source == "video_petition" and case.repeat_of_id is None
    assert case.deadline == resolution_deadline(
        DisputeCategory.PROPERTY_MGMT, Urgency.URGENT, case.accepted_at
    )
    assert parties == [
        ("applicant", "张三", "female", "13800138000"),  # serial 246: even, a woman
        ("respondent", "某物业公司", "unknown", None),
    ]
    assert linked == case_id
    flow = store.read_sync(lambda s: cases.flow_of(s, case_id))
    assert [(a, t) for a, _, t, _, _ in flow] == [("report", "reported"), ("accept", "accepted")]
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id, call_id)) is None
    assert changes is not None and changes.operation is Operation.CASE_REGISTERED
    assert changes.ids_of(Entity.CASE, ChangeAction.CREATED) == {case_id}
    assert changes.ids_of(Entity.CALL, ChangeAction.UPDATED) == {call_id}
    rows = store.read_sync(lambda s: audit.recent(s, 5))
    assert rows[0].action == AuditAction.CASE_CHANGED.code and rows[0].target_id == str(case_id)
    assert store.read_sync(audit.verify) == []


def test_an_invalid_draft_is_refused_and_kept(store: Store, duty: Operator) -> None:
    service = RegistrationService(store, duty)
    bad = _draft(None, category=None)
    asyncio.run(service.save_draft(bad))
    with pytest.raises(DraftRefused) as refused:
        asyncio.run(service.register(bad))
    assert "category" in refused.value.problems
    with pytest.raises(DraftRefused):
        service.register_sync(bad)  # the store refuses too, not only the service
    assert store.read_sync(lambda s: repo.load_draft(s, duty.id, None)) == bad
    assert store.read_sync(lambda s: cases.ledger_count(s, cases.CaseFilter())) == 0


def test_repeat_caller_within_thirty_days_is_linked_after_thirty_one_not(
    store: Store, duty: Operator
) -> None:
    service = RegistrationService(store, duty)
    first, _ = service.register_sync(_draft(_call(store, "T1")))
    # Same phone, different ID number, typed with spaces: still the same caller.
    again = _draft(
        _call(store, "T2"),
        parties=(PartyDraft(PartyRole.APPLICANT, "张三", phone="138 0013 8000"),),
        people_count=1,
    )
    earlier = asyncio.run(service.repeat_case(again))
    assert earlier is not None and earlier.id == first
    second, _ = service.register_sync(again)
    assert store.read_sync(lambda s: s.get(Case, second).repeat_of_id) == first

    # The call's own caller ID counts, even when the officer typed no number.
    by_call = _draft(
        _call(store, "T3", id_number=CALLER_ID),
        parties=(PartyDraft(PartyRole.APPLICANT, "张三", phone="010-88886666"),),
        people_count=1,
    )
    got = asyncio.run(service.repeat_case(by_call))
    assert got is not None and got.id == first

    long_ago = utcnow() - timedelta(days=31)
    store.write_sync(lambda s: (s.execute(update(Case).values(created_at=long_ago)), None))
    assert asyncio.run(service.repeat_case(again)) is None
    third, _ = service.register_sync(replace(again, call_id=None))
    assert store.read_sync(lambda s: s.get(Case, third).repeat_of_id) is None
