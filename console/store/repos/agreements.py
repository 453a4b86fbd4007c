"""Agreements (人民调解协议书): draft from a case, edit, sign, conclude, follow up, verify."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from console.core import agreement as ag
from console.core.agreement import (
    AgreementContent,
    AgreementMediator,
    AgreementParty,
    AgreementRecord,
    AgreementRefused,
    FollowUpRecord,
    SignatureRecord,
    Verification,
)
from console.core.clock import utcnow
from console.core.codes import (
    AgreementState,
    CaseState,
    Channel,
    DisputeCategory,
    FlowAction,
    IdType,
    JudicialConfirmState,
    MediationOutcome,
    PartyRole,
    RegionLevel,
    ResolutionMethod,
    Role,
    SignerRole,
)
from console.core.registration import normalise_id, sex_from_id
from console.store.models import (
    Agreement,
    AgreementSignature,
    Case,
    FollowUp,
    MemberUnit,
    Party,
    Region,
    Room,
    User,
)
from console.store.repos import cases

# Where the committee's name comes from: the nearest town, else village, else county.
_COMMITTEE_LEVELS = (RegionLevel.TOWN, RegionLevel.VILLAGE, RegionLevel.COUNTY)


def _day(d: datetime | None) -> date | None:
    return d.date() if d is not None else None


def _require(session: Session, agreement_id: int, *, lock: bool = False) -> Agreement:
    row = session.get(Agreement, agreement_id, with_for_update=lock)
    if row is None:
        raise AgreementRefused(ag.NOT_FOUND, f"协议书 {agreement_id} 不存在 (no such agreement)")
    return row


def content_of(session: Session, row: Agreement) -> AgreementContent:
    case_number = session.scalar(select(Case.number).where(Case.id == row.case_id)) or ""
    return AgreementContent(
        number=row.number,
        committee=row.committee,
        case_id=row.case_id,
        case_number=case_number,
        room_id=row.room_id,
        mediators=ag.mediators_from_json(row.mediators),
        parties=ag.parties_from_json(row.parties),
        facts=row.facts,
        disputed_matters=row.disputed_matters,
        responsibilities=row.responsibilities,
        agreed_terms=row.agreed_terms,
        performance_manner=row.performance_manner,
        performance_place=row.performance_place or "",
        performance_deadline=_day(row.performance_deadline),
        copies=row.copies,
    )


def _signatures(session: Session, agreement_id: int) -> list[AgreementSignature]:
    return list(
        session.scalars(
            select(AgreementSignature)
            .where(AgreementSignature.agreement_id == agreement_id)
            .order_by(AgreementSignature.signed_at, AgreementSignature.id)
        )
    )


def _follow_up(f: FollowUp) -> FollowUpRecord:
    return FollowUpRecord(f.id, f.agreement_id, f.due_at, f.done_at, f.note)


def get(session: Session, agreement_id: int) -> AgreementRecord:
    row = _require(session, agreement_id)
    sigs = _signatures(session, agreement_id)
    follow_ups = session.scalars(
        select(FollowUp).where(FollowUp.agreement_id == agreement_id).order_by(FollowUp.due_at)
    )
    room_name = (
        session.scalar(select(Room.name).where(Room.id == row.room_id)) if row.room_id else None
    )
    category = session.scalar(select(Case.category).where(Case.id == row.case_id))
    return AgreementRecord(
        id=row.id,
        state=AgreementState(row.state),
        content=content_of(session, row),
        content_sha256=row.content_sha256 or "",
        signatures=tuple(
            SignatureRecord(
                s.id,
                s.signer_key,
                s.signer_name,
                SignerRole(s.signer_role),
                s.signed_at,
                s.image_sha256,
                s.content_sha256,
            )
            for s in sigs
        ),
        created_at=row.created_at,
        signed_at=row.signed_at,
        judicial_deadline=row.judicial_confirm_deadline,
        judicial_state=ag.judicial_state_at(
            JudicialConfirmState(row.judicial_confirm_state)
            if row.judicial_confirm_state
            else None,
            row.judicial_confirm_deadline,
            utcnow(),
        ),
        follow_ups=tuple(_follow_up(f) for f in follow_ups),
        outcome=MediationOutcome(row.outcome) if row.outcome else None,
        outcome_channel=Channel(row.outcome_channel) if row.outcome_channel else None,
        outcome_note=row.outcome_note or "",
        room_name=room_name or "",
        category_zh=DisputeCategory(category).zh if category else "",
    )


def current_for_case(session: Session, case_id: int) -> int | None:
    """The case's newest agreement that is not voided: the one a room continues with."""
    return session.scalar(
        select(Agreement.id)
        .where(Agreement.case_id == case_id, Agreement.state != AgreementState.VOIDED.code)
        .order_by(Agreement.id.desc())
        .limit(1)
    )


