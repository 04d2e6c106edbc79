"""Import and export, and the search across a project."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.services.bulk import no_gc
from models.services import projects
from models.services.context import check_layer_read

if TYPE_CHECKING:
    from models.services.importing import ImportReport


class TransferFacade:
    # ---- import ------------------------------------------------------------------------------
    def import_records(self, project: str, records, **kw) -> ImportReport:
        from models.services import importing

        with self.store.session() as s, no_gc():
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
