"""documents.chars: the length of the text, so lists never read the text itself

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("chars", sa.Integer(), server_default="0", nullable=False))
    # Python's len() and SQL's length() both count code points
    op.execute("UPDATE documents SET chars = length(text)")


def downgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.drop_column("chars")
