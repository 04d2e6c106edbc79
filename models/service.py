"""The Service facade: the one door the window and the CLI use into the core.

Each method runs one operation in its own unit of work and commits it before returning, so
every edit is stored when it is made. Methods return plain dataclasses (models.views).
"""

from __future__ import annotations

import functools
import gc
from contextlib import contextmanager
from typing import Any, Callable

from sqlalchemy.orm.exc import StaleDataError as OrmStaleDataError

from models.errors import StaleWriteError
from models.review import adjudication
from models.schema import Schema
from models.services import importing, labels, layers, projects, stats
from models.services import review as review_ops
from models.services.context import Actor, check_layer_read, ensure_user, get_actor
from models.store import Store
from models.views import Change, DocumentSummary, LayerView, ProjectSummary


@contextmanager
def _no_gc():
    """Bulk work allocates hundreds of thousands of small objects and no cycles: the cyclic
    collector would only walk them again and again."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _op(fn: Callable) -> Callable:
    """Bind a service function `fn(session, actor, ...)` as a committed method."""

    @functools.wraps(fn)
    def method(self: Service, *args, **kwargs):
        with self.store.session() as s:
            actor = self._actor(s)
            try:
                return fn(s, actor, *args, **kwargs)
            except OrmStaleDataError:
                raise StaleWriteError("the label was changed or deleted by someone else "
                                      "meanwhile; reload and try again") from None

    return method


class Service:
    def __init__(self, store: Store, user: str, *, auto_create_users: bool | None = None):
        self.store = store
        self.user = user
        # One desktop (SQLite): unknown names become annotators. A team server (PostgreSQL):
        # an admin adds users first.
        self.auto_create_users = store.is_sqlite if auto_create_users is None \
            else auto_create_users

    def _actor(self, s) -> Actor:
        return get_actor(s, self.user, create=self.auto_create_users)

    def actor(self) -> Actor:
        with self.store.session() as s:
            return self._actor(s)

    # ---- projects and schema --------------------------------------------------------------
    def create_project(self, name: str, schema: Schema | None = None) -> ProjectSummary:
        with self.store.session() as s:
            p = projects.create_project(s, self._actor(s), name, schema)
            return ProjectSummary(p.id, p.name, 0, 1, p.created_at.isoformat(timespec="seconds"))

    def list_projects(self) -> list[ProjectSummary]:
        with self.store.session() as s:
            return projects.list_projects(s)

    def project_id(self, name: str) -> int:
        with self.store.session() as s:
            return projects.get_project(s, name).id

    def schema(self, project: str | int) -> Schema:
        with self.store.session() as s:
            pid = project if isinstance(project, int) else projects.get_project(s, project).id
            return projects.current_schema(s, pid)

    def save_schema(self, project_id: int, schema: Schema) -> Schema:
        with self.store.session() as s:
            return projects.save_schema(s, self._actor(s), project_id, schema)

    def project_settings(self, project_id: int) -> dict[str, Any]:
        from models.orm import Project

        with self.store.session() as s:
            return dict(s.get(Project, project_id).settings or {})

    def set_project_setting(self, project_id: int, key: str, value: Any) -> None:
        from models.orm import Project

        with self.store.session() as s:
            p = s.get(Project, project_id)
            p.settings = {**(p.settings or {}), key: value}

    rename_label = _op(projects.rename_label)
    delete_label = _op(projects.delete_label)

    # ---- users ------------------------------------------------------------------------------
    def add_user(self, name: str, role: str = "annotator") -> None:
        from models.services.context import check_admin

        with self.store.session() as s:
            check_admin(self._actor(s), "add users")
            ensure_user(s, name, role)

    # ---- documents and layers ----------------------------------------------------------------
    def documents(self, project_id: int, layer: str | None = None) -> list[DocumentSummary]:
        with self.store.session() as s:
            actor = self._actor(s)
            check_layer_read(actor, layer or actor.name)
            return layers.list_documents(s, project_id, layer or actor.name)

    def load(self, document_id: int, layer: str | None = None) -> LayerView:
        with self.store.session() as s:
            actor = self._actor(s)
            check_layer_read(actor, layer or actor.name)  # annotators see their own only
            return layers.load_layer(s, document_id, layer or actor.name)

    def history(self, document_id: int, **kw) -> list[dict]:
        """The audit trail of a document, as far as the acting user may see it."""
        with self.store.session() as s:
            return layers.history(s, document_id, actor=self._actor(s), **kw)

    def stats(self, project: str) -> dict:
        with self.store.session() as s:
            return stats.project_stats(s, project)

    set_status = _op(layers.set_status)
    add_comment = _op(layers.add_comment)

    # ---- labels ------------------------------------------------------------------------------
    create_span = _op(labels.create_span)
    relabel_span = _op(labels.relabel_span)
    resize_span = _op(labels.resize_span)
    delete_span = _op(labels.delete_span)
    set_kb_id = _op(labels.set_kb_id)
    set_note = _op(labels.set_note)
    set_attribute = _op(labels.set_attribute)
    set_state = _op(labels.set_state)
    accept = _op(labels.accept)
    reject = _op(labels.reject)
    restore = _op(labels.restore)
    create_relation = _op(labels.create_relation)
    relabel_relation = _op(labels.relabel_relation)
    delete_relation = _op(labels.delete_relation)
    create_event = _op(labels.create_event)
    create_event_at = _op(labels.create_event_at)
    delete_event = _op(labels.delete_event)
    add_argument = _op(labels.add_argument)
    remove_argument = _op(labels.remove_argument)
    restore_argument = _op(labels.restore_argument)

    def batch(self, operations: list[tuple[str, tuple, dict]]) -> list[Change]:
        """Several operations in one unit of work: all stored, or none (bulk actions)."""
        with self.store.session() as s:
            actor = self._actor(s)
            out = []
            for name, args, kwargs in operations:
                fn = getattr(labels, name, None) or getattr(layers, name)
                out.append(fn(s, actor, *args, **kwargs))
            return out

    # ---- import ------------------------------------------------------------------------------
    def import_records(self, project: str, records, **kw) -> importing.ImportReport:
        with self.store.session() as s, _no_gc():
            return importing.import_records(s, self._actor(s), project, records, **kw)

    # ---- export --------------------------------------------------------------------------
    def export_records(self, project: str, layer: str | None = None, *,
                       states: tuple[str, ...] = ("accepted",), status: str | None = None,
                       task_spans: bool = False, left_out=None):
        """(layer exported, records): gold by default when it exists. `status`: None or
        "all" every document, "finished" the finished ones, else that status; `left_out`
        (a Counter) counts the others by (reason, status). `task_spans`: imported tasks come
        with all their spans, rejected and ignored ones too."""
        from models.services import exporting

        with self.store.session() as s:
            pid = projects.get_project(s, project).id
            chosen = exporting.pick_layer(s, pid, layer)
            records = list(exporting.layer_records(s, project, chosen, states=states,
                                                   status=status, task_spans=task_spans,
                                                   left_out=left_out))
            return chosen or "each document's annotator", records

    # ---- review (agreement, adjudication, team mode; see models/review) -------------------
    def agreement(self, project: str | int) -> dict:
        """The agreement report of `marginalia agree` (pairs, per label, documents, alpha)."""
        with self.store.session() as s:
            return review_ops.agreement(s, self._actor(s), project)

    def visible_layers(self, document_id: int) -> list:
        """LayerInfo of the layers the actor may see (annotators: own; reviewers: all)."""
        with self.store.session() as s:
            return review_ops.visible_layers(s, self._actor(s), document_id)

    review = _op(review_ops.review_document)  # ReviewView; runs auto-gold unless switched off
    review_queue = _op(review_ops.review_queue)  # documents ranked by disagreement
    auto_gold = _op(adjudication.auto_gold)
    decide = _op(adjudication.decide)  # (document_id, kind, accept=[(id, version)], ...)

    def conflicts(self, document_id: int, *, include_decided: bool = False) -> list:
        with self.store.session() as s:
            return adjudication.conflicts(s, document_id, include_decided=include_decided)

    def accept_version(self, document_id: int, version) -> list[Change]:
        """Accept one Version of a conflict into gold (its competitors are rejected)."""
        return self.decide(document_id, version.kind, accept=list(version.refs[:1]))

    def accept_edited(self, document_id: int, version, **values) -> list[Change]:
        """Accept an edited copy of a Version (spans: start, end, label; relations: label;
        events: type)."""
        return self.decide(document_id, version.kind, accept=list(version.refs[:1]),
                           edited=values)

    def reject_versions(self, document_id: int, versions) -> list[Change]:
        """Reject these Versions: they stay out of gold and stop being conflicts."""
        versions = list(versions)
        return self.decide(document_id, versions[0].kind,
                           reject=[r for v in versions for r in v.refs[:1]])

    label_history = _op(review_ops.label_history)  # (document_id, kind, row_id)
    documents_by_status = _op(review_ops.documents_by_status)  # (project_id, statuses, layer=)
    progress = _op(review_ops.progress)  # {annotator: {status: n, "documents": n}}
    set_role = _op(review_ops.set_role)  # admins only

    def change_marker(self, document_id: int | None = None,
                      project_id: int | None = None) -> int:
        """Grows with every stored change; poll it (QTimer) to show others' labels."""
        with self.store.session() as s:
            return review_ops.change_marker(s, project_id=project_id, document_id=document_id)

    # ---- annotation workspace (desktop GUI): statistics over time ---------------------------
    def label_progress(self, project_id: int) -> dict[str, list[tuple[str, int]]]:
        from models.services import timeline

        with self.store.session() as s:
            return timeline.label_progress(s, project_id)

    def documents_done(self, project_id: int) -> dict[str, list[tuple[str, int]]]:
        from models.services import timeline

        with self.store.session() as s:
            return timeline.documents_done(s, project_id)

    # ---- suggestions and the model in the loop (issue 4; spaCy is imported lazily) -----------
    def suggest(self, project: str | int, *, model: str | None = None,
                patterns: str | None = None, documents: str = "all",
                document_ids: list[int] | None = None, batch_size: int = 32,
                progress=None, cancel=None):
        """Suggest entities, events and relations into the acting user's layer; returns a
        SuggestReport. progress(done, total, batch) runs on the calling thread."""
        from models.suggest.runner import run_suggest

        return run_suggest(self, project, model=model, patterns=patterns, documents=documents,
                           document_ids=document_ids, batch_size=batch_size,
                           progress=progress, cancel=cancel)

    def suggest_document(self, document_id: int, *, model: str | None = None):
        """Suggest for one document (the open one)."""
        with self.store.session() as s:
            project_id = layers.get_document(s, document_id).project_id
        return self.suggest(project_id, model=model, document_ids=[document_id])

    def suggest_pipeline(self, project_id: int) -> str | None:
        """The pipeline the project suggests with (None: the default English one)."""
        from models.suggest.pipeline import SETTING

        return self.project_settings(project_id).get(SETTING)

    def set_suggest_pipeline(self, project_id: int, name: str | None) -> str:
        """Choose the project's pipeline (package name or directory); checked, not loaded.
        Returns its suggester name."""
        from models.suggest.pipeline import SETTING, resolve

        key, display = resolve(name or None)
        self.set_project_setting(project_id, SETTING, key if name else None)
        return display

    def label_mapping(self, project_id: int, model: str | None = None
                      ) -> list[tuple[str, str | None]]:
        """Every label of the pipeline and the schema label it becomes (None: dropped).
        Loads the pipeline (seconds, once per process)."""
        from models.suggest import mapping, pipeline

        settings = self.project_settings(project_id)
        nlp, _ = pipeline.load(pipeline.project_pipeline(settings, model))
        return mapping.table(self.schema(project_id), settings, pipeline.ner_labels(nlp))

    def set_label_mapping(self, project_id: int, new: dict[str, str | None]) -> dict[str, str]:
        """Store the project's mapping (pipeline label -> schema label, '' or None drops);
        a target the schema lacks is refused, naming it."""
        from models.suggest import mapping

        clean = mapping.validate(self.schema(project_id), new)
        self.set_project_setting(project_id, mapping.SETTING, clean)
        return clean

    def set_patterns_file(self, project_id: int, path: str | None) -> int:
        """Use a JSONL patterns file for the project (None: none); returns how many
        patterns it has. A bad line is refused with file:line."""
        from models.suggest import patterns

        n = 0
        if path:
            from pathlib import Path

            import spacy

            path = str(Path(path).expanduser().resolve())
            found = patterns.read_patterns(path, self.schema(project_id))
            patterns.build_ruler(spacy.blank("en"), found, where=path)
            n = len(found)
        self.set_project_setting(project_id, patterns.SETTING, path or None)
        return n

    def suggester_stats(self, project_id: int) -> dict[str, dict[str, int]]:
        """suggester -> {"suggested", "accepted", "rejected", "edited"}."""
        from models.services.suggester_stats import suggester_stats

        with self.store.session() as s:
            return suggester_stats(s, project_id)

    def documents_by_uncertainty(self, project_id: int, *, model: str | None = None,
                                 limit: int | None = None, progress=None, cancel=None):
        """(document id, uncertainty) with the documents the model is least sure about
        first; documents already done or approved in the user's layer are left out."""
        from models.suggest.uncertainty import rank_documents

        return rank_documents(self, project_id, model=model, limit=limit, progress=progress,
                              cancel=cancel)

    def train_model(self, project: str | int, out: str, *, layer: str | None = None,
                    max_steps: int | None = None, seed: int = 0, progress=None, cancel=None):
        """Train a NER (+ spancat) from accepted and gold labels into `out`, register
        out/model-best as the project's pipeline; returns a TrainReport."""
        from models.suggest.train import train_project

        return train_project(self, project, out, layer=layer, max_steps=max_steps, seed=seed,
                             progress=progress, cancel=cancel)
