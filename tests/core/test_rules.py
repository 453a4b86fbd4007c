"""Passwords, audit chain, deadlines, ID numbers and change-set serialisation."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from console.core import audit_chain, idcard, passwords
from console.core.codes import CaseState, DeadlineStatus, DisputeCategory, Urgency
from console.core.deadlines import deadline_status, resolution_deadline
from console.core.events import ChangeAction, ChangeSet, Entity, Operation, change


def test_password_hash_is_salted_and_verifies() -> None:
    a = passwords.hash_password("correct horse", n=2**10)
    b = passwords.hash_password("correct horse", n=2**10)
    assert a != b
    assert passwords.verify_password("correct horse", a)
    assert not passwords.verify_password("wrong horse", a)
    assert not passwords.verify_password("x", "garbage")
    with pytest.raises(passwords.WeakPassword):
        passwords.check_strength("short")


def _chain(n: int) -> list[audit_chain.AuditEntry]:
    prev = audit_chain.GENESIS
    out = []
    for seq in range(1, n + 1):
        fields = dict(
            seq=seq,
            at=f"2026-11-26T00:00:{seq:02d}Z",
            actor_id=1,
            action="view_live",
            target_kind="camera",
            target_id=str(seq),
            detail="",
            prev_hash=prev,
        )
        h = audit_chain.entry_hash(**fields)
        out.append(audit_chain.AuditEntry(**fields, row_hash=h))
        prev = h
    return out


def test_audit_chain_detects_change_insert_delete() -> None:
    rows = _chain(6)
    assert audit_chain.verify_chain(rows, 6, rows[-1].row_hash) == []
    changed = [*rows[:2], dataclasses.replace(rows[2], detail="edited"), *rows[3:]]
    assert audit_chain.verify_chain(changed, 6, rows[-1].row_hash)
    deleted = rows[:2] + rows[3:]
    assert audit_chain.verify_chain(deleted, 6, rows[-1].row_hash)
    assert audit_chain.verify_chain(rows[:5], 6, rows[-1].row_hash)  # newest row removed
    inserted = [*rows[:3], dataclasses.replace(rows[3], seq=4), *rows[3:]]
    assert audit_chain.verify_chain(inserted, 6, rows[-1].row_hash)


def test_deadlines() -> None:
    t0 = datetime(2026, 11, 1)
    assert resolution_deadline(DisputeCategory.NEIGHBOUR, Urgency.NORMAL, t0) == t0 + timedelta(
        days=15
    )
    assert resolution_deadline(
        DisputeCategory.LAND_REQUISITION, Urgency.VERY_URGENT, t0
    ) == t0 + timedelta(days=3)
    d = t0 + timedelta(days=10)
    assert deadline_status(CaseState.IN_PROGRESS, d, t0) is DeadlineStatus.NORMAL
    assert (
        deadline_status(CaseState.IN_PROGRESS, d, d - timedelta(days=1)) is DeadlineStatus.DUE_SOON
    )
    assert (
        deadline_status(CaseState.IN_PROGRESS, d, d + timedelta(seconds=1))
        is DeadlineStatus.OVERDUE
    )
    assert deadline_status(CaseState.CLOSED, d, d + timedelta(days=9)) is DeadlineStatus.DONE


def test_id_numbers() -> None:
    good = idcard.make_id("330102", date(1985, 3, 7), 123)
    assert idcard.validation_error(good) is None
    bad_check = good[:17] + ("0" if good[17] != "0" else "1")
    assert "校验位" in (idcard.validation_error(bad_check) or "")
    assert "出生日期" in (idcard.validation_error("330102198502301234") or "")
    assert "18位" in (idcard.validation_error("12345") or "")


@given(
    st.lists(
        st.tuples(
            st.sampled_from(list(Entity)),
            st.sampled_from(list(ChangeAction)),
            st.lists(st.integers(1, 10**9), max_size=5),
        ),
        max_size=6,
    ),
    st.one_of(st.none(), st.integers(1, 10**6)),
)
def test_change_set_round_trips(changes: list, initiator: int | None) -> None:  # type: ignore[type-arg]
    cs = ChangeSet(
        Operation.CASE_ADVANCED, initiator, tuple(change(e, a, *ids) for e, a, ids in changes)
    )
    back = ChangeSet.from_json(cs.to_json(), origin="o", seq=7, committed_at=1.0)
    assert back.changes == cs.changes and back.initiator_id == initiator and back.seq == 7
