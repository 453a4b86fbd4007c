"""Registration drafts, repeat callers, and turning a draft into a case in one transaction."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from console.core import registration as reg
from console.core.clock import utcnow
from console.core.codes import AuditAction, CaseSource, Role
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change
from console.core.registration import DraftRefused, EarlierContact, RegistrationDraft
from console.store.models import Call, Case, Party, SavedDraft
from console.store.repos import audit, cases, media_assets


def _call_is(call_id: int | None):  # type: ignore[no-untyped-def]
    return SavedDraft.call_id.is_(None) if call_id is None else SavedDraft.call_id == call_id


def _current(session: Session, officer_id: int, call_id: int | None) -> SavedDraft | None:
    return session.scalars(
        select(SavedDraft)
        .where(SavedDraft.officer_id == officer_id, _call_is(call_id))
        .order_by(SavedDraft.updated_at.desc())
        .limit(1)
    ).first()


def save_draft(
    session: Session, officer_id: int, draft: RegistrationDraft, now: datetime | None = None
) -> int:
    """Keep the one current draft of this officer for this call (None: a walk-in)."""
    row = _current(session, officer_id, draft.call_id)
    payload = reg.to_json(draft)
    if row is None:
        row = SavedDraft(officer_id=officer_id, call_id=draft.call_id, payload=payload)
        session.add(row)
    row.payload = payload
    row.updated_at = now or utcnow()
    session.flush()
    return row.id


def load_draft(session: Session, officer_id: int, call_id: int | None) -> RegistrationDraft | None:
    row = _current(session, officer_id, call_id)
    return reg.from_json(row.payload) if row else None


def delete_draft(session: Session, officer_id: int, call_id: int | None) -> int:
    result = session.execute(
        delete(SavedDraft).where(SavedDraft.officer_id == officer_id, _call_is(call_id))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def open_drafts(session: Session, officer_id: int) -> list[RegistrationDraft]:
    """An officer's unregistered drafts, newest first: what a restart offers to resume."""
    rows = session.scalars(
        select(SavedDraft)
        .where(SavedDraft.officer_id == officer_id)
        .order_by(SavedDraft.updated_at.desc())
    )
    return [reg.from_json(r.payload) for r in rows]


def _keys(session: Session, draft: RegistrationDraft) -> tuple[frozenset[str], frozenset[str]]:
    call_id_number, call_phone = "", ""
    if draft.call_id is not None:
        call = session.get(Call, draft.call_id)
        if call is not None:
            call_id_number, call_phone = call.caller_id_number or "", call.caller_phone or ""
    return reg.caller_keys(draft, call_id_number=call_id_number, call_phone=call_phone)


def earlier_contacts(
    session: Session, keys: tuple[frozenset[str], frozenset[str]], now: datetime
) -> list[EarlierContact]:
    """Callers of cases registered within the repeat window who share an ID number or phone."""
    ids, phones = keys
    if not ids and not phones:
        return []
    since = now - reg.REPEAT_WINDOW
    caller_roles = [r.code for r in reg.CALLER_ROLES]
    party_rows = session.execute(
        select(Case.id, Case.created_at, Party.id_number, Party.phone)
        .join(Party, Party.case_id == Case.id)
        .where(
            Case.created_at >= since,
            Party.role.in_(caller_roles),
            or_(Party.id_number.in_(ids), Party.phone.in_(phones)),
        )
    )
    call_rows = session.execute(
        select(Case.id, Case.created_at, Call.caller_id_number, Call.caller_phone)
        .join(Call, Call.case_id == Case.id)
        .where(
            Case.created_at >= since,
            or_(Call.caller_id_number.in_(ids), Call.caller_phone.in_(phones)),
        )
    )
    return [
        EarlierContact(case_id=r[0], at=r[1], id_number=r[2] or "", phone=r[3] or "")
        for rows in (party_rows, call_rows)
        for r in rows
    ]


def repeat_case_id(
    session: Session, draft: RegistrationDraft, now: datetime | None = None
) -> int | None:
    now = now or utcnow()
    keys = _keys(session, draft)
    return reg.earlier_case(keys, earlier_contacts(session, keys, now), now)


def register(
    session: Session, draft: RegistrationDraft, *, actor_id: int, role: Role
) -> tuple[int, ChangeSet]:
    """Case, parties, 上报 → 受理 with its deadline, the call and repeat links; the draft goes."""
    now = utcnow()
    problems = reg.validate(draft, now)
    if problems:
        raise DraftRefused(problems)
    assert draft.category is not None  # validate refuses a draft without one
    earlier = repeat_case_id(session, draft, now)
    new = cases.NewCase(
        title=reg.case_title(draft),
        category=draft.category,
        summary=draft.summary.strip(),
        grid_id=draft.grid_id,
        urgency=draft.urgency,
        scale=draft.scale,
        source=CaseSource.VIDEO_PETITION if draft.call_id is not None else CaseSource.WALK_IN,
        place=(draft.place.strip() or draft.grid_name)[: reg.PLACE_MAX],
        people_count=draft.people_count,
    )
    case_id = cases.register(session, new, actor_id=actor_id, role=role)
    case = session.get(Case, case_id)
    assert case is not None
    case.occurred_at = draft.occurred_at
    case.repeat_of_id = earlier
    parties = [
        Party(
            case_id=case_id,
            role=p.role.code,
            name=p.name.strip(),
            id_type=p.id_type.code,
            id_number=reg.normalise_id(p.id_number) or None,
            sex=reg.sex_from_id(p.id_type, p.id_number).code,
            phone=reg.normalise_phone(p.phone) if p.phone.strip() else None,
            address=p.address.strip() or None,
        )
        for p in draft.parties
    ]
    session.add_all(parties)
    entities = [
        change(Entity.CASE, ChangeAction.CREATED, case_id),
        change(Entity.FLOW_STEP, ChangeAction.CREATED, case_id),
    ]
    if draft.call_id is not None:
        call = session.get(Call, draft.call_id)
        if call is not None:
            call.case_id = case_id
            entities.append(change(Entity.CALL, ChangeAction.UPDATED, call.id))
            # Recordings and snapshots taken before registration belong to the case too.
            linked = media_assets.link_call_to_case(session, call.id, case_id)
            if linked:
                entities.append(change(Entity.MEDIA_ASSET, ChangeAction.UPDATED, *linked))
    session.flush()
    entities.append(change(Entity.PARTY, ChangeAction.CREATED, *(p.id for p in parties)))
    delete_draft(session, actor_id, draft.call_id)
    detail = "registered" + (f"; repeat of case {earlier}" if earlier else "")
    audit.append(
        session,
        actor_id=actor_id,
        action=AuditAction.CASE_CHANGED,
        target_kind="case",
        target_id=case_id,
        detail=detail,
    )
    return case_id, ChangeSet(Operation.CASE_REGISTERED, actor_id, tuple(entities))
