"""Petition registration: the draft an officer types, its field rules, repeat callers, its JSON.

The draft is what the registration form holds while a call goes on. It is saved as JSON
every second or so (the format is defined here and nowhere else), checked field by field
in operator words, and turned into a case by the store when the officer registers it.
Problems are keyed by field (`FIELD_*` or `party_field(i, name)`), so the form can show
each reason beside the field it is about.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

from console.core import idcard
from console.core.codes import (
    CodeTable,
    DisputeCategory,
    EventScale,
    IdType,
    PartyRole,
    Sex,
    Urgency,
)

FORMAT_VERSION = 1
REPEAT_WINDOW = timedelta(days=30)
EARLIEST_OCCURRED = datetime(1949, 1, 1)
# Clocks of the console and of the caller's memory disagree by minutes, not hours.
FUTURE_SLACK = timedelta(minutes=5)
MAX_PEOPLE = 100_000
SUMMARY_MAX = 4000
# The widths of the store's columns: a longer value would be refused by PostgreSQL.
PARTY_LIMITS = {"name": 100, "id_number": 40, "phone": 32, "address": 200}
PLACE_MAX = 200

FIELD_PARTIES = "parties"
FIELD_CATEGORY = "category"
FIELD_OCCURRED_AT = "occurred_at"
FIELD_PLACE = "place"
FIELD_PEOPLE_COUNT = "people_count"
FIELD_SUMMARY = "summary"

# Roles whose ID and phone identify the person who calls: a repeat caller is one of them.
CALLER_ROLES = frozenset({PartyRole.APPLICANT, PartyRole.AGENT})

_MOBILE = re.compile(r"1[3-9]\d{9}")
# Area codes: 010 and 02X have three digits, all others four (031X, 057X, ...).
_LANDLINE = re.compile(r"(010|02\d|0[3-9]\d\d)-?(\d{7,8})(?:-(\d{1,6}))?")

# idcard speaks Chinese only; the form shows both languages, Chinese first.
_ID_REASON_EN = {
    "身份证号码应为18位": "an ID number has 18 characters",
    "身份证号码前17位须为数字，末位为数字或X": "17 digits, then a digit or X",
    "身份证号码中的出生日期不存在": "the birth date in it does not exist",
    "身份证号码中的出生日期不合理": "the birth date in it is impossible",
    "身份证号码校验位错误": "the ID number's check digit is wrong",
}


@dataclass(frozen=True, slots=True)
class PartyDraft:
    role: PartyRole = PartyRole.APPLICANT
    name: str = ""
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True, slots=True)
class RegistrationDraft:
    """Everything typed for one petition; times are naive UTC, like the store's."""

    parties: tuple[PartyDraft, ...] = (PartyDraft(),)
    category: DisputeCategory | None = None
    urgency: Urgency = Urgency.NORMAL
    scale: EventScale = EventScale.INDIVIDUAL
    people_count: int = 1
    occurred_at: datetime | None = None
    place: str = ""
    grid_id: int | None = None
    grid_name: str = ""
    summary: str = ""
    call_id: int | None = None
    call_ticket: str = ""


