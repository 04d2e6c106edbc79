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

from models import operations as ops
from models.errors import PermissionDenied, StaleWriteError
from models.review import adjudication
from models.schema import Schema
from models.services import importing, layers, projects, stats
from models.services import review as review_ops
from models.services.context import Actor, check_layer_read, get_actor
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
                # the unit of work rolls back whole: one edit or a whole batch
                raise StaleWriteError("a label was changed or deleted by someone else "
                                      "meanwhile; nothing from this action was stored: "
                                      "reload and try again") from None

    return method


def acting_user(store: Store, claimed: str | None) -> tuple[str | None, bool]:
    """(who acts, whether that is the database's own word). On PostgreSQL the acting user is
    the connection's login (session_user): a claim naming someone else is refused. Only a
    superuser, who can become anyone with SET SESSION AUTHORIZATION anyway, may name another
    user (administration, tests). SQLite has no logins: the claim (the OS login) stands."""
    login = store.login()
    if login is None:
        return claimed, False
    name, superuser = login
    if superuser:
        return claimed or name, False
    if claimed and claimed != name:
        raise PermissionDenied(f"you are connected as {name}; --user {claimed} is not you")
    return name, True


class Service:
    def __init__(self, store: Store, user: str | None, *,
                 auto_create_users: bool | None = None):
        self.store = store
        self.user, self.is_login = acting_user(store, user)
        # One desktop (SQLite): unknown names become annotators. A team server (PostgreSQL):
        # an admin adds users first.
        self.auto_create_users = store.is_sqlite if auto_create_users is None \
            else auto_create_users

    @_op
    def _run(s, actor, operations):
        return [op.apply(s, actor) for op in operations]

    def _actor(self, s) -> Actor:
        # a login never becomes admin by being first: `team init` makes the first admin
        return get_actor(s, self.user or "", create=self.auto_create_users,
                         first_admin=not self.is_login)

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
        """Change one project setting (the suggest pipeline, mapping, auto-gold...): admins
        only, audited."""
        from models.orm import Project
        from models.services.context import audit, check_admin

        with self.store.session() as s:
            actor = self._actor(s)
            check_admin(actor, "change the project's settings")
            p = s.get(Project, project_id)
            if p is None:
                from models.errors import NotFoundError

                raise NotFoundError(f"no project with id {project_id}")
            before = (p.settings or {}).get(key)
            p.settings = {**(p.settings or {}), key: value}
            audit(s, actor, "set_setting", "projects", project_id, project_id=project_id,
                  before={key: before}, after={key: value})

    def guidelines(self, project_id: int) -> str:
        from models.services import guidelines

        with self.store.session() as s:
            return guidelines.get_guidelines(s, project_id)

    def set_guidelines(self, project_id: int, text: str) -> str:
        """Admins only; `text` is Markdown."""
        from models.services import guidelines

        with self.store.session() as s:
            return guidelines.set_guidelines(s, self._actor(s), project_id, text)

    def import_guidelines(self, project_id: int, path: str) -> str:
        from models.services import guidelines

        return self.set_guidelines(project_id, guidelines.read_guidelines_file(path))

    rename_label = _op(projects.rename_label)
    delete_label = _op(projects.delete_label)

    # ---- users ------------------------------------------------------------------------------
    def add_user(self, name: str, role: str = "annotator",
                 password: str | None = None) -> str:
        """Add a user or change their role (admins only, audited). On a team database the
        user is a login role with this password (needed for a new one); returns the role
        they had ('' for a new user)."""
        from models.services.users import add_user

        with self.store.session() as s:
            return add_user(s, self._actor(s), name, role, password)

    def list_users(self) -> list[tuple[str, str]]:
        """(name, role) of every user (admins only; audited)."""
        from models.services.users import list_users

        with self.store.session() as s:
            return list_users(s, self._actor(s))

    def verify_audit(self, project: str | None = None, head: str | None = None):
        """Follow the audit log's hash chain (team databases; reviewers and admins)."""
        from models.services.users import verify_audit

        with self.store.session() as s:
            return verify_audit(s, self._actor(s), project, head)

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

    def tokens(self, document_id: int):
        """The document's one Tokenization: stored, or made now by the project's tokenizer
        and stored (the first time, this loads spaCy)."""
        from models import tokens

        with self.store.session() as s:
            layers.get_document(s, document_id)  # NotFoundError for an unknown id
            return tokens.tokens_for(s, document_id)

    def history(self, document_id: int, **kw) -> list[dict]:
        """The audit trail of a document, as far as the acting user may see it."""
        with self.store.session() as s:
            return layers.history(s, document_id, actor=self._actor(s), **kw)

    def stats(self, project: str) -> dict:
        with self.store.session() as s:
            return stats.project_stats(s, project)

    set_status = _op(ops.SetStatus.call)
    add_active_time = _op(layers.add_active_time)  # (document_id, seconds) -> layer total
    add_comment = _op(layers.add_comment)

    # ---- labels: each runs one typed operation, its Change carries the exact inverse ----------
    create_span = _op(ops.CreateSpan.call)
    relabel_span = _op(ops.RelabelSpan.call)
    resize_span = _op(ops.ResizeSpan.call)
    delete_span = _op(ops.DeleteSpan.call)
    set_kb_id = _op(ops.SetKbId.call)
    set_note = _op(ops.SetNote.call)
    set_attribute = _op(ops.SetAttribute.call)
    set_state = _op(ops.SetState.call)
    accept = _op(ops.Accept.call)
    reject = _op(ops.Reject.call)
    restore = _op(ops.Restore.call)
    create_relation = _op(ops.CreateRelation.call)
    relabel_relation = _op(ops.RelabelRelation.call)
    delete_relation = _op(ops.DeleteRelation.call)
    create_event = _op(ops.CreateEvent.call)
    create_event_at = _op(ops.CreateEventAt.call)
    delete_event = _op(ops.DeleteEvent.call)
    add_argument = _op(ops.AddArgument.call)
    remove_argument = _op(ops.RemoveArgument.call)
    restore_argument = _op(ops.RestoreArgument.call)

    def run(self, operations: list[ops.Operation]) -> list[Change]:
        """Several operations in one unit of work: all stored, or none (bulk actions, undo
        and redo). Each Change carries its inverse."""
        return self._run(operations)

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

        from models.services.context import audit, check_reviewer

        with self.store.session() as s:
            actor = self._actor(s)
            pid = projects.get_project(s, project).id
            if layer is None and not actor.is_reviewer:
                layer = actor.name  # an annotator's export is of their own layer
            chosen = exporting.pick_layer(s, pid, layer)
            if chosen:
                check_layer_read(actor, chosen)
            else:
                check_reviewer(actor, "export every annotator's layers")
            records = list(exporting.layer_records(s, project, chosen, states=states,
                                                   status=status, task_spans=task_spans,
                                                   left_out=left_out))
            audit(s, actor, "export", "projects", pid, project_id=pid,
                  after={"layer": chosen, "documents": len(records), "states": list(states)})

            return chosen or "each document's annotator", records

    def search(self, project_id: int, query, *, layer: str | None = None, progress=None):
        """Matches of a models.services.search.Query in the project, with the labels of the
        layer (the actor's own by default) found at each."""
        from models.services import search

        with self.store.session() as s:
            actor = self._actor(s)
            check_layer_read(actor, layer or actor.name)
            return search.search(s, project_id, layer or actor.name, query, progress=progress)

    def layer_names(self, project_id: int) -> list[str]:
        from models.services import exporting

        with self.store.session() as s:
            return exporting.layer_names(s, project_id)

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
