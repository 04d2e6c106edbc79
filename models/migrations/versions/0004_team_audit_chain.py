"""audit_log.prev_hash and audit_log.hash (the chain that tells a rewritten history) and
one accepted span per layer, offsets, label and fragments (uq_spans_accepted)

On a team database (PostgreSQL after `marginalia team init`) a trigger fills both hash
columns on every insert; elsewhere they stay empty. Accepted duplicates stored before the
index existed (concurrent writers) are kept, as rejected, except the oldest of each.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def fragments_key() -> str:
    """The fragments as comparable text (NULL for most spans, and NULLs never clash)."""
    return "coalesce(nullif(CAST(fragments AS TEXT), 'null'), '')"


def upgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("prev_hash", sa.String(64), nullable=True))
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    key = f'layer_id, start, "end", label, {fragments_key()}'
    op.execute(f"""
        UPDATE spans SET state = 'rejected', version = version + 1
        WHERE state = 'accepted' AND id NOT IN (
            SELECT min(id) FROM spans WHERE state = 'accepted' GROUP BY {key})""")
    op.execute(f"CREATE UNIQUE INDEX uq_spans_accepted ON spans ({key}) "
               "WHERE state = 'accepted'")


def downgrade() -> None:
    op.execute("DROP INDEX uq_spans_accepted")
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("hash")
        batch.drop_column("prev_hash")