def signature_images(session: Session, agreement_id: int) -> dict[str, bytes]:
    return {s.signer_key: s.image or b"" for s in _signatures(session, agreement_id)}


# --- drafting


def _committee(session: Session, case: Case, mediator: User | None) -> str:
    region = session.get(Region, case.grid_id) if case.grid_id else None
    found: dict[str, str] = {}
    while region is not None:
        found.setdefault(region.level, region.name)
        region = session.get(Region, region.parent_id) if region.parent_id else None
    for level in _COMMITTEE_LEVELS:
        if level.code in found:
            return ag.committee_for(found[level.code])
    if mediator is not None and mediator.unit_id is not None:
        unit = session.get(MemberUnit, mediator.unit_id)
        if unit is not None:
            return ag.committee_for(unit.name)
    return ag.COMMITTEE_SUFFIX


def next_number(session: Session, committee: str, year: int) -> str:
    prefix = ag.number_prefix(year, committee)
    numbers = session.scalars(select(Agreement.number).where(Agreement.number.like(f"{prefix}%")))
    seqs = [s for s in (ag.number_seq(n) for n in numbers) if s is not None]
    return ag.format_number(year, committee, max(seqs, default=0) + 1)


def draft_for_case(
    session: Session, case_id: int, room_id: int | None, operator_id: int, now: datetime
) -> tuple[int, bool]:
    """(agreement id, created): the case's current agreement, or a new one filled from the case."""
    existing = current_for_case(session, case_id)
    if existing is not None:
        return existing, False
    case = session.get(Case, case_id)
    if case is None:
        raise AgreementRefused(ag.NOT_FOUND, f"案件 {case_id} 不存在 (no such case)")
    room = session.get(Room, room_id) if room_id is not None else None
    mediator_id = room.mediator_id if room is not None and room.mediator_id else operator_id
    mediator = session.get(User, mediator_id)
    committee = _committee(session, case, mediator)
    parties = tuple(
        AgreementParty(
            key=ag.party_key(p.id),
            side=PartyRole(p.role),
            name=p.name,
            id_type=IdType(p.id_type),
            id_number=p.id_number or "",
            address=p.address or "",
            phone=p.phone or "",
        )
        for p in session.scalars(select(Party).where(Party.case_id == case_id).order_by(Party.id))
    )
    mediators = (
        (AgreementMediator(ag.mediator_key(mediator.id), mediator.display_name),)
        if mediator is not None
        else ()
    )
    row = Agreement(
        number=next_number(session, committee, now.year),
        case_id=case_id,
        room_id=room_id,
        committee=committee,
        state=AgreementState.DRAFT.code,
        facts=case.summary,
        disputed_matters=case.title,
        responsibilities="",
        agreed_terms="",
        performance_manner="",
        performance_place=case.place or "",
        copies=max(3, len(parties) + 1),
        parties=ag.parties_to_json(parties),
        mediators=ag.mediators_to_json(mediators),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    row.content_sha256 = ag.content_sha256(content_of(session, row))
    session.flush()
    return row.id, True


def update(
    session: Session, agreement_id: int, content: AgreementContent, now: datetime
) -> tuple[str, list[int]]:
    """Store the edited fields (case and room stay as drafted).

    Returns the new content hash and the ids of parties added to the case on the way.
    """
    row = _require(session, agreement_id, lock=True)
    ag.check_editable(AgreementState(row.state), len(_signatures(session, agreement_id)))
    committee = content.committee.strip()
    if ag.committee_abbr(committee) != ag.committee_abbr(row.committee):
        # The number carries the committee's abbreviation: another committee, another series.
        row.number = next_number(session, committee, row.created_at.year)
    row.committee = committee
    row.mediators = ag.mediators_to_json(content.mediators)
    parties, added = _keyed(session, row.case_id, content.parties)
    row.parties = ag.parties_to_json(parties)
    row.facts = content.facts
    row.disputed_matters = content.disputed_matters
    row.responsibilities = content.responsibilities
    row.agreed_terms = content.agreed_terms
    row.performance_manner = content.performance_manner
    row.performance_place = content.performance_place
    row.performance_deadline = (
        datetime.combine(content.performance_deadline, datetime.min.time())
        if content.performance_deadline
        else None
    )
    row.copies = content.copies
    row.updated_at = now
    session.flush()
    row.content_sha256 = ag.content_sha256(content_of(session, row))
    session.flush()
    return row.content_sha256, added


def _keyed(
    session: Session, case_id: int, parties: tuple[AgreementParty, ...]
) -> tuple[list[AgreementParty], list[int]]:
    """Parties added in the editor become parties of the case, so a room seat can sign as one."""
    keyed, added = [], []
    for p in parties:
        party_id = ag.party_id_of(p.key)
        known = session.get(Party, party_id) if party_id is not None else None
        if known is None or known.case_id != case_id:
            known = Party(
                case_id=case_id,
                role=p.side.code,
                name=p.name.strip(),
                id_type=p.id_type.code,
                id_number=normalise_id(p.id_number) or None,
                sex=sex_from_id(p.id_type, p.id_number).code,
                phone=p.phone.strip() or None,
                address=p.address.strip() or None,
            )
            session.add(known)
            session.flush()
            p = dataclasses.replace(p, key=ag.party_key(known.id))
            added.append(known.id)
        keyed.append(p)
    return keyed, added


# --- signing


def sign(
    session: Session,
    agreement_id: int,
    *,
    signer_key: str,
    signer_name: str,
    image: bytes,
    content_sha256_seen: str,
    now: datetime,
) -> tuple[SignatureRecord, bool]:
    """(the signature, whether this one completed the agreement); refusals per core rules."""
    row = _require(session, agreement_id, lock=True)
    record = get(session, agreement_id)
    if record.content_sha256 != ag.content_sha256(record.content):
        # The stored fields no longer hash to what was last saved: nobody may sign that.
        raise AgreementRefused(
            ag.CONTENT_CHANGED, "协议书内容校验失败，不能签署 (the stored content fails its hash)"
        )
    role = ag.check_can_sign(record, signer_key, content_sha256_seen, image, now.date())
    expected = {p.key: p.name for p in record.content.parties}
    expected.update({m.key: m.name for m in record.content.mediators})
    sig = AgreementSignature(
        agreement_id=agreement_id,
        signer_key=signer_key,
        signer_name=signer_name.strip() or expected[signer_key],
        signer_role=role.code,
        signed_at=now,
        image=image,
        image_sha256=ag.image_sha256(image),
        content_sha256=record.content_sha256,
    )
    session.add(sig)
    session.flush()
    signed_keys = [s.signer_key for s in record.signatures] + [signer_key]
    state = ag.state_after_signing(record.content, signed_keys)
    row.state = state.code
    completed = state is AgreementState.SIGNED
    if completed:
        row.signed_at = now
        row.judicial_confirm_deadline = ag.judicial_deadline(now)
        row.judicial_confirm_state = JudicialConfirmState.PENDING.code
        for due in ag.follow_up_schedule(now, record.content.performance_deadline):
            session.add(FollowUp(agreement_id=agreement_id, due_at=due, note=""))
    session.flush()
    return (
        SignatureRecord(
            sig.id, signer_key, sig.signer_name, role, now, sig.image_sha256, sig.content_sha256
        ),
        completed,
    )


def verify(session: Session, agreement_id: int) -> Verification:
    """Recompute the content hash from the stored fields and each signature image's hash."""
    row = _require(session, agreement_id)
    computed = ag.content_sha256(content_of(session, row))
    stored = row.content_sha256 or ""
    bad = tuple(
        s.signer_key
        for s in _signatures(session, agreement_id)
        if ag.image_sha256(s.image or b"") != s.image_sha256 or s.content_sha256 != computed
    )
    return Verification(computed == stored, stored, computed, bad)


# --- after signing


def record_outcome(
    session: Session,
    agreement_id: int,
    *,
    outcome: MediationOutcome,
    channel: Channel | None,
    note: str,
    actor_id: int,
    role: Role,
    unit_id: int | None,
    now: datetime,
) -> tuple[FlowAction, ...]:
    """Conclude the mediation: the agreement's outcome and the case's flow steps to 反馈."""
    row = _require(session, agreement_id, lock=True)
    record = get(session, agreement_id)
    ag.check_outcome(record, outcome, channel)
    case = session.get(Case, row.case_id)
    assert case is not None  # a foreign key
    actions = ag.outcome_actions(CaseState(case.state))
    opinion = ag.outcome_opinion(record, outcome, channel, note)
    for action in actions:
        last = action is FlowAction.FEEDBACK
        cases.advance(
            session,
            case.id,
            action,
            actor_id=actor_id,
            role=role,
            opinion=opinion if last else "",
            unit_id=unit_id,
            channel=channel if last else None,
            now=now,
        )
    succeeded = outcome is MediationOutcome.SUCCESS
    case.success = succeeded
    case.method = (ResolutionMethod.MEDIATION if succeeded else ResolutionMethod.REFERRAL).code
    case.result_account = opinion
    row.outcome = outcome.code
    row.outcome_channel = channel.code if channel else None
    row.outcome_note = note.strip()
    row.outcome_at = now
    if not succeeded:
        # No agreement was reached: the draft (and any partial signatures) is void.
        row.state = AgreementState.VOIDED.code
    session.flush()
    return actions


def set_judicial_state(session: Session, agreement_id: int, state: JudicialConfirmState) -> None:
    row = _require(session, agreement_id, lock=True)
    if row.signed_at is None:
        raise AgreementRefused(
            ag.NOT_FULLY_SIGNED, "协议书未签署完成，不能申请司法确认 (not fully signed)"
        )
    row.judicial_confirm_state = state.code
    if state is JudicialConfirmState.CONFIRMED:
        row.state = AgreementState.CONFIRMED.code
    session.flush()


def follow_ups_due(session: Session, before: datetime) -> list[FollowUpRecord]:
    rows = session.scalars(
        select(FollowUp)
        .where(FollowUp.done_at.is_(None), FollowUp.due_at <= before)
        .order_by(FollowUp.due_at)
    )
    return [_follow_up(f) for f in rows]


def mark_follow_up_done(session: Session, follow_up_id: int, note: str, now: datetime) -> int:
    """The follow-up's agreement id; a visit already done keeps its first record."""
    f = session.get(FollowUp, follow_up_id, with_for_update=True)
    if f is None:
        raise AgreementRefused(ag.NOT_FOUND, f"回访 {follow_up_id} 不存在 (no such follow-up)")
    if f.done_at is None:
        f.done_at = now
        f.note = note.strip()
        session.flush()
    return f.agreement_id
