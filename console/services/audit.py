"""Audit log verification and reading."""

from __future__ import annotations

from console.core.audit_chain import AuditEntry, ChainProblem
from console.store.repos import audit
from console.store.store import Store


def verify_sync(store: Store) -> list[ChainProblem]:
    return store.read_sync(audit.verify)


def count_sync(store: Store) -> int:
    return store.read_sync(audit.count)


def recent_sync(store: Store, limit: int = 100) -> list[AuditEntry]:
    return store.read_sync(lambda s: audit.recent(s, limit))
