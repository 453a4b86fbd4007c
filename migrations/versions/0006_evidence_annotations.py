"""evidence_annotation: boxes, arrows and texts drawn on a case's evidence at a time

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 03:40:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evidence_annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at_ms", sa.Integer(), nullable=False),
        sa.Column("geometry", sa.Text(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["media_asset.id"],
            name=op.f("fk_evidence_annotation_asset_id_media_asset"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["dispute_case.id"],
            name=op.f("fk_evidence_annotation_case_id_dispute_case"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["app_user.id"],
            name=op.f("fk_evidence_annotation_author_id_app_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evidence_annotation")),
    )
    with op.batch_alter_table("evidence_annotation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_evidence_annotation_asset_id"), ["asset_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_evidence_annotation_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("evidence_annotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_evidence_annotation_case_id"))
        batch_op.drop_index(batch_op.f("ix_evidence_annotation_asset_id"))
    op.drop_table("evidence_annotation")
