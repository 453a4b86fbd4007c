"""registration draft: what an officer has typed so far, per call

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:10:57.598479
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "registration_draft",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.Integer(), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["petition_call.id"],
            name=op.f("fk_registration_draft_call_id_petition_call"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["app_user.id"], name=op.f("fk_registration_draft_officer_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_draft")),
    )
    with op.batch_alter_table("registration_draft", schema=None) as batch_op:
        batch_op.create_index(
            "ix_registration_draft_officer_call", ["officer_id", "call_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("registration_draft", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_draft_officer_call")

    op.drop_table("registration_draft")
