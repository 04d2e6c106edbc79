"""The ORM tables (SQLAlchemy 2.0, typed). Alembic owns the schema: see models/migrations.

Enumerations are plain strings checked by the service layer, so SQLite and PostgreSQL store
them alike. Every label row has a `version` that SQLAlchemy checks on update (optimistic
concurrency): a stale write raises instead of silently overwriting.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    cast,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

ROLES = ("annotator", "reviewer", "admin")
LAYER_STATUSES = ("new", "in_progress", "done", "approved", "returned")
GOLD = "gold"  # the name of the reviewers' adjudicated layer

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {dict[str, Any]: JSON, list[Any]: JSON}


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(20), default="annotator")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Project(Base):
    __tablename__ = "projects"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Per-project settings: suggester pipeline, auto-gold, ... (free-form JSON)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    schemas: Mapped[list[SchemaVersion]] = relationship(
        back_populates="project", order_by="SchemaVersion.version",
        cascade="all, delete-orphan")


class SchemaVersion(Base):
    """One version of a project's label schema; the highest version is in force."""

    __tablename__ = "schemas"
    __table_args__ = (UniqueConstraint("project_id", "version"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    data: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    project: Mapped[Project] = relationship(back_populates="schemas")


class Document(Base):
    __tablename__ = "documents"
    __table_args__ = (UniqueConstraint("project_id", "sha256"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        ForeignKey("projects.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    source: Mapped[str] = mapped_column(String(1000), default="")
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    # len(text), kept so that lists and checks never read the text itself (revision 0002)
    chars: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DocumentTokens(Base):
    """A document's one tokenization (revision 0003): the tokens its file brought, or the
    ones the project's spaCy tokenizer made the first time they were needed. Offsets are
    code points; `sentences` holds the token indices where sentences start (None: the file
    had none); `columns` what a CoNLL file carries besides token and tag."""

    __tablename__ = "document_tokens"
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(10))  # file | spacy
    made_by: Mapped[str] = mapped_column(String(200), default="", server_default="")
    starts: Mapped[list[Any]] = mapped_column()
    ends: Mapped[list[Any]] = mapped_column()
    sentences: Mapped[list[Any] | None] = mapped_column(nullable=True)
    columns: Mapped[dict[str, Any] | None] = mapped_column(nullable=True)


class Layer(Base):
    """The labels of one user on one document; the layer named 'gold' is the reviewers'."""

    __tablename__ = "layers"
    __table_args__ = (UniqueConstraint("document_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))  # the user's name, or "gold"
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="new")
    # time the document was open in an active window with input at most a minute apart
    # (revision 0003); added by a plain UPDATE, so it never bumps the label version
    active_seconds: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    __mapper_args__ = {"version_id_col": version}


class Span(Base):
    __tablename__ = "spans"
    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(120))
    fragments: Mapped[list[Any] | None] = mapped_column(nullable=True)
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    kb_id: Mapped[str | None] = mapped_column(String(500), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # what a format said about the label that has no column of its own (brat's notes of
    # any type, normalizations with their text, attributes on relations): written back
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    suggester: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="accepted")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # The imported task (a Prodigy line) the span came with, and its own answer there
    # (accept | reject | ignore; None when the span had none): revision 0003. No foreign
    # key: a task goes only with its layer, and so do its labels; and SQLite can add a
    # REFERENCES column only by copying spans, which cascades to relations and events.
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    answer: Mapped[str | None] = mapped_column(String(10), nullable=True)
    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        Index("ix_spans_layer_start", "layer_id", "start"),
        # one accepted label per layer, offsets, label and fragments (revision 0003):
        # concurrent writers cannot store it twice. The migration (0004) makes it partial
        # (WHERE state = 'accepted') on both databases; a `postgresql_where` here would make
        # every command load SQLAlchemy's PostgreSQL dialect to check the keyword (60 ms of
        # a 0.5 s start-up on SQLite), and autogenerate does not compare it.
        Index("uq_spans_accepted", layer_id, start, end, label,
              func.coalesce(func.nullif(cast(fragments, Text), "null"), ""), unique=True,
              sqlite_where=text("state = 'accepted'")),
    )


class Relation(Base):
    __tablename__ = "relations"
    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(
        ForeignKey("layers.id", ondelete="CASCADE"), index=True)
    head_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    tail_id: Mapped[int] = mapped_column(ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    # what a format said about the label that has no column of its own (brat's notes of
    # any type, normalizations with their text, attributes on relations): written back
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    suggester: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="accepted")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    __mapper_args__ = {"version_id_col": version}


class Event(Base):
    __tablename__ = "events"
    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(
        ForeignKey("layers.id", ondelete="CASCADE"), index=True)
    trigger_id: Mapped[int] = mapped_column(
        ForeignKey("spans.id", ondelete="CASCADE"), index=True)
    type: Mapped[str] = mapped_column(String(120))
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # what a format said about the label that has no column of its own (brat's notes of
    # any type, normalizations with their text, attributes on relations): written back
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    source: Mapped[str] = mapped_column(String(20), default="manual")
    suggester: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="accepted")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    __mapper_args__ = {"version_id_col": version}


class EventArgument(Base):
    """A (role, target) of an event: the target is a span or another event."""

    __tablename__ = "event_arguments"
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(120))
    span_id: Mapped[int | None] = mapped_column(
        ForeignKey("spans.id", ondelete="CASCADE"), nullable=True, index=True)
    target_event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=True, index=True)


