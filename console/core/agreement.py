"""The 人民调解协议书 (DESIGN.md §6): its fields, content hash, and the rules of signing it.

A signer signs the *content hash*: the sha256 of a canonical serialisation of every field
printed on the agreement. Once anyone has signed, the content is frozen, so that each
signature stays a signature of what the signer read. Services call the `check_*` functions
and they raise `AgreementRefused` with a stable code and a reason an operator can read.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta

from console.core.case_flow import TRANSITIONS
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
from console.core.registration import id_problem, phone_problem

FORMAT_VERSION = 1
JUDICIAL_CONFIRM_WITHIN = timedelta(days=30)
# 回访: a week after signing (is it being performed?) and a month after (did it hold?).
FOLLOW_UP_AFTER = (timedelta(days=7), timedelta(days=30))
COMMITTEE_SUFFIX = "人民调解委员会"
TEXT_MAX = 4000
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

# Refusal codes: stable strings the UI and the citizen page can match on.
NOT_EDITABLE = "not_editable"
INCOMPLETE = "incomplete"
UNKNOWN_SIGNER = "unknown_signer"
ALREADY_SIGNED = "already_signed"
CONTENT_CHANGED = "content_changed"
CLOSED = "closed"
EMPTY_SIGNATURE = "empty_signature"
NOT_FULLY_SIGNED = "not_fully_signed"
OUTCOME_RECORDED = "outcome_recorded"
CASE_NOT_IN_HAND = "case_not_in_hand"
CHANNEL_REQUIRED = "channel_required"
NOT_FOUND = "not_found"


class AgreementRefused(ValueError):
    """An agreement operation that the rules forbid; `code` is stable, `reason` is for people."""

    def __init__(self, code: str, reason: str, problems: dict[str, str] | None = None) -> None:
        self.code = code
        self.reason = reason
        self.problems = dict(problems or {})
        super().__init__(reason)


@dataclass(frozen=True, slots=True)
class AgreementParty:
    key: str
    """Stable signer key, `party:<party id>` for parties registered on the case."""
    side: PartyRole
    name: str
    id_type: IdType = IdType.RESIDENT_ID
    id_number: str = ""
    address: str = ""
    phone: str = ""


@dataclass(frozen=True, slots=True)
class AgreementMediator:
    key: str
    """`mediator:<user id>`."""
    name: str


@dataclass(frozen=True, slots=True)
class AgreementContent:
    """Everything printed on the agreement except signatures: what a signer agrees to."""

    number: str
    committee: str
    case_id: int
    case_number: str
    room_id: int | None
    mediators: tuple[AgreementMediator, ...]
    parties: tuple[AgreementParty, ...]
    facts: str = ""
    disputed_matters: str = ""
    responsibilities: str = ""
    agreed_terms: str = ""
    performance_manner: str = ""
    performance_place: str = ""
    performance_deadline: date | None = None
    copies: int = 3


@dataclass(frozen=True, slots=True)
class SignatureRecord:
    id: int
    signer_key: str
    signer_name: str
    role: SignerRole
    signed_at: datetime
    image_sha256: str
    content_sha256: str


@dataclass(frozen=True, slots=True)
class FollowUpRecord:
    id: int
    agreement_id: int
    due_at: datetime
    done_at: datetime | None
    note: str


@dataclass(frozen=True, slots=True)
class AgreementRecord:
    """An agreement as read back from the store: content, signatures, what happened after."""

    id: int
    state: AgreementState
    content: AgreementContent
    content_sha256: str
    signatures: tuple[SignatureRecord, ...]
    created_at: datetime
    signed_at: datetime | None = None
    judicial_deadline: datetime | None = None
    judicial_state: JudicialConfirmState | None = None
    follow_ups: tuple[FollowUpRecord, ...] = ()
    outcome: MediationOutcome | None = None
    outcome_channel: Channel | None = None
    outcome_note: str = ""
    room_name: str = ""
    category_zh: str = ""

    @property
    def editable(self) -> bool:
        return not self.signatures and self.state is AgreementState.DRAFT

    @property
    def fully_signed(self) -> bool:
        return not missing_signers(self.content, (s.signer_key for s in self.signatures))


@dataclass(frozen=True, slots=True)
class Verification:
    """The result of recomputing every hash of a stored agreement."""

    content_ok: bool
    stored_sha256: str
    computed_sha256: str
    bad_signatures: tuple[str, ...] = field(default=())
    """Signer keys whose image no longer matches its hash or who signed other content."""

    @property
    def ok(self) -> bool:
        return self.content_ok and not self.bad_signatures


# --- keys and numbers


def party_key(party_id: int) -> str:
    return f"party:{party_id}"


NEW_PARTY_KEY = ""
"""The key of a party added in the editor; the store registers it on the case and keys it."""


def party_id_of(key: str) -> int | None:
    prefix, _, number = key.partition(":")
    return int(number) if prefix == "party" and number.isdigit() else None


def mediator_key(user_id: int) -> str:
    return f"mediator:{user_id}"


def committee_for(place: str) -> str:
    place = place.strip()
    return place if place.endswith(COMMITTEE_SUFFIX) else f"{place}{COMMITTEE_SUFFIX}"


def committee_abbr(committee: str) -> str:
    """The one-character abbreviation in the number: 城关镇人民调解委员会 → 城."""
    name = committee.strip().removesuffix(COMMITTEE_SUFFIX).strip()
    return name[:1] or "人"


def number_prefix(year: int, committee: str) -> str:
    return f"〔{year}〕{committee_abbr(committee)}调字第"


def format_number(year: int, committee: str, seq: int) -> str:
    """〔2026〕城调字第0001号: numbered per committee (abbreviation) and year."""
    return f"{number_prefix(year, committee)}{seq:04d}号"


_NUMBER = re.compile(r"〔(\d{4})〕(.)调字第(\d{4,})号")


def number_seq(number: str) -> int | None:
    m = _NUMBER.fullmatch(number)
    return int(m.group(3)) if m else None


# --- the content hash


def _jsonable(content: AgreementContent) -> dict[str, object]:
    data = asdict(content)
    data["v"] = FORMAT_VERSION
    data["performance_deadline"] = (
        content.performance_deadline.isoformat() if content.performance_deadline else None
    )
    data["parties"] = [
        {**asdict(p), "side": p.side.code, "id_type": p.id_type.code} for p in content.parties
    ]
    data["mediators"] = [asdict(m) for m in content.mediators]
    return data


def canonical_bytes(content: AgreementContent) -> bytes:
    """Sorted keys, no whitespace, UTF-8: the same content gives the same bytes everywhere."""
    return json.dumps(
        _jsonable(content), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode("utf-8")


def content_sha256(content: AgreementContent) -> str:
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def image_sha256(image: bytes) -> str:
    return hashlib.sha256(image).hexdigest()


def parties_to_json(parties: Iterable[AgreementParty]) -> str:
    return json.dumps(
        [{**asdict(p), "side": p.side.code, "id_type": p.id_type.code} for p in parties],
        ensure_ascii=False,
    )


def parties_from_json(text: str) -> tuple[AgreementParty, ...]:
    return tuple(
        AgreementParty(
            key=str(p["key"]),
            side=PartyRole(p["side"]),
            name=str(p["name"]),
            id_type=IdType(p.get("id_type", IdType.RESIDENT_ID.code)),
            id_number=str(p.get("id_number", "")),
            address=str(p.get("address", "")),
            phone=str(p.get("phone", "")),
        )
        for p in json.loads(text or "[]")
    )


def mediators_to_json(mediators: Iterable[AgreementMediator]) -> str:
    return json.dumps([asdict(m) for m in mediators], ensure_ascii=False)


def mediators_from_json(text: str) -> tuple[AgreementMediator, ...]:
    return tuple(
        AgreementMediator(key=str(m["key"]), name=str(m["name"])) for m in json.loads(text or "[]")
    )


# --- validation before signing


def validate(content: AgreementContent, today: date | None = None) -> dict[str, str]:
    """Field → reason for every field that must be filled before anyone may sign."""
    problems: dict[str, str] = {}

    def need(name: str, value: str, label: str) -> None:
        if not value.strip():
            problems[name] = f"请填写{label} ({name.replace('_', ' ')} is required)"
        elif len(value) > TEXT_MAX:
            problems[name] = f"{label}不超过{TEXT_MAX}字 (at most {TEXT_MAX} characters)"

    need("number", content.number, "协议书编号")
    need("committee", content.committee, "调解委员会")
    need("facts", content.facts, "纠纷事实")
    need("disputed_matters", content.disputed_matters, "争议事项")
    need("agreed_terms", content.agreed_terms, "协议内容")
    need("performance_manner", content.performance_manner, "履行方式")
    if content.performance_deadline is None:
        problems["performance_deadline"] = "请填写履行期限 (performance deadline is required)"
    elif today is not None and content.performance_deadline < today:
        problems["performance_deadline"] = "履行期限已过 (the performance deadline has passed)"
    if not any(m.name.strip() for m in content.mediators):
        problems["mediators"] = "须有调解员 (a mediator is required)"
    if len(content.parties) < 2:
        problems["parties"] = "当事人至少两方 (at least two parties)"
    sides = {p.side for p in content.parties}
    if content.parties and not sides & {PartyRole.APPLICANT, PartyRole.RESPONDENT}:
        problems["parties"] = "须有申请人或被申请人 (an applicant or a respondent is required)"
    keys = [p.key for p in content.parties] + [m.key for m in content.mediators]
    if len(set(keys)) != len(keys):
        problems["parties"] = "签署人重复 (a signer appears twice)"
    for i, p in enumerate(content.parties):
        prefix = f"parties.{i}."
        if not p.name.strip():
            problems[prefix + "name"] = "请填写姓名 (name is required)"
        if not p.id_number.strip():
            problems[prefix + "id_number"] = "请填写证件号码 (ID number is required)"
        else:
            reason = id_problem(p.id_type, p.id_number)
            if reason:
                problems[prefix + "id_number"] = reason
        if not p.address.strip():
            problems[prefix + "address"] = "请填写住址 (address is required)"
        if p.phone.strip():
            reason = phone_problem(p.phone)
            if reason:
                problems[prefix + "phone"] = reason
    needed_copies = len(content.parties) + 1
    if content.copies < needed_copies:
        problems["copies"] = (
            f"份数至少{needed_copies}份：每方当事人一份，调解委员会留存一份 "
            f"(at least {needed_copies}: one per party and one for the committee)"
        )
    return problems


# --- the rules of editing and signing


def expected_signers(content: AgreementContent) -> dict[str, SignerRole]:
    signers = {p.key: SignerRole.PARTY for p in content.parties}
    signers.update({m.key: SignerRole.MEDIATOR for m in content.mediators})
    return signers


def missing_signers(content: AgreementContent, signed_keys: Iterable[str]) -> tuple[str, ...]:
    done = set(signed_keys)
    return tuple(k for k in expected_signers(content) if k not in done)


def check_editable(state: AgreementState, signature_count: int) -> None:
    if signature_count:
        raise AgreementRefused(
            NOT_EDITABLE,
            f"协议书已有{signature_count}人签署，不能再修改；如需修改请作废后重新拟定 "
            "(already signed: it can no longer be changed)",
        )
    if state is not AgreementState.DRAFT:
        raise AgreementRefused(
            NOT_EDITABLE, f"协议书处于“{state.zh}”状态，不能修改 (not a draft: {state.en})"
        )


def check_can_sign(
    record: AgreementRecord,
    signer_key: str,
    content_sha256_seen: str,
    image: bytes,
    today: date | None = None,
) -> SignerRole:
    """The signer's role if `signer_key` may sign now; raises `AgreementRefused` otherwise."""
    if record.state in (AgreementState.VOIDED, AgreementState.CONFIRMED) or record.outcome:
        raise AgreementRefused(
            CLOSED, f"协议书已“{record.state.zh}”，不能再签署 (closed to signing)"
        )
    role = expected_signers(record.content).get(signer_key)
    if role is None:
        raise AgreementRefused(
            UNKNOWN_SIGNER, "签署人不是本协议书的当事人或调解员 (not a signer of this agreement)"
        )
    if any(s.signer_key == signer_key for s in record.signatures):
        raise AgreementRefused(ALREADY_SIGNED, "已经签署过，不能重复签署 (already signed)")
    current = content_sha256(record.content)
    if content_sha256_seen != current:
        raise AgreementRefused(
            CONTENT_CHANGED,
            "您阅读后协议书内容已变更，请重新阅读后再签署 "
            "(the agreement changed since you read it)",
        )
    if not image.startswith(PNG_MAGIC):
        raise AgreementRefused(
            EMPTY_SIGNATURE, "签名为空或不是PNG图片 (the signature is empty or not a PNG image)"
        )
    problems = validate(record.content, today if not record.signatures else None)
    if problems:
        raise AgreementRefused(
            INCOMPLETE,
            "协议书尚未填写完整：" + "；".join(problems.values()),
            problems,
        )
    return role


