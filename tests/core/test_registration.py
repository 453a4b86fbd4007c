"""Registration drafts: field rules in operator words, repeat callers, the JSON round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest

from console.core import idcard
from console.core import registration as reg
from console.core.codes import DisputeCategory, EventScale, IdType, PartyRole, Sex, Urgency
from console.core.registration import EarlierContact, PartyDraft, RegistrationDraft

NOW = datetime(2026, 11, 26, 12, 0)
GOOD_ID = idcard.make_id("110101", date(1980, 5, 17), 123)  # serial 123: odd, a man
BAD_ID = GOOD_ID[:17] + ("0" if GOOD_ID[17] != "0" else "1")


def _good() -> RegistrationDraft:
    return RegistrationDraft(
        parties=(
            PartyDraft(PartyRole.APPLICANT, "张三", IdType.RESIDENT_ID, GOOD_ID, "13800138000"),
            PartyDraft(PartyRole.RESPONDENT, "李四"),
        ),
        category=DisputeCategory.NEIGHBOUR,
        urgency=Urgency.URGENT,
        scale=EventScale.SMALL_GROUP,
        people_count=2,
        occurred_at=NOW - timedelta(days=2),
        place="建国路12号",
        summary="楼上漏水，协商未果",
    )


def test_a_complete_draft_has_no_problems() -> None:
    assert reg.validate(_good(), NOW) == {}


def _party0(**kw: object) -> RegistrationDraft:
    d = _good()
    return replace(d, parties=(replace(d.parties[0], **kw), d.parties[1]))


@pytest.mark.parametrize(
    ("draft", "field", "words"),
    [
        (_party0(id_number=BAD_ID), "parties.0.id_number", "校验位"),
        (_party0(id_number=BAD_ID), "parties.0.id_number", "check digit"),
        (_party0(id_number="11010119800230123X"), "parties.0.id_number", "出生日期不存在"),
        (_party0(id_number="1234"), "parties.0.id_number", "18位"),
        (_party0(id_number="11010119800101123A"), "parties.0.id_number", "末位为数字或X"),
        (
            _party0(id_number=idcard.make_id("110101", date(2090, 1, 1), 1)),
            "parties.0.id_number",
            "出生日期不合理",
        ),
        (_party0(name="  "), "parties.0.name", "姓名"),
        (_party0(phone="12345"), "parties.0.phone", "电话号码格式不正确"),
        (_party0(phone="", id_number=""), "parties.0.phone", "电话或身份证号"),
        (replace(_good(), category=None), "category", "事件类别"),
        (replace(_good(), summary=" \n"), "summary", "简要情况"),
        (replace(_good(), place="", grid_id=None), "place", "地点"),
        (replace(_good(), occurred_at=None), "occurred_at", "事发时间"),
        (replace(_good(), occurred_at=NOW + timedelta(hours=1)), "occurred_at", "晚于现在"),
        (replace(_good(), occurred_at=datetime(1948, 12, 31)), "occurred_at", "1949"),
        (_party0(address="路" * 201), "parties.0.address", "200"),
        (replace(_good(), place="街" * 201), "place", "200"),
        (replace(_good(), people_count=0), "people_count", "涉及人数"),
        (replace(_good(), people_count=1), "people_count", "少于"),
        (replace(_good(), parties=()), "parties", "当事人"),
    ],
)
def test_each_bad_field_is_refused_with_its_reason(
    draft: RegistrationDraft, field: str, words: str
) -> None:
    problems = reg.validate(draft, NOW)
    assert words in problems[field]
    # Chinese first, English after it.
    assert problems[field].index("(") > 0


def test_phone_formats_and_their_canonical_form() -> None:
    for ok, canonical in [
        ("13800138000", "13800138000"),
        ("+86 138 0013 8000", "13800138000"),
        ("010-12345678", "010-12345678"),
        ("0571 8888 6666", "0571-88886666"),
        ("02112345678-801", "021-12345678-801"),
    ]:
        assert reg.phone_problem(ok) is None, ok
        assert reg.normalise_phone(ok) == canonical
    for bad in ["12800138000", "1380013800", "12345678", "abc"]:
        assert reg.phone_problem(bad) is not None, bad


def test_other_documents_are_not_held_to_the_resident_id_rule() -> None:
    assert reg.id_problem(IdType.PASSPORT, "E12345678") is None
    assert reg.id_problem(IdType.PASSPORT, "E1") is not None
    assert reg.sex_from_id(IdType.RESIDENT_ID, GOOD_ID) is Sex.MALE
    assert reg.sex_from_id(IdType.RESIDENT_ID, BAD_ID) is Sex.UNKNOWN


def test_repeat_caller_same_id_or_phone_within_thirty_days() -> None:
    keys = reg.caller_keys(_good())
    recent = EarlierContact(7, NOW - timedelta(days=29), id_number=GOOD_ID.lower())
    by_phone = EarlierContact(8, NOW - timedelta(days=3), phone="+86 13800138000")
    old = EarlierContact(9, NOW - timedelta(days=31), id_number=GOOD_ID)
    stranger = EarlierContact(10, NOW - timedelta(days=1), phone="13900139000")
    assert reg.earlier_case(keys, [recent], NOW) == 7
    assert reg.earlier_case(keys, [recent, by_phone, old, stranger], NOW) == 8  # the newest
    assert reg.earlier_case(keys, [old, stranger], NOW) is None


def test_only_callers_and_valid_numbers_count_for_repeats() -> None:
    d = _good()
    respondent_only = replace(
        d, parties=(PartyDraft(PartyRole.RESPONDENT, "李四", phone="13800138000"),)
    )
    assert reg.caller_keys(respondent_only) == (frozenset(), frozenset())
    half_typed = _party0(id_number=GOOD_ID[:10], phone="1380")
    assert reg.caller_keys(half_typed) == (frozenset(), frozenset())
    ids, phones = reg.caller_keys(half_typed, call_id_number=GOOD_ID, call_phone="010-12345678")
    assert ids == {GOOD_ID} and phones == {"010-12345678"}


def test_json_round_trip_and_damaged_fields_fall_back() -> None:
    d = replace(_good(), grid_id=42, grid_name="一网格", call_id=3, call_ticket="T00003")
    assert reg.from_json(reg.to_json(d)) == d
    blank = RegistrationDraft()
    assert reg.from_json(reg.to_json(blank)) == blank
    damaged = (
        '{"v":1,"parties":[{"role":"gone","name":"王五"},7],"category":"retired",'
        '"urgency":"x","people_count":"lots","occurred_at":"yesterday","summary":"漏水"}'
    )
    got = reg.from_json(damaged)
    assert got.parties == (PartyDraft(PartyRole.APPLICANT, "王五"),)
    assert got.category is DisputeCategory.OTHER and got.urgency is Urgency.NORMAL
    assert got.people_count == 1 and got.occurred_at is None and got.summary == "漏水"
    with pytest.raises(ValueError):
        reg.from_json("[1, 2]")


def test_prefilled_from_a_call_and_the_title() -> None:
    d = reg.prefilled(5, "张三", "13800138000", GOOD_ID, NOW.replace(second=30), ticket="T5")
    assert d.parties[0].name == "张三" and d.call_id == 5 and d.occurred_at == NOW
    assert reg.case_title(replace(d, category=DisputeCategory.LABOUR)) == "张三劳资纠纷"
