"""ledger search: case terms (SQLite FTS5 / PostgreSQL GIN), indexes for the column sorts

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 03:30:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from console.core.ledger_text import case_body

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# External content: the FTS5 index holds only the postings, `case_search` the term streams.
# Positions are kept (phrases make a run of terms exact); sizes are not (no ranking).
FTS_SQL = (
    "CREATE VIRTUAL TABLE case_fts USING fts5(body, content='case_search', "
    "content_rowid='case_id', columnsize=0, tokenize='unicode61 remove_diacritics 0')"
)
FTS_TRIGGERS = (
    "CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
    "INSERT INTO case_fts(rowid, body) VALUES (new.case_id, new.body); END",
    "CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.case_id, old.body); END",
    "CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, body) VALUES ('delete', old.case_id, old.body); "
    "INSERT INTO case_fts(rowid, body) VALUES (new.case_id, new.body); END",
)
PG_INDEX_SQL = (
    "CREATE INDEX ix_case_search_terms ON case_search USING gin (string_to_array(body, ' '))"
)
BACKFILL_CHUNK = 5000


def upgrade() -> None:
    op.create_table(
        "case_search",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_case_search_case_id_dispute_case"),
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_search")),
    )
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.create_index("ix_case_created_at", ["created_at"], unique=False)
        batch_op.create_index("ix_case_deadline", ["deadline"], unique=False)
        batch_op.create_index("ix_case_risk_level", ["risk_level"], unique=False)
        batch_op.create_index("ix_case_supervision", ["supervision"], unique=False)
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(FTS_SQL)
        for trigger in FTS_TRIGGERS:
            op.execute(trigger)
    elif bind.dialect.name == "postgresql":
        op.execute(PG_INDEX_SQL)
    _backfill(bind)


def _backfill(bind: sa.engine.Connection) -> None:
    """Terms for the cases that exist already (the FTS5 triggers index them as they go in)."""
    search = sa.table("case_search", sa.column("case_id"), sa.column("body"))
    last = 0
    while True:
        rows = bind.execute(
            sa.text(
                "SELECT id, title, summary, number FROM dispute_case WHERE id > :last "
                "ORDER BY id LIMIT :n"
            ),
            {"last": last, "n": BACKFILL_CHUNK},
        ).all()
        if not rows:
            return
        bind.execute(
            search.insert(),
            [{"case_id": r[0], "body": case_body(r[1], r[2], r[3])} for r in rows],
        )
        last = rows[-1][0]


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for name in ("case_search_au", "case_search_ad", "case_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS case_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_search_terms")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_supervision")
        batch_op.drop_index("ix_case_risk_level")
        batch_op.drop_index("ix_case_deadline")
        batch_op.drop_index("ix_case_created_at")
    op.drop_table("case_search")