def state_after_signing(content: AgreementContent, signed_keys: Iterable[str]) -> AgreementState:
    return (
        AgreementState.SIGNED
        if not missing_signers(content, signed_keys)
        else (AgreementState.SIGNING)
    )


def judicial_deadline(fully_signed_at: datetime) -> datetime:
    """司法确认 must be applied for within 30 days of the agreement taking effect."""
    return fully_signed_at + JUDICIAL_CONFIRM_WITHIN


def judicial_state_at(
    state: JudicialConfirmState | None, deadline: datetime | None, now: datetime
) -> JudicialConfirmState | None:
    """A pending confirmation whose deadline has passed reads as lapsed."""
    if state is JudicialConfirmState.PENDING and deadline is not None and now > deadline:
        return JudicialConfirmState.LAPSED
    return state


def follow_up_schedule(
    signed_at: datetime, performance_deadline: date | None
) -> tuple[datetime, ...]:
    """回访 dates: a week and a month after signing, and the day after performance is due."""
    due = {signed_at + d for d in FOLLOW_UP_AFTER}
    if performance_deadline is not None:
        after = datetime.combine(performance_deadline + timedelta(days=1), signed_at.time())
        if all(abs(after - d) > timedelta(days=3) for d in due) and after > signed_at:
            due.add(after)
    return tuple(sorted(due))


