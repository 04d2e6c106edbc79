"""Agreement, adjudication into gold, the review queue, statistics over time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.service.base import _lazy_op

if TYPE_CHECKING:
    from models.views import Change


class ReviewFacade:
    # ---- review (agreement, adjudication, team mode; see models/review) -------------------
    def agreement(self, project: str | int) -> dict:
        """The agreement report of `marginalia agree` (pairs, per label, documents, alpha)."""
        from models.services import review as review_ops

        with self.store.session() as s:
            return review_ops.agreement(s, self._actor(s), project)

    def visible_layers(self, document_id: int) -> list:
        """LayerInfo of the layers the actor may see (annotators: own; reviewers: all)."""
        from models.services import review as review_ops

        with self.store.session() as s:
            return review_ops.visible_layers(s, self._actor(s), document_id)

    # the review core is imported at the first call (models/service/base.py `_lazy_op`)
    review = _lazy_op("models.services.review:review_document")  # ReviewView; reads only
    # (document_id, annotations, since): the conflicts after a step that wrote only gold,
    # or None (load the review)
    review_update = _lazy_op("models.services.review:review_update")
    # documents ranked by disagreement
    review_queue = _lazy_op("models.services.review:review_queue")
    # (project_id[, document_ids]): ReviewSummary of each (of the queue's documents, in
    # its order), read for all of them at once
    review_project = _lazy_op("models.services.review:review_project")

    def conflicts(self, document_id: int, *, include_decided: bool = False) -> list:
        from models.review import adjudication

        with self.store.session() as s:
            return adjudication.conflicts(s, document_id, include_decided=include_decided)

    # each returns one Change whose inverse undoes the whole step (Service.run takes it)
    def decide(self, document_id: int, kind: str, row_id: int, version: int,
               how: str = "accept", *, annotations=None, since: int | None = None,
               seen=None) -> Change:
        """accept (replaces gold's decision at the place), also (keeps it), or reject.
        `annotations`, `since`, `seen`: a review window's (ReviewView.annotations, .marker,
        .seen); then
        the Change's after["update"] is the review's ReviewUpdate after it, when nothing
        else was stored since (see adjudication.Decide)."""
        from models.review import adjudication

        return self.run([adjudication.Decide(document_id, kind, row_id, version, how,
                                             annotations, since, seen)])[0]

    def accept_agreed(self, document_id: int) -> Change:
        from models.review import adjudication

        return self.run([adjudication.AcceptAgreed(document_id)])[0]

    def accept_agreed_project(self, project: str | int) -> Change:
        """Auto-gold of every document of a project in one step (`review --auto` without
        --document); after["documents"]: {document id: {decided, skipped}}."""
        from models.review.project_gold import AcceptAgreedProject
        from models.services.bulk import no_gc

        pid = project if isinstance(project, int) else self.project_id(project)
        with no_gc():  # tens of thousands of labels read and written, no cycles
            return self.run([AcceptAgreedProject(pid)])[0]

    def accept_annotator(self, document_id: int, annotator: str,
                         label: str | None = None) -> Change:
        from models.review import adjudication

        return self.run([adjudication.AcceptAnnotator(document_id, annotator, label)])[0]

    def reject_rest(self, document_id: int) -> Change:
        from models.review import adjudication

        return self.run([adjudication.RejectRest(document_id)])[0]

    def approve(self, document_id: int, comment: str | None = None) -> Change:
        from models.review import adjudication

        return self.run([adjudication.Approve(document_id, comment)])[0]

    def return_to_annotators(self, document_id: int, comment: str) -> Change:
        from models.review import adjudication

        return self.run([adjudication.ReturnToAnnotators(document_id, comment)])[0]

    # (document_id, kind, row_id)
    label_history = _lazy_op("models.services.review:label_history")
    # (project_id, statuses, layer=)
    documents_by_status = _lazy_op("models.services.review:documents_by_status")
    # {annotator: {status: n, "documents": n}}
    progress = _lazy_op("models.services.review:progress")
    set_role = _lazy_op("models.services.review:set_role")  # admins only

    def change_marker(self, document_id: int | None = None,
                      project_id: int | None = None) -> int:
        """Grows with every stored change; poll it (QTimer) to show others' labels."""
        from models.services import review as review_ops

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
