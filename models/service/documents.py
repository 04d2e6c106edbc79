"""Documents and layers: lists, the open layer, tokens, history, status."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.service.base import _lazy_op

if TYPE_CHECKING:
    from models.views import DocumentSummary, LayerView


class DocumentsFacade:
    # ---- documents and layers ----------------------------------------------------------------
    def documents(self, project_id: int, layer: str | None = None) -> list[DocumentSummary]:
        from models.services import layers
        from models.services.context import check_layer_read

        with self.store.session() as s:
            actor = self._actor(s)
            check_layer_read(actor, layer or actor.name)
            return layers.list_documents(s, project_id, layer or actor.name)

    def load(self, document_id: int, layer: str | None = None) -> LayerView:
        from models.services import layers
        from models.services.context import check_layer_read

        with self.store.session() as s:
            actor = self._actor(s)
            check_layer_read(actor, layer or actor.name)  # annotators see their own only
            return layers.load_layer(s, document_id, layer or actor.name)

    def tokens(self, document_id: int):
        """The document's one Tokenization: stored, or made now by the project's tokenizer
        and stored (the first time, this loads spaCy)."""
        from models import tokens
        from models.services import layers

        with self.store.session() as s:
            layers.get_document(s, document_id)  # NotFoundError for an unknown id
            return tokens.tokens_for(s, document_id)

    def history(self, document_id: int, **kw) -> list[dict]:
        """The audit trail of a document, as far as the acting user may see it."""
        from models.services import layers

        with self.store.session() as s:
            return layers.history(s, document_id, actor=self._actor(s), **kw)

    def stats(self, project: str) -> dict:
        from models.services import stats

        with self.store.session() as s:
            return stats.project_stats(s, project)

    set_status = _lazy_op("models.operations:SetStatus.call")
    # (document_id, seconds) -> layer total
    add_active_time = _lazy_op("models.services.layers:add_active_time")
    add_comment = _lazy_op("models.services.layers:add_comment")