class DocumentCategory(Base):
    """A category of the whole document in one layer (revision 0009): accepted (it applies),
    rejected (a person said it does not) or suggested (a suggester proposes it, with its
    score). One row per layer and category, whatever its state: deciding a category moves
    its state. Audited under the table name "document_categories"."""

    __tablename__ = "document_categories"
    __table_args__ = (UniqueConstraint("layer_id", "category"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    category: Mapped[str] = mapped_column(String(120))
    source: Mapped[str] = mapped_column(String(20), default="manual")
    suggester: Mapped[str | None] = mapped_column(String(200), nullable=True)
    state: Mapped[str] = mapped_column(String(20), default="accepted")
    score: Mapped[float | None] = mapped_column(Float, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # the imported task (a Prodigy textcat or choice line) it came with, as Span.task_id
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    # what a format said about it that has no column of its own, written back
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    __mapper_args__ = {"version_id_col": version}


class Comment(Base):
    __tablename__ = "comments"
    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    target_kind: Mapped[str] = mapped_column(String(20), default="document")
    target_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    user_name: Mapped[str] = mapped_column(String(120))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_document", "document_id", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    user_name: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    table_name: Mapped[str] = mapped_column(String(40))
    row_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    project_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    document_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    # the hash chain of a team database (set by its trigger, see models/team_sql.py)
    prev_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    hash: Mapped[str | None] = mapped_column(String(64), nullable=True)


class SourceTask(Base):
    """One imported task (a line of a Prodigy file) of a layer, kept so that it is written
    back as itself: several tasks of one text stay several tasks (revision 0007).

    `answer`: accept | reject | ignore, or None when the task had none. `kind`: binary (one
    suggestion accepted or rejected, as ner.teach) or manual (every entity marked).
    `fields`: every other top-level key of the task (_input_hash, _task_hash, _view_id,
    _session_id, _timestamp, meta, ...), as given."""

    __tablename__ = "source_tasks"
    __table_args__ = (Index("ix_source_tasks_layer_position", "layer_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    layer_id: Mapped[int] = mapped_column(ForeignKey("layers.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    answer: Mapped[str | None] = mapped_column(String(10), nullable=True)
    kind: Mapped[str] = mapped_column(String(10), default="manual")
    fields: Mapped[dict[str, Any]] = mapped_column(default=dict)


class TaskSpan(Base):
    """A span of an imported task that is stored under another task (revision 0008): a
    layer holds one accepted label per place (uq_spans_accepted), so when two tasks accept
    the same span, the second task's is the first's row, linked here with its own answer
    and fields there. A span's own task is spans.task_id; this table holds the others."""

    __tablename__ = "task_spans"
    task_id: Mapped[int] = mapped_column(
        ForeignKey("source_tasks.id", ondelete="CASCADE"), primary_key=True)
    span_id: Mapped[int] = mapped_column(
        ForeignKey("spans.id", ondelete="CASCADE"), primary_key=True, index=True)
    answer: Mapped[str | None] = mapped_column(String(10), nullable=True)
    # what the task said of the span that has no column (Prodigy: the model's score, ...)
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
