"""Agreement, adjudication into gold, the review queue, statistics over time."""

from __future__ import annotations

from models.review import adjudication
from models.services import review as review_ops
from models.views import Change
from models.service.base import _op


class ReviewFacade:
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
