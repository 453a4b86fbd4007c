"""agreement: party and mediator snapshots, the mediation outcome

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 21:35:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        # Existing rows get empty lists; the server default stays harmless afterwards.
        batch_op.add_column(sa.Column("parties", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("mediators", sa.Text(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("updated_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("outcome", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("outcome_channel", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("outcome_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("outcome_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_column("outcome_at")
        batch_op.drop_column("outcome_note")
        batch_op.drop_column("outcome_channel")
        batch_op.drop_column("outcome")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("mediators")
        batch_op.drop_column("parties")
