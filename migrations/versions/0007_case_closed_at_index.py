"""dispute_case.closed_at index: statistics count the cases closed in a period

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 04:25:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Plain CREATE INDEX, not batch mode: a batch table copy on SQLite would drop the ledger
    # search triggers of 0005.
    op.create_index("ix_case_closed_at", "dispute_case", ["closed_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_case_closed_at", table_name="dispute_case")
