"""The audit log on a real SQLite file: appends chain, and tampering is found by `audit verify`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from console.core.codes import AuditAction
from console.services import audit as audit_service
from console.store.engine import sqlite_path
from console.store.repos import audit
from console.store.store import Store


def _append(store: Store, n: int) -> None:
    for i in range(n):
        store.write_sync(
            lambda s, i=i: (
                audit.append(
                    s, actor_id=1, action=AuditAction.VIEW_LIVE, target_kind="camera", target_id=i
                ),
                None,
            )
        )


def _verify_cli(url: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "console", "audit", "verify", "--db", url],
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_intact_log_verifies(store: Store) -> None:
    _append(store, 20)
    assert audit_service.verify_sync(store) == []
    assert audit_service.count_sync(store) == 20
    out = _verify_cli(store.url)
    assert out.returncode == 0 and "20 rows" in out.stdout


def _tamper(store: Store, sql: str) -> None:
    store.close()
    path = sqlite_path(store.url)
    conn = sqlite3.connect(path)
    conn.execute(sql)
    conn.commit()
    conn.close()


def test_changed_row_is_found(store: Store) -> None:
    _append(store, 10)
    _tamper(store, "UPDATE audit_log SET detail='nothing to see' WHERE seq=4")
    out = _verify_cli(store.url)
    assert out.returncode == 1 and "row 4" in out.stdout and "changed" in out.stdout


def test_deleted_row_is_found(store: Store) -> None:
    _append(store, 10)
    _tamper(store, "DELETE FROM audit_log WHERE seq=6")
    out = _verify_cli(store.url)
    assert out.returncode == 1 and "missing" in out.stdout


def test_deleted_newest_row_is_found(store: Store) -> None:
    _append(store, 10)
    _tamper(store, "DELETE FROM audit_log WHERE seq=10")
    out = _verify_cli(store.url)
    assert out.returncode == 1 and "newest rows are missing" in out.stdout


def test_inserted_row_is_found(store: Store) -> None:
    _append(store, 5)
    _tamper(
        store,
        "INSERT INTO audit_log (seq, at, actor_id, action, target_kind, target_id, detail,"
        " prev_hash, row_hash)"
        " SELECT 99, at, actor_id, action, target_kind, target_id, detail, prev_hash, row_hash"
        " FROM audit_log WHERE seq=3",
    )
    out = _verify_cli(store.url)
    assert out.returncode == 1
