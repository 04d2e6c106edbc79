"""document_categories: labels of the whole document (topic, stance), one row per layer and
category, accepted, rejected or suggested

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("suggester", sa.String(length=200), nullable=True),
        sa.Column("state", sa.String(length=20), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["layer_id"], ["layers.id"], ondelete="CASCADE",
                                name=op.f("fk_document_categories_layer_id_layers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_categories")),
        sa.UniqueConstraint("layer_id", "category",
                            name=op.f("uq_document_categories_layer_id")),
    )
    op.create_index("ix_document_categories_task_id", "document_categories", ["task_id"])


def downgrade() -> None:
    op.drop_index("ix_document_categories_task_id", table_name="document_categories")
    op.drop_table("document_categories")
