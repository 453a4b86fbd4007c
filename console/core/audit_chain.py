"""The hash chain of the audit log: each row's hash covers its content and the previous hash.

Changing a row breaks its own hash; inserting or deleting one breaks the sequence or the
link to its neighbour; deleting the newest rows is caught by the separately kept head.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class AuditEntry:
    seq: int
    at: str
    """ISO 8601 UTC timestamp, as stored."""
    actor_id: int | None
    action: str
    target_kind: str
    target_id: str
    detail: str
    prev_hash: str
    row_hash: str


def entry_hash(
    *,
    seq: int,
    at: str,
    actor_id: int | None,
    action: str,
    target_kind: str,
    target_id: str,
    detail: str,
    prev_hash: str,
) -> str:
    canonical = json.dumps(
        [seq, at, actor_id, action, target_kind, target_id, detail, prev_hash],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int
    reason: str


def verify_chain(
    entries: Iterable[AuditEntry], head_seq: int | None, head_hash: str | None
) -> list[ChainProblem]:
    """Every break in the chain, in order; an empty list means the log is intact."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev = GENESIS
    last_seq = 0
    for e in entries:
        if e.seq != expected_seq:
            kind = "missing rows (deleted)" if e.seq > expected_seq else "duplicate or inserted row"
            problems.append(
                ChainProblem(e.seq, f"sequence jumps from {expected_seq - 1} to {e.seq}: {kind}")
            )
        if e.prev_hash != prev:
            problems.append(
                ChainProblem(
                    e.seq, "link to the previous row is broken (row inserted or removed before it)"
                )
            )
        recomputed = entry_hash(
            seq=e.seq,
            at=e.at,
            actor_id=e.actor_id,
            action=e.action,
            target_kind=e.target_kind,
            target_id=e.target_id,
            detail=e.detail,
            prev_hash=e.prev_hash,
        )
        if recomputed != e.row_hash:
            problems.append(ChainProblem(e.seq, "row content was changed after it was written"))
        prev = e.row_hash
        expected_seq = e.seq + 1
        last_seq = e.seq
    if head_seq is not None and (head_seq != last_seq or head_hash != prev):
        problems.append(
            ChainProblem(
                last_seq,
                f"newest rows are missing: the log ends at {last_seq}, head says {head_seq}",
            )
        )
    return problems
