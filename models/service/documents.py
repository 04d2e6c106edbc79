"""Documents and layers: lists, the open layer, tokens, history, status."""

from __future__ import annotations

from models import operations as ops
from models.services import layers, stats
from models.services.context import check_layer_read
from models.views import DocumentSummary, LayerView
from models.service.base import _op


class DocumentsFacade:
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
