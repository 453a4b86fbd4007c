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

# SQLite: FTS5 over a view, so each case has two columns: `body`, its term stream, and
# `tags`, its state, grid and the four regions above a grid-level grid as tokens (st<state>
# gr<grid id> ar<region id>..., and sa<state><region id>... for a state in an area, a far
# shorter list than either), so that the ledger's usual search (a word in a district in
# a state) is one intersection inside the index. External content: the index holds only
# postings; positions are kept (a run of terms is an exact phrase), sizes are not (no
# ranking). Triggers keep it: on the terms, and on a case's state or grid. Each must hand
# FTS5 the exact old values to delete. The region tree is read when a case is indexed: after
# moving a region to another parent, rebuild the index
# (INSERT INTO case_fts(case_fts) VALUES ('rebuild')).
_STATE = "replace({c}.state, '_', '')"
_AREAS = " || ".join(
    f"' ar' || coalesce(p{i}.id, 0) || ' sa' || {_STATE} || coalesce(p{i}.id, 0)"
    for i in range(1, 5)
)
TAGS_OF = (
    f"'st' || {_STATE} || ' gr' || coalesce({{c}}.grid_id, 0) || coalesce(("
    f"SELECT {_AREAS} FROM region g "
    "LEFT JOIN region p1 ON p1.id = g.parent_id LEFT JOIN region p2 ON p2.id = p1.parent_id "
    "LEFT JOIN region p3 ON p3.id = p2.parent_id LEFT JOIN region p4 ON p4.id = p3.parent_id "
    "WHERE g.id = {c}.grid_id AND g.level = 'grid'), '')"
)
FTS_SQL = (
    "CREATE VIEW case_search_src AS SELECT s.case_id AS case_id, s.body AS body, "
    f"{TAGS_OF.format(c='c')} AS tags "
    "FROM case_search s JOIN dispute_case c ON c.id = s.case_id",
    "CREATE VIRTUAL TABLE case_fts USING fts5(body, tags, content='case_search_src', "
    "content_rowid='case_id', columnsize=0, tokenize='unicode61 remove_diacritics 0')",
)
FTS_TRIGGERS = (
    "CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
    "INSERT INTO case_fts(rowid, body, tags) "
    f"SELECT new.case_id, new.body, {TAGS_OF.format(c='c')} "
    "FROM dispute_case c WHERE c.id = new.case_id; END",
    "CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, body, tags) "
    f"SELECT 'delete', old.case_id, old.body, {TAGS_OF.format(c='c')} "
    "FROM dispute_case c WHERE c.id = old.case_id; END",
    "CREATE TRIGGER case_search_au AFTER UPDATE OF body ON case_search BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, body, tags) "
    f"SELECT 'delete', old.case_id, old.body, {TAGS_OF.format(c='c')} "
    "FROM dispute_case c WHERE c.id = old.case_id; "
    "INSERT INTO case_fts(rowid, body, tags) "
    f"SELECT new.case_id, new.body, {TAGS_OF.format(c='c')} "
    "FROM dispute_case c WHERE c.id = new.case_id; END",
    "CREATE TRIGGER case_search_tags_au AFTER UPDATE OF state, grid_id ON dispute_case "
    "WHEN old.state IS NOT new.state OR old.grid_id IS NOT new.grid_id BEGIN "
    "INSERT INTO case_fts(case_fts, rowid, body, tags) "
    f"SELECT 'delete', old.id, s.body, {TAGS_OF.format(c='old')} "
    "FROM case_search s WHERE s.case_id = old.id; "
    "INSERT INTO case_fts(rowid, body, tags) "
    f"SELECT new.id, s.body, {TAGS_OF.format(c='new')} "
    "FROM case_search s WHERE s.case_id = new.id; END",
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
        for statement in FTS_SQL:
            op.execute(statement)
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
        for name in ("case_search_tags_au", "case_search_au", "case_search_ad", "case_search_ai"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS case_fts")
        op.execute("DROP VIEW IF EXISTS case_search_src")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_case_search_terms")
    with op.batch_alter_table("dispute_case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_supervision")
        batch_op.drop_index("ix_case_risk_level")
        batch_op.drop_index("ix_case_deadline")
        batch_op.drop_index("ix_case_created_at")
    op.drop_table("case_search")
