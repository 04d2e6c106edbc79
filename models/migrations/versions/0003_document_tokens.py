"""document_tokens: one tokenization per document, made once and stored

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "document_tokens",
        sa.Column("document_id", sa.Integer(), nullable=False),
        # 'file': the tokens a labeled file brought; 'spacy': made by the project's tokenizer
        sa.Column("source", sa.String(length=10), nullable=False),
        sa.Column("made_by", sa.String(length=200), nullable=False, server_default=""),
        sa.Column("starts", sa.JSON(), nullable=False),
        sa.Column("ends", sa.JSON(), nullable=False),
        sa.Column("sentences", sa.JSON(), nullable=True),
        sa.Column("columns", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name="fk_document_tokens_document_id_documents"),
        sa.PrimaryKeyConstraint("document_id", name="pk_document_tokens"),
    )


def downgrade() -> None:
    op.drop_table("document_tokens")