# --- the outcome and the case flow

# A mediator concludes a mediation by giving feedback (办理 → 反馈); a case assigned but not
# started is started first, a suspended one resumed. Review and closing stay with the
# supervisor, as for every other case.
_TO_FEEDBACK = (FlowAction.START, FlowAction.RESUME, FlowAction.FEEDBACK)


def outcome_actions(state: CaseState) -> tuple[FlowAction, ...]:
    """The flow actions that take a case in `state` to 反馈; refused if none do."""
    path: list[FlowAction] = []
    current = state
    while not path or path[-1] is not FlowAction.FEEDBACK:
        step = next(
            ((a, TRANSITIONS[(current, a)]) for a in _TO_FEEDBACK if (current, a) in TRANSITIONS),
            None,
        )
        if step is None or len(path) > len(_TO_FEEDBACK):
            raise AgreementRefused(
                CASE_NOT_IN_HAND,
                f"案件处于“{state.zh}”状态，须交办并开始办理后才能登记调解结果 "
                f"(the case is {state.en.lower()}: it must be assigned and in hand)",
            )
        path.append(step[0])
        current = step[1]
    return tuple(path)


def check_outcome(
    record: AgreementRecord, outcome: MediationOutcome, channel: Channel | None
) -> None:
    if record.outcome is not None:
        raise AgreementRefused(
            OUTCOME_RECORDED,
            f"调解结果已登记为“{record.outcome.zh}” (the outcome is already recorded)",
        )
    if outcome is MediationOutcome.SUCCESS and not record.fully_signed:
        missing = len(missing_signers(record.content, (s.signer_key for s in record.signatures)))
        raise AgreementRefused(
            NOT_FULLY_SIGNED,
            f"协议书还有{missing}人未签署，不能登记调解成功 ({missing} signatures missing)",
        )
    if outcome is MediationOutcome.FAILED and channel is None:
        raise AgreementRefused(
            CHANNEL_REQUIRED, "调解不成须选择移交的渠道 (choose the channel it is referred to)"
        )


