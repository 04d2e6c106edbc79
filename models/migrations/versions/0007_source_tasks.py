"""source_tasks: imported tasks kept as themselves; spans.task_id/answer, relations.task_id

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "source_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("layer_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False, server_default="manual"),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["layer_id"], ["layers.id"], ondelete="CASCADE",
                                name=op.f("fk_source_tasks_layer_id_layers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_source_tasks")),
    )
    op.create_index("ix_source_tasks_layer_position", "source_tasks", ["layer_id", "position"])
    _add_task_column("spans")
    with op.batch_alter_table("spans") as batch:
        batch.add_column(sa.Column("answer", sa.String(length=10), nullable=True))
    _add_task_column("relations")


def _add_task_column(table: str) -> None:
    """A nullable, indexed task_id (no foreign key: see models.orm.Span.task_id). A plain
    ALTER TABLE ADD COLUMN on SQLite too, so spans are never copied (dropping the old table
    would cascade to relations and events)."""
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("task_id", sa.Integer(), nullable=True))
    op.create_index(f"ix_{table}_task_id", table, ["task_id"])


def downgrade() -> None:
    for table in ("relations", "spans"):
        op.drop_index(f"ix_{table}_task_id", table_name=table)
        _drop_column(table, "task_id")
    _drop_column("spans", "answer")
    op.drop_index("ix_source_tasks_layer_position", table_name="source_tasks")
    op.drop_table("source_tasks")


def _drop_column(table: str, column: str) -> None:
    # SQLite 3.35+ drops a column in place; batch mode would copy the table (see above)
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    else:
        op.drop_column(table, column)