class DraftRefused(ValueError):
    """A draft that cannot become a case yet; `problems` says which fields and why."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("；".join(self.problems.values()))


def _too_long(limit: int) -> str:
    return f"不超过{limit}字 (at most {limit} characters)"


def party_field(index: int, name: str) -> str:
    return f"parties.{index}.{name}"


# --- normalising what was typed


def normalise_id(number: str) -> str:
    return number.strip().replace(" ", "").upper()


def normalise_phone(phone: str) -> str:
    """The canonical form stored and matched: 11-digit mobile, or 0AA-NNNNNNNN[-EXT]."""
    p = re.sub(r"[\s()（）]", "", phone)
    for prefix in ("+86", "0086"):
        if p.startswith(prefix):
            p = p[len(prefix) :].lstrip("-")
    if _MOBILE.fullmatch(p):
        return p
    m = _LANDLINE.fullmatch(p)
    if m:
        area, number, ext = m.groups()
        return f"{area}-{number}" + (f"-{ext}" if ext else "")
    return p


def phone_problem(phone: str) -> str | None:
    p = normalise_phone(phone)
    if _MOBILE.fullmatch(p) or _LANDLINE.fullmatch(p):
        return None
    return "电话号码格式不正确：手机11位，固话带区号 (mobile: 11 digits; landline: with area code)"


def id_problem(id_type: IdType, number: str, today: datetime | None = None) -> str | None:
    n = normalise_id(number)
    if id_type is not IdType.RESIDENT_ID:
        return None if len(n) >= 5 else "证件号码过短 (the document number is too short)"
    reason = idcard.validation_error(n, today.date() if today else None)
    if reason is None:
        return None
    english = _ID_REASON_EN.get(reason)
    return f"{reason} ({english})" if english else reason


def sex_from_id(id_type: IdType, number: str) -> Sex:
    """GB 11643: the 17th character is odd for men, even for women."""
    n = normalise_id(number)
    if id_type is not IdType.RESIDENT_ID or idcard.validation_error(n) is not None:
        return Sex.UNKNOWN
    return Sex.MALE if int(n[16]) % 2 else Sex.FEMALE


# --- field rules


def validate(draft: RegistrationDraft, now: datetime) -> dict[str, str]:
    """Problems by field, in operator words (Chinese first); empty when the draft may register."""
    problems: dict[str, str] = {}
    if not draft.parties:
        problems[FIELD_PARTIES] = "至少登记一名当事人 (at least one party is needed)"
    if not any(p.role is PartyRole.APPLICANT for p in draft.parties) and draft.parties:
        problems[FIELD_PARTIES] = "须有一名申请人 (one party must be the applicant)"
    for i, party in enumerate(draft.parties):
        for name, limit in PARTY_LIMITS.items():
            if len(getattr(party, name).strip()) > limit:
                problems[party_field(i, name)] = _too_long(limit)
        if not party.name.strip():
            problems[party_field(i, "name")] = "请填写姓名 (the name is required)"
        if party.id_number.strip() and party_field(i, "id_number") not in problems:
            reason = id_problem(party.id_type, party.id_number, now)
            if reason:
                problems[party_field(i, "id_number")] = reason
        if party.phone.strip() and party_field(i, "phone") not in problems:
            reason = phone_problem(party.phone)
            if reason:
                problems[party_field(i, "phone")] = reason
        elif (
            not party.phone.strip()
            and party.role is PartyRole.APPLICANT
            and not party.id_number.strip()
        ):
            # Without either there is no way back to the caller, nor to spot a repeat call.
            problems[party_field(i, "phone")] = (
                "申请人须留电话或身份证号 (the applicant needs a phone or an ID number)"
            )
    if draft.category is None:
        problems[FIELD_CATEGORY] = "请选择事件类别 (choose a category)"
    if draft.occurred_at is None:
        problems[FIELD_OCCURRED_AT] = "请填写事发时间 (when did it happen?)"
    elif draft.occurred_at > now + FUTURE_SLACK:
        problems[FIELD_OCCURRED_AT] = "事发时间不能晚于现在 (it cannot have happened in the future)"
    elif draft.occurred_at < EARLIEST_OCCURRED:
        problems[FIELD_OCCURRED_AT] = "事发时间不能早于1949年 (not before 1949)"
    if len(draft.place.strip()) > PLACE_MAX:
        problems[FIELD_PLACE] = _too_long(PLACE_MAX)
    elif not draft.place.strip() and draft.grid_id is None:
        problems[FIELD_PLACE] = "请填写事发地点或选择网格 (give the place or choose a grid)"
    if not 1 <= draft.people_count <= MAX_PEOPLE:
        problems[FIELD_PEOPLE_COUNT] = (
            f"涉及人数应在1至{MAX_PEOPLE}之间 (people involved: 1 to {MAX_PEOPLE})"
        )
    elif draft.people_count < len(draft.parties):
        problems[FIELD_PEOPLE_COUNT] = (
            "涉及人数少于登记的当事人数 (fewer people involved than parties listed)"
        )
    summary = draft.summary.strip()
    if not summary:
        problems[FIELD_SUMMARY] = "请填写事件简要情况 (the summary is required)"
    elif len(summary) > SUMMARY_MAX:
        problems[FIELD_SUMMARY] = (
            f"简要情况不超过{SUMMARY_MAX}字 (at most {SUMMARY_MAX} characters)"
        )
    return problems


def case_title(draft: RegistrationDraft) -> str:
    """The ledger's title: the applicant and the kind of matter, as officers name cases."""
    applicant = next((p.name.strip() for p in draft.parties if p.role is PartyRole.APPLICANT), "")
    kind = draft.category.zh if draft.category else "矛盾纠纷"
    return f"{applicant}{kind}" if applicant else kind


# --- repeat callers


@dataclass(frozen=True, slots=True)
class EarlierContact:
    """One way an earlier case can be reached: a caller's ID number or phone, and when."""

    case_id: int
    at: datetime
    id_number: str = ""
    phone: str = ""


