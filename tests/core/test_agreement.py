"""Agreement rules without a store: content hash, validation, signing refusals, dates, numbers."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from console.core import agreement as ag
from console.core.agreement import (
    AgreementContent,
    AgreementMediator,
    AgreementParty,
    AgreementRecord,
    AgreementRefused,
    SignatureRecord,
)
from console.core.codes import (
    AgreementState,
    CaseState,
    Channel,
    FlowAction,
    IdType,
    JudicialConfirmState,
    MediationOutcome,
    PartyRole,
    SignerRole,
)

PNG = b"\x89PNG\r\n\x1a\n" + b"picture"


def resident_id(body17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(body17, weights, strict=True))
    return body17 + "10X98765432"[total % 11]


def content(**changes: object) -> AgreementContent:
    base = AgreementContent(
        number="〔2026〕城调字第0001号",
        committee="城关镇人民调解委员会",
        case_id=7,
        case_number="LJ-2026-000007",
        room_id=3,
        mediators=(AgreementMediator("mediator:5", "李调解"),),
        parties=(
            AgreementParty(
                "party:1",
                PartyRole.APPLICANT,
                "张三",
                IdType.RESIDENT_ID,
                resident_id("11010519800101001"),
                "城关镇幸福路1号",
                "13800138000",
            ),
            AgreementParty(
                "party:2",
                PartyRole.RESPONDENT,
                "王五",
                IdType.RESIDENT_ID,
                resident_id("11010519850505002"),
                "城关镇幸福路3号",
                "",
            ),
        ),
        facts="王五装修时损坏张三家墙体。",
        disputed_matters="墙体修复费用",
        responsibilities="王五承担主要责任。",
        agreed_terms="王五赔偿张三人民币伍仟元整。",
        performance_manner="银行转账",
        performance_place="城关镇",
        performance_deadline=date(2099, 12, 31),
        copies=3,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def record(c: AgreementContent, *signed: str, **changes: object) -> AgreementRecord:
    sha = ag.content_sha256(c)
    sigs = tuple(
        SignatureRecord(i, key, key, SignerRole.PARTY, datetime(2026, 12, 1), "x" * 64, sha)
        for i, key in enumerate(signed)
    )
    base = AgreementRecord(1, AgreementState.DRAFT, c, sha, sigs, datetime(2026, 12, 1))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def test_hash_is_stable_and_covers_every_field() -> None:
    c = content()
    assert ag.content_sha256(c) == ag.content_sha256(content())
    assert len(ag.content_sha256(c)) == 64
    changed = {
        "number": "〔2026〕城调字第0002号",
        "committee": "东城人民调解委员会",
        "facts": "另一事实",
        "disputed_matters": "x",
        "responsibilities": "x",
        "agreed_terms": "x",
        "performance_manner": "现金",
        "performance_place": "x",
        "performance_deadline": date(2099, 1, 1),
        "copies": 4,
        "room_id": 4,
        "mediators": (AgreementMediator("mediator:5", "李调解员"),),
        "parties": (dataclasses.replace(c.parties[0], phone="13900139000"), c.parties[1]),
    }
    for name, value in changed.items():
        assert ag.content_sha256(content(**{name: value})) != ag.content_sha256(c), name
    # Canonical: UTF-8 Chinese as is, no whitespace between tokens.
    assert "张三".encode() in ag.canonical_bytes(c)
    assert b", " not in ag.canonical_bytes(c)


def test_snapshots_round_trip_through_json() -> None:
    c = content()
    assert ag.parties_from_json(ag.parties_to_json(c.parties)) == c.parties
    assert ag.mediators_from_json(ag.mediators_to_json(c.mediators)) == c.mediators


def test_validation_names_each_missing_field() -> None:
    assert ag.validate(content(), date(2026, 12, 2)) == {}
    bare = content(
        facts=" ",
        agreed_terms="",
        performance_manner="",
        performance_deadline=None,
        mediators=(),
        copies=2,
        parties=(AgreementParty("party:1", PartyRole.APPLICANT, "", IdType.RESIDENT_ID, "123"),),
    )
    problems = ag.validate(bare)
    assert {
        "facts",
        "agreed_terms",
        "performance_manner",
        "performance_deadline",
        "mediators",
        "parties",
        "parties.0.name",
        "parties.0.id_number",
        "parties.0.address",
    } <= problems.keys()
    assert "至少两方" in problems["parties"]
    past = ag.validate(content(performance_deadline=date(2020, 1, 1)), date(2026, 12, 2))
    assert "已过" in past["performance_deadline"]
    bad_phone = content(parties=(dataclasses.replace(content().parties[0], phone="12"),) * 1)
    assert "parties.0.phone" in ag.validate(bad_phone)
    assert "copies" in ag.validate(content(copies=2))


def test_signing_refusals_carry_stable_codes() -> None:
    c = content()
    sha = ag.content_sha256(c)
    assert ag.check_can_sign(record(c), "party:1", sha, PNG) is SignerRole.PARTY
    assert ag.check_can_sign(record(c), "mediator:5", sha, PNG) is SignerRole.MEDIATOR
    cases = [
        (record(c, "party:1"), "party:1", sha, PNG, ag.ALREADY_SIGNED),
        (record(c), "party:9", sha, PNG, ag.UNKNOWN_SIGNER),
        (record(c), "party:1", "0" * 64, PNG, ag.CONTENT_CHANGED),
        (record(c), "party:1", sha, b"", ag.EMPTY_SIGNATURE),
        (record(c), "party:1", sha, b"GIF89a", ag.EMPTY_SIGNATURE),
        (record(c, state=AgreementState.VOIDED), "party:1", sha, PNG, ag.CLOSED),
        (record(content(agreed_terms="")), "party:1", "", PNG, ag.CONTENT_CHANGED),
    ]
    for rec, key, seen, image, code in cases:
        with pytest.raises(AgreementRefused) as info:
            ag.check_can_sign(rec, key, seen, image)
        assert info.value.code == code, (key, code)
        assert info.value.reason
    incomplete = record(content(agreed_terms=""))
    with pytest.raises(AgreementRefused) as info:
        ag.check_can_sign(incomplete, "party:1", incomplete.content_sha256, PNG)
    assert info.value.code == ag.INCOMPLETE
    assert "agreed_terms" in info.value.problems
    with pytest.raises(AgreementRefused, match="the agreement changed since you read it"):
        ag.check_can_sign(record(c), "party:1", "x", PNG)


def test_editing_is_refused_once_anyone_signed() -> None:
    ag.check_editable(AgreementState.DRAFT, 0)
    with pytest.raises(AgreementRefused) as info:
        ag.check_editable(AgreementState.SIGNING, 1)
    assert info.value.code == ag.NOT_EDITABLE and "不能再修改" in info.value.reason
    with pytest.raises(AgreementRefused):
        ag.check_editable(AgreementState.VOIDED, 0)


def test_fully_signed_needs_every_party_and_the_mediator() -> None:
    c = content()
    assert ag.missing_signers(c, ["party:1"]) == ("party:2", "mediator:5")
    assert ag.state_after_signing(c, ["party:1", "party:2"]) is AgreementState.SIGNING
    assert ag.state_after_signing(c, ["party:1", "party:2", "mediator:5"]) is AgreementState.SIGNED
    assert record(c, "party:1", "party:2", "mediator:5").fully_signed
    assert not record(c, "party:1", "party:2").fully_signed


def test_judicial_deadline_and_follow_ups() -> None:
    signed = datetime(2026, 12, 2, 3, 0)
    assert ag.judicial_deadline(signed) == datetime(2027, 1, 1, 3, 0)
    assert ag.follow_up_schedule(signed, None) == (signed + timedelta(7), signed + timedelta(30))
    with_deadline = ag.follow_up_schedule(signed, date(2026, 12, 20))
    assert with_deadline == (
        signed + timedelta(7),
        datetime(2026, 12, 21, 3, 0),
        signed + timedelta(30),
    )
    deadline = ag.judicial_deadline(signed)
    pending = JudicialConfirmState.PENDING
    assert ag.judicial_state_at(pending, deadline, deadline - timedelta(1)) is pending
    assert ag.judicial_state_at(pending, deadline, deadline + timedelta(1)) is (
        JudicialConfirmState.LAPSED
    )
    confirmed = JudicialConfirmState.CONFIRMED
    assert ag.judicial_state_at(confirmed, deadline, deadline + timedelta(1)) is confirmed
    # A deadline close to a scheduled visit does not add a second visit that week.
    assert len(ag.follow_up_schedule(signed, date(2026, 12, 8))) == 2


def test_number_format_and_sequence() -> None:
    assert ag.format_number(2026, "城关镇人民调解委员会", 1) == "〔2026〕城调字第0001号"
    assert ag.committee_for("城关镇") == "城关镇人民调解委员会"
    assert ag.committee_for("城关镇人民调解委员会") == "城关镇人民调解委员会"
    assert ag.number_seq("〔2026〕城调字第0042号") == 42
    assert ag.number_seq("LJ-2026-000001") is None


def test_outcome_maps_onto_the_case_flow() -> None:
    assert ag.outcome_actions(CaseState.IN_PROGRESS) == (FlowAction.FEEDBACK,)
    assert ag.outcome_actions(CaseState.ASSIGNED) == (FlowAction.START, FlowAction.FEEDBACK)
    assert ag.outcome_actions(CaseState.SUSPENDED) == (FlowAction.RESUME, FlowAction.FEEDBACK)
    for state in (CaseState.ACCEPTED, CaseState.CLOSED, CaseState.FEEDBACK, CaseState.VOIDED):
        with pytest.raises(AgreementRefused) as info:
            ag.outcome_actions(state)
        assert info.value.code == ag.CASE_NOT_IN_HAND
    c = content()
    unsigned = record(c, "party:1")
    with pytest.raises(AgreementRefused) as info:
        ag.check_outcome(unsigned, MediationOutcome.SUCCESS, None)
    assert info.value.code == ag.NOT_FULLY_SIGNED
    with pytest.raises(AgreementRefused) as info:
        ag.check_outcome(unsigned, MediationOutcome.FAILED, None)
    assert info.value.code == ag.CHANNEL_REQUIRED
    ag.check_outcome(unsigned, MediationOutcome.FAILED, Channel.LITIGATION)
    done = record(c, outcome=MediationOutcome.FAILED)
    with pytest.raises(AgreementRefused) as info:
        ag.check_outcome(done, MediationOutcome.FAILED, Channel.LITIGATION)
    assert info.value.code == ag.OUTCOME_RECORDED
    assert "诉讼" in ag.outcome_opinion(unsigned, MediationOutcome.FAILED, Channel.LITIGATION, "")


def test_plain_text_for_the_parties_page_shows_every_field() -> None:
    c = content()
    text = ag.plain_text(record(c))
    for value in (
        c.number,
        c.committee,
        c.case_number,
        c.facts,
        c.disputed_matters,
        c.responsibilities,
        c.agreed_terms,
        c.performance_manner,
        c.performance_place,
        "2099年12月31日",
        "一式3份",
        ag.content_sha256(c),
        "李调解",
        *(v for p in c.parties for v in (p.name, p.id_number, p.address, p.side.zh)),
    ):
        assert value in text, value
