"""The agreement service on a real SQLite store: draft from a case, sign, verify, PDF, outcome."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader
from sqlalchemy import select, text

from console.core import agreement as ag
from console.core.agreement import AgreementRefused
from console.core.clock import utcnow
from console.core.codes import (
    AgreementState,
    AuditAction,
    CaseState,
    Channel,
    DisputeCategory,
    FlowAction,
    IdType,
    JudicialConfirmState,
    MediaKind,
    MediationOutcome,
    PartyRole,
    Role,
    Sex,
    SignerRole,
)
from console.core.events import ChangeSet, Entity, Operation
from console.services import audit as audit_service
from console.services import auth
from console.services.agreements import AgreementService
from console.services.cases import CaseService
from console.services.operator import Operator
from console.store import migrate
from console.store.models import Case, FlowStep, Party
from console.store.repos import audit, media_assets
from console.store.repos.cases import NewCase
from console.store.store import Store
from tests.core.test_agreement import resident_id
from tests.services.conftest import People


def signature_png(text: str) -> bytes:
    image = Image.new("RGB", (240, 80), "white")
    ImageDraw.Draw(image).line([(10, 60), (80, 10), (160, 70), (230, 20)], fill="black", width=3)
    ImageDraw.Draw(image).text((10, 10), text, fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.fixture
def store(request: pytest.FixtureRequest, sqlite_url: str) -> Iterator[Store]:
    """SQLite, or a fresh PostgreSQL database for tests parametrised with "postgresql"."""
    url = sqlite_url
    if getattr(request, "param", "sqlite") == "postgresql":
        url = request.getfixturevalue("pg_fresh_db")
        migrate.upgrade(url)
    s = Store(url)
    yield s
    s.close()


@pytest.fixture
def mediator(store: Store) -> Operator:
    return Operator(
        auth.add_user_sync(
            store, username="med", display_name="李调解", role=Role.MEDIATOR, password="pass-word-1"
        )
    )


@pytest.fixture
def case_with_parties(store: Store, people: People) -> int:
    new = NewCase("墙体损坏赔偿纠纷", DisputeCategory.NEIGHBOUR, "王五装修时损坏张三家墙体。", None)
    case_id = CaseService(store, people.duty).register_sync(new)[0]

    def add(session):  # type: ignore[no-untyped-def]
        for role, name, body, address in (
            (PartyRole.APPLICANT, "张三", "11010519800101001", "城关镇幸福路1号"),
            (PartyRole.RESPONDENT, "王五", "11010519850505002", None),
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
                    address=address,
                )
            )
        return None, None

    store.write_sync(add)
    # A mediation is handled after the case is assigned (交办).
    asyncio.run(CaseService(store, people.duty).advance(case_id, FlowAction.ASSIGN))
    return case_id


def finish(service: AgreementService, agreement_id: int) -> ag.AgreementRecord:
    record = asyncio.run(service.get(agreement_id))
    parties = (
        record.content.parties[0],
        dataclasses.replace(record.content.parties[1], address="城关镇幸福路3号"),
    )
    content = dataclasses.replace(
        record.content,
        parties=parties,
        responsibilities="王五承担全部责任。",
        agreed_terms="王五于十日内赔偿张三人民币伍仟元整。",
        performance_manner="银行转账",
        performance_deadline=date.today() + timedelta(days=10),
    )
    return asyncio.run(service.update(agreement_id, content))


def sign_all(service: AgreementService, record: ag.AgreementRecord) -> ag.AgreementRecord:
    for p in record.content.parties:
        asyncio.run(
            service.sign(
                record.id,
                p.key,
                p.name,
                SignerRole.PARTY,
                signature_png(p.key),
                record.content_sha256,
            )
        )
    m = record.content.mediators[0]
    asyncio.run(
        service.sign(
            record.id,
            m.key,
            m.name,
            SignerRole.MEDIATOR,
            signature_png(m.key),
            record.content_sha256,
        )
    )
    return asyncio.run(service.get(record.id))


def pdf_text(path: Path) -> str:
    text = "".join(page.extract_text() for page in PdfReader(path).pages)
    return re.sub(r"\s+", "", text)


def test_draft_is_prefilled_from_the_case_and_reused(
    store: Store, mediator: Operator, case_with_parties: int
) -> None:
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    service = AgreementService(store, mediator)
    record = asyncio.run(service.draft_for_case(case_with_parties, None))
    c = record.content
    assert record.state is AgreementState.DRAFT and record.editable
    assert c.number == f"〔{utcnow().year}〕人调字第0001号"
    assert [p.name for p in c.parties] == ["张三", "王五"]
    assert c.parties[0].side is PartyRole.APPLICANT and c.parties[0].address == "城关镇幸福路1号"
    assert c.facts == "王五装修时损坏张三家墙体。" and c.disputed_matters == "墙体损坏赔偿纠纷"
    assert c.mediators == (ag.AgreementMediator(ag.mediator_key(mediator.id), "李调解"),)
    assert c.case_number.startswith("LJ-") and record.category_zh == "邻里纠纷"
    assert record.content_sha256 == ag.content_sha256(c)
    assert [s.operation for s in seen] == [Operation.AGREEMENT_DRAFTED]
    assert seen[0].ids_of(Entity.AGREEMENT) == {record.id}
    again = asyncio.run(service.draft_for_case(case_with_parties, None))
    assert again.id == record.id and len(seen) == 1
    # Another committee numbers in its own series.
    moved = asyncio.run(
        service.update(record.id, dataclasses.replace(c, committee="城关镇人民调解委员会"))
    )
    assert moved.content.number == f"〔{utcnow().year}〕城调字第0001号"
    assert moved.content_sha256 == ag.content_sha256(moved.content) != record.content_sha256
    # Incomplete: the respondent's address and the terms are missing.
    problems = asyncio.run(service.problems(record.id))
    assert {"parties.1.address", "agreed_terms", "performance_deadline"} <= problems.keys()
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(
            service.sign(
                record.id, c.parties[0].key, "张三", None, signature_png("a"), moved.content_sha256
            )
        )
    assert info.value.code == ag.INCOMPLETE


def test_numbers_run_per_committee_and_year(
    store: Store, mediator: Operator, people: People
) -> None:
    service = AgreementService(store, mediator)
    cases = CaseService(store, people.duty)
    numbers = []
    for i in range(3):
        case_id = cases.register_sync(NewCase(f"纠纷{i}", DisputeCategory.LABOUR, "欠薪", None))[0]
        numbers.append(asyncio.run(service.draft_for_case(case_id, None)).content.number)
    assert [ag.number_seq(n) for n in numbers] == [1, 2, 3]


@pytest.mark.parametrize("store", ["sqlite", "postgresql"], indirect=True)
def test_sign_rules_full_signing_and_verification(
    store: Store, mediator: Operator, case_with_parties: int, tmp_path: Path
) -> None:
    service = AgreementService(store, mediator)
    draft = asyncio.run(service.draft_for_case(case_with_parties, None))
    record = finish(service, draft.id)
    assert record.content_sha256 != draft.content_sha256
    applicant, respondent = record.content.parties
    # Signing what one read before the last edit is refused.
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(
            service.sign(
                record.id, applicant.key, "张三", None, signature_png("a"), draft.content_sha256
            )
        )
    assert info.value.code == ag.CONTENT_CHANGED
    # A party's page cannot sign as the mediator.
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(
            service.sign(
                record.id,
                record.content.mediators[0].key,
                "x",
                SignerRole.PARTY,
                signature_png("m"),
                record.content_sha256,
            )
        )
    assert info.value.code == ag.UNKNOWN_SIGNER
    first = asyncio.run(
        service.sign(
            record.id, applicant.key, "张三", None, signature_png("a"), record.content_sha256
        )
    )
    assert first.content_sha256 == record.content_sha256 and first.role is SignerRole.PARTY
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(
            service.sign(
                record.id, applicant.key, "张三", None, signature_png("b"), record.content_sha256
            )
        )
    assert info.value.code == ag.ALREADY_SIGNED
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(service.update(record.id, record.content))
    assert info.value.code == ag.NOT_EDITABLE
    partial = asyncio.run(service.get(record.id))
    assert partial.state is AgreementState.SIGNING and not partial.editable
    assert partial.signed_at is None and partial.follow_ups == ()

    for key, name, role in (
        (respondent.key, "王五", SignerRole.PARTY),
        (record.content.mediators[0].key, "李调解", SignerRole.MEDIATOR),
    ):
        asyncio.run(
            service.sign(record.id, key, name, role, signature_png(key), record.content_sha256)
        )
    signed = asyncio.run(service.get(record.id))
    assert signed.state is AgreementState.SIGNED and signed.fully_signed
    assert signed.signed_at is not None
    assert signed.judicial_deadline == signed.signed_at + timedelta(days=30)
    assert signed.judicial_state is JudicialConfirmState.PENDING
    assert len(signed.follow_ups) == 3  # a week, the day after the deadline, a month
    assert asyncio.run(service.verify(record.id)).ok

    rows = [e for e in audit_service.recent_sync(store, 50) if e.target_kind == "agreement"]
    signed_rows = [
        json.loads(e.detail) for e in rows if e.action == AuditAction.AGREEMENT_SIGNED.code
    ]
    assert {r["signer"] for r in signed_rows} == {
        applicant.key,
        respondent.key,
        record.content.mediators[0].key,
    }
    assert all(r["content_sha256"] == record.content_sha256 for r in signed_rows)
    assert audit_service.verify_sync(store) == []

    # Tampering behind the service's back, straight in the database.
    with store.engine.begin() as db:
        db.execute(
            text("UPDATE agreement_signature SET image = :image WHERE signer_key = :key"),
            {"image": signature_png("forged"), "key": respondent.key},
        )
    check = asyncio.run(service.verify(record.id))
    assert not check.ok and check.content_ok and check.bad_signatures == (respondent.key,)
    with store.engine.begin() as db:
        db.execute(text("UPDATE agreement SET agreed_terms = '王五赔偿张三人民币伍元整。'"))
    check = asyncio.run(service.verify(record.id))
    assert not check.content_ok and check.computed_sha256 != check.stored_sha256
    # Every signature was of the original content: now all fail.
    assert set(check.bad_signatures) == {s.signer_key for s in signed.signatures}


def test_pdf_holds_every_field_and_signature_hash(
    store: Store, mediator: Operator, case_with_parties: int, tmp_path: Path
) -> None:
    service = AgreementService(store, mediator)
    record = finish(service, asyncio.run(service.draft_for_case(case_with_parties, None)).id)
    signed = sign_all(service, record)
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    path = tmp_path / "out" / "agreement.pdf"
    exported = asyncio.run(service.export_pdf(signed.id, path))
    assert path.read_bytes()[:5] == b"%PDF-" and exported.size_bytes == path.stat().st_size
    text = pdf_text(path)
    c = signed.content
    must = [
        "人民调解协议书",
        c.number,
        c.committee,
        c.case_number,
        c.facts,
        c.disputed_matters,
        c.responsibilities,
        c.agreed_terms,
        c.performance_manner,
        f"{c.performance_deadline.year}年{c.performance_deadline.month}月"  # type: ignore[union-attr]
        f"{c.performance_deadline.day}日",  # type: ignore[union-attr]
        f"一式{c.copies}份",
        signed.content_sha256,
        "司法确认",
        "回访",
        "调解员",
        "李调解",
        "（印）",
    ]
    for p in c.parties:
        must += [p.side.zh, p.name, p.id_number, p.address, p.phone, p.id_type.zh]
    for s in signed.signatures:
        must += [s.image_sha256, s.content_sha256, s.signer_name]
    assert signed.judicial_deadline is not None
    must.append(f"{signed.judicial_deadline + timedelta(hours=8):%Y-%m-%d}")
    for f in signed.follow_ups:
        must.append(f"{f.due_at + timedelta(hours=8):%Y-%m-%d}")
    missing = [m for m in must if re.sub(r"\s+", "", m) not in text]
    assert missing == []
    # The signature pictures are embedded, one per signer.
    images = [img for page in PdfReader(path).pages for img in page.images]
    assert len(images) == len(signed.signatures) == 3
    # Kept as a document of the case, with the file's hash, and audited.
    assert [s.operation for s in seen] == [Operation.AGREEMENT_EXPORTED]

    assets = store.read_sync(lambda s: media_assets.of_case(s, c.case_id))
    assert [(a.kind, a.sha256) for a in assets] == [(MediaKind.DOCUMENT, exported.sha256)]
    exports = [e for e in audit_service.recent_sync(store, 20) if e.action == "export"]
    assert json.loads(exports[0].detail)["sha256"] == exported.sha256


def test_pdf_of_an_unsigned_draft_says_who_has_not_signed(
    store: Store, mediator: Operator, case_with_parties: int, tmp_path: Path
) -> None:
    service = AgreementService(store, mediator)
    record = asyncio.run(service.draft_for_case(case_with_parties, None))
    asyncio.run(service.export_pdf(record.id, tmp_path / "draft.pdf"))
    text = pdf_text(tmp_path / "draft.pdf")
    assert text.count("（未签署）") == 3 and record.content_sha256 in text


def test_success_moves_the_case_to_feedback(
    store: Store, mediator: Operator, case_with_parties: int, people: People
) -> None:
    service = AgreementService(store, mediator)
    record = finish(service, asyncio.run(service.draft_for_case(case_with_parties, None)).id)
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(service.record_outcome(record.id, MediationOutcome.SUCCESS))
    assert info.value.code == ag.NOT_FULLY_SIGNED
    signed = sign_all(service, record)
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    actions = asyncio.run(
        service.record_outcome(signed.id, MediationOutcome.SUCCESS, note="当场履行")
    )
    assert actions == (FlowAction.START, FlowAction.FEEDBACK)
    flow = asyncio.run(CaseService(store, people.duty).flow_of(case_with_parties))
    assert [f[0] for f in flow][-2:] == ["start", "feedback"]
    assert flow[-1][2] == CaseState.FEEDBACK.code
    assert signed.content.number in flow[-1][4] and "当场履行" in flow[-1][4]
    assert seen[0].operation is Operation.MEDIATION_CONCLUDED
    assert seen[0].ids_of(Entity.CASE) == {case_with_parties}
    after = asyncio.run(service.get(signed.id))
    assert after.outcome is MediationOutcome.SUCCESS and after.state is AgreementState.SIGNED
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(service.record_outcome(signed.id, MediationOutcome.SUCCESS))
    assert info.value.code == ag.OUTCOME_RECORDED

    case = store.read_sync(lambda s: s.get(Case, case_with_parties))
    assert case.success is True and case.method == "mediation"
    # Follow-ups come due and are marked done.
    due = asyncio.run(service.follow_ups_due(utcnow() + timedelta(days=60)))
    assert len(due) == 3
    asyncio.run(service.mark_follow_up_done(due[0].id, "已履行"))
    left = asyncio.run(service.follow_ups_due(utcnow() + timedelta(days=60)))
    assert [f.id for f in left] == [f.id for f in due[1:]]
    done = asyncio.run(service.get(signed.id)).follow_ups[0]
    assert done.done_at is not None and done.note == "已履行"
    asyncio.run(service.set_judicial_state(signed.id, JudicialConfirmState.CONFIRMED))
    assert asyncio.run(service.get(signed.id)).state is AgreementState.CONFIRMED


def test_failure_is_referred_to_another_channel(
    store: Store, mediator: Operator, case_with_parties: int, people: People
) -> None:
    service = AgreementService(store, mediator)
    record = asyncio.run(service.draft_for_case(case_with_parties, None))
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(service.record_outcome(record.id, MediationOutcome.FAILED))
    assert info.value.code == ag.CHANNEL_REQUIRED
    asyncio.run(
        service.record_outcome(record.id, MediationOutcome.FAILED, channel=Channel.LITIGATION)
    )
    after = asyncio.run(service.get(record.id))
    assert after.state is AgreementState.VOIDED and after.outcome_channel is Channel.LITIGATION
    flow = asyncio.run(CaseService(store, people.duty).flow_of(case_with_parties))
    assert flow[-1][0] == "feedback" and "诉讼" in flow[-1][4]

    step = store.read_sync(
        lambda s: s.scalars(select(FlowStep).order_by(FlowStep.id.desc()).limit(1)).one()
    )
    assert step.channel == Channel.LITIGATION.code
    case = store.read_sync(lambda s: s.get(Case, case_with_parties))
    assert case.success is False
    # A voided draft is no longer the case's agreement: the next draft gets a new number.
    fresh = asyncio.run(service.draft_for_case(case_with_parties, None))
    assert fresh.id != record.id and ag.number_seq(fresh.content.number) == 2


def test_outcome_refused_for_a_case_not_in_hand(
    store: Store, mediator: Operator, people: People
) -> None:
    case_id = CaseService(store, people.duty).register_sync(
        NewCase("未交办", DisputeCategory.LABOUR, "欠薪", None)
    )[0]
    service = AgreementService(store, mediator)
    record = asyncio.run(service.draft_for_case(case_id, None))
    with pytest.raises(AgreementRefused) as info:
        asyncio.run(
            service.record_outcome(record.id, MediationOutcome.FAILED, channel=Channel.ARBITRATION)
        )
    assert info.value.code == ag.CASE_NOT_IN_HAND
    assert asyncio.run(service.get(record.id)).outcome is None
    assert store.read_sync(audit.count) > 0


def test_a_party_added_to_the_agreement_joins_the_case(
    store: Store, mediator: Operator, case_with_parties: int
) -> None:
    service = AgreementService(store, mediator)
    record = asyncio.run(service.draft_for_case(case_with_parties, None))
    newcomer = ag.AgreementParty(
        ag.NEW_PARTY_KEY, PartyRole.THIRD_PARTY, "赵六", IdType.RESIDENT_ID, "x", "东街5号"
    )
    # A key of another case's party is not trusted either: it is registered afresh.
    foreign = dataclasses.replace(newcomer, key="party:9999", name="钱七")
    seen: list[ChangeSet] = []
    store.feed.subscribe(seen.append)
    content = dataclasses.replace(
        record.content, parties=(*record.content.parties, newcomer, foreign)
    )
    saved = asyncio.run(service.update(record.id, content))
    keys = [p.key for p in saved.content.parties]
    assert keys[:2] == [p.key for p in record.content.parties]
    added = [ag.party_id_of(k) for k in keys[2:]]
    assert None not in added and len(set(keys)) == 4
    assert seen[0].ids_of(Entity.PARTY) == set(added)
    rows = store.read_sync(
        lambda s: [
            (p.name, p.role, p.address)
            for p in s.scalars(select(Party).where(Party.case_id == case_with_parties))
        ]
    )
    assert rows[2:] == [("赵六", "third_party", "东街5号"), ("钱七", "third_party", "东街5号")]
    # Saving again does not register them twice.
    asyncio.run(service.update(record.id, saved.content))
    assert (
        store.read_sync(
            lambda s: len(list(s.scalars(select(Party).where(Party.case_id == case_with_parties))))
        )
        == 4
    )