def caller_keys(
    draft: RegistrationDraft, *, call_id_number: str = "", call_phone: str = ""
) -> tuple[frozenset[str], frozenset[str]]:
    """The normalised ID numbers and phones of the callers in a draft and of its call.

    Invalid values are skipped: a half-typed number must not match someone else's.
    """
    ids = {
        normalise_id(p.id_number)
        for p in draft.parties
        if p.role in CALLER_ROLES and id_problem(p.id_type, p.id_number) is None
    }
    phones = {
        normalise_phone(p.phone)
        for p in draft.parties
        if p.role in CALLER_ROLES and p.phone.strip() and phone_problem(p.phone) is None
    }
    if call_id_number.strip() and id_problem(IdType.RESIDENT_ID, call_id_number) is None:
        ids.add(normalise_id(call_id_number))
    if call_phone.strip() and phone_problem(call_phone) is None:
        phones.add(normalise_phone(call_phone))
    return frozenset(ids), frozenset(phones)


def earlier_case(
    keys: tuple[frozenset[str], frozenset[str]],
    contacts: Iterable[EarlierContact],
    now: datetime,
) -> int | None:
    """The most recent earlier case of the same caller (same ID or phone) within 30 days."""
    ids, phones = keys
    since = now - REPEAT_WINDOW
    best: EarlierContact | None = None
    for c in contacts:
        if c.at < since or c.at > now:
            continue
        same_id = bool(c.id_number) and normalise_id(c.id_number) in ids
        same_phone = bool(c.phone) and normalise_phone(c.phone) in phones
        if (same_id or same_phone) and (best is None or c.at > best.at):
            best = c
    return best.case_id if best else None


# --- JSON: the one definition of the saved draft's format

C = TypeVar("C", bound=CodeTable)


def _code(table: type[C], value: Any, default: C) -> C:
    try:
        return table(value)
    except ValueError:
        # A code retired since the draft was saved: keep the rest of what was typed.
        return default


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def to_json(draft: RegistrationDraft) -> str:
    data = {
        "v": FORMAT_VERSION,
        "parties": [
            {
                "role": p.role.code,
                "name": p.name,
                "id_type": p.id_type.code,
                "id_number": p.id_number,
                "phone": p.phone,
                "address": p.address,
            }
            for p in draft.parties
        ],
        "category": draft.category.code if draft.category else None,
        "urgency": draft.urgency.code,
        "scale": draft.scale.code,
        "people_count": draft.people_count,
        "occurred_at": draft.occurred_at.isoformat() if draft.occurred_at else None,
        "place": draft.place,
        "grid_id": draft.grid_id,
        "grid_name": draft.grid_name,
        "summary": draft.summary,
        "call_id": draft.call_id,
        "call_ticket": draft.call_ticket,
    }
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def from_json(text: str) -> RegistrationDraft:
    """A draft back from its JSON; unknown or damaged fields fall back to their defaults."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("a registration draft is a JSON object")
    parties = tuple(
        PartyDraft(
            role=_code(PartyRole, p.get("role"), PartyRole.APPLICANT),
            name=_str(p.get("name")),
            id_type=_code(IdType, p.get("id_type"), IdType.RESIDENT_ID),
            id_number=_str(p.get("id_number")),
            phone=_str(p.get("phone")),
            address=_str(p.get("address")),
        )
        for p in data.get("parties") or []
        if isinstance(p, dict)
    )
    occurred: datetime | None = None
    if isinstance(data.get("occurred_at"), str):
        try:
            occurred = datetime.fromisoformat(data["occurred_at"])
        except ValueError:
            occurred = None
    category = data.get("category")
    people = _int(data.get("people_count"))
    return RegistrationDraft(
        parties=parties,
        category=_code(DisputeCategory, category, DisputeCategory.OTHER) if category else None,
        urgency=_code(Urgency, data.get("urgency"), Urgency.NORMAL),
        scale=_code(EventScale, data.get("scale"), EventScale.INDIVIDUAL),
        people_count=people if people is not None else 1,
        occurred_at=occurred,
        place=_str(data.get("place")),
        grid_id=_int(data.get("grid_id")),
        grid_name=_str(data.get("grid_name")),
        summary=_str(data.get("summary")),
        call_id=_int(data.get("call_id")),
        call_ticket=_str(data.get("call_ticket")),
    )


def prefilled(
    call_id: int | None,
    caller_name: str,
    phone: str,
    id_number: str,
    now: datetime,
    ticket: str = "",
) -> RegistrationDraft:
    """A new draft for a call: the caller as applicant, happening now until told otherwise."""
    applicant = PartyDraft(
        role=PartyRole.APPLICANT, name=caller_name, id_number=id_number, phone=phone
    )
    return RegistrationDraft(
        parties=(applicant,),
        occurred_at=now.replace(second=0, microsecond=0),
        call_id=call_id,
        call_ticket=ticket,
    )
