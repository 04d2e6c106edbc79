"""task_spans: a task's span stored under another task (one accepted label per place)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_spans",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("span_id", sa.Integer(), nullable=False),
        sa.Column("answer", sa.String(length=10), nullable=True),
        sa.Column("extra", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(["task_id"], ["source_tasks.id"], ondelete="CASCADE",
                                name=op.f("fk_task_spans_task_id_source_tasks")),
        sa.ForeignKeyConstraint(["span_id"], ["spans.id"], ondelete="CASCADE",
                                name=op.f("fk_task_spans_span_id_spans")),
        sa.PrimaryKeyConstraint("task_id", "span_id", name=op.f("pk_task_spans")),
    )
    op.create_index(op.f("ix_task_spans_span_id"), "task_spans", ["span_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_task_spans_span_id"), table_name="task_spans")
    op.drop_table("task_spans")
