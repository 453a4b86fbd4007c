"""Migrations on SQLite and PostgreSQL: upgrade from empty, downgrade, no drift, refusals."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from console.store import migrate


def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return set(inspect(conn).get_table_names())
    finally:
        engine.dispose()


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_upgrade_downgrade_and_no_drift(
    backend: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = (
        f"sqlite:///{tmp_path / 'm.sqlite'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_fresh_db")
    )
    result = migrate.upgrade(url)
    assert result.before is None and result.after == migrate.head_revision()
    assert {"dispute_case", "audit_log", "camera", "change_log"} <= _tables(url)
    assert migrate.check_drift(url) is None
    migrate.downgrade(url, "base")
    assert _tables(url) <= {"alembic_version"}
    assert migrate.upgrade(url).after == migrate.head_revision()
    assert migrate.current_revision(url) == migrate.head_revision()


def test_sqlite_runs_in_wal_with_foreign_keys(sqlite_url: str) -> None:
    from console.store.engine import make_engine

    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()


def test_not_a_database_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "notes.sqlite"
    f.write_bytes(b"this is a text file, not a database\n" * 10)
    before = f.read_bytes()
    with pytest.raises(migrate.DatabaseRefused, match="不是数据库文件"):
        migrate.upgrade(f"sqlite:///{f}")
    assert f.read_bytes() == before


def test_corrupt_database_is_refused_untouched(tmp_path: Path) -> None:
    f = tmp_path / "c.sqlite"
    migrate.upgrade(f"sqlite:///{f}")
    for suffix in ("-wal", "-shm"):
        Path(str(f) + suffix).unlink(missing_ok=True)
    data = bytearray(f.read_bytes())
    data[100:108] = b"\x0d\x00\x00\xff\xff\xff\xff\x00"  # schema page header: nonsense cells
    data[len(data) // 2 : len(data) // 2 + 2000] = b"\xa5" * 2000
    f.write_bytes(bytes(data))
    before = f.read_bytes()
    with pytest.raises(migrate.DatabaseRefused, match="损坏"):
        migrate.upgrade(f"sqlite:///{f}")
    assert f.read_bytes() == before


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "other.sqlite"
    conn = sqlite3.connect(f)
    conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.commit()
    conn.close()
    before = f.read_bytes()
    with pytest.raises(migrate.DatabaseRefused, match="不是本指挥台"):
        migrate.upgrade(f"sqlite:///{f}")
    assert f.read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "newer.sqlite"
    url = f"sqlite:///{f}"
    migrate.upgrade(url)
    conn = sqlite3.connect(f)
    conn.execute("UPDATE alembic_version SET version_num = 'ffff_from_the_future'")
    conn.commit()
    conn.close()
    with pytest.raises(migrate.DatabaseRefused, match="更新版本"):
        migrate.upgrade(url)


def test_older_database_is_backed_up_then_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "old.sqlite"
    url = f"sqlite:///{f}"
    migrate.upgrade(url)
    # Pretend the file is one revision behind by adding a harmless future migration.
    versions = tmp_path / "migrations"
    import shutil

    shutil.copytree(migrate.MIGRATIONS_DIR, versions)
    (versions / "versions" / "9999_test_extra.py").write_text(
        '"""test extra"""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '9999'\ndown_revision = '{migrate.head_revision()}'\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('extra_t', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('extra_t')\n"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", versions)
    result = migrate.upgrade(url)
    assert result.before != result.after == "9999"
    assert result.backup is not None and result.backup.exists()
    backup_conn = sqlite3.connect(result.backup)
    assert (
        backup_conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        == result.before
    )
    backup_conn.close()


def test_failed_migration_rolls_back_and_keeps_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "fail.sqlite"
    url = f"sqlite:///{f}"
    migrate.upgrade(url)
    head = migrate.head_revision()
    import shutil

    versions = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, versions)
    (versions / "versions" / "9998_broken.py").write_text(
        '"""broken"""\n'
        "import sqlalchemy as sa\nfrom alembic import op\n"
        f"revision = '9998'\ndown_revision = '{head}'\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('half_done', sa.Column('id', sa.Integer, primary_key=True))\n"
        "    op.execute('THIS IS NOT SQL')\n"
        "def downgrade():\n    pass\n"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", versions)
    with pytest.raises(Exception):  # noqa: B017 - whatever the driver raises
        migrate.upgrade(url)
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", migrate.MIGRATIONS_DIR)
    assert "half_done" not in _tables(url)
    conn = sqlite3.connect(f)
    assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == head
    conn.close()
    assert list(tmp_path.glob("fail.sqlite.*.bak")), "the backup must be kept"