def outcome_opinion(
    record: AgreementRecord, outcome: MediationOutcome, channel: Channel | None, note: str
) -> str:
    """The flow-log opinion: what a later reader of the case needs to know."""
    if outcome is MediationOutcome.SUCCESS:
        text = f"调解成功，达成人民调解协议书{record.content.number}"
    else:
        text = f"调解不成，建议转{channel.zh if channel else ''}"
    return f"{text}。{note.strip()}" if note.strip() else text


def plain_text(record: AgreementRecord) -> str:
    """The agreement as the parties read it on their page: every signed field, in order."""
    c = record.content
    deadline = c.performance_deadline
    lines = [
        f"人民调解协议书　{c.number}",
        f"调解委员会：{c.committee}",
        f"案件编号：{c.case_number}",
        "",
        *(
            f"{p.side.zh}：{p.name}，{p.id_type.zh}：{p.id_number}，"
            f"住址：{p.address or '—'}，电话：{p.phone or '—'}"
            for p in c.parties
        ),
        "调解员：" + "、".join(m.name for m in c.mediators),
        "",
        f"纠纷事实：{c.facts}",
        f"争议事项：{c.disputed_matters}",
        f"各方责任：{c.responsibilities or '—'}",
        f"经调解，当事人自愿达成如下协议：{c.agreed_terms}",
        f"履行方式：{c.performance_manner}",
        f"履行地点：{c.performance_place or '—'}",
        "履行期限："
        + (f"{deadline.year}年{deadline.month}月{deadline.day}日" if deadline else "—"),
        f"本协议书一式{c.copies}份，当事人各执一份，{c.committee}留存一份。",
        "",
        f"协议内容SHA-256：{record.content_sha256}",
    ]
    return "\n".join(lines)
