"""Gold and each annotator's layer, stacked, each in the document view annotators use (tags,
arcs, events, themes); the conflict being decided is highlighted in all of them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QSplitter, QVBoxLayout, QWidget

from desktop.views.document_view import DocumentView
from models.review.places import Conflict, Version, overlaps
from models.views import LayerView

GOLD = "gold"


class LayerPane(QWidget):
    """One layer: its name and counts above its document view."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent)
        self.name = name
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(2)
        self.title = QLabel()
        self.title.setTextFormat(Qt.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.view = DocumentView(self)
        self.view.setObjectName(f"layer_{name}")
        box.addWidget(self.title)
        box.addWidget(self.view, 1)

    def show_layer(self, layer: LayerView, schema, tokens, same_document: bool) -> None:
        if same_document:
            self.view.apply(layer)
        else:
            self.view.set_document(layer, schema, tokens)
        spans = sum(s.state == "accepted" for s in layer.spans)
        what = "gold" if self.name == GOLD else self.name
        cats = layer.accepted_categories
        self.title.setText(f"{what} · {spans} spans · {len(layer.relations)} relations · "
                           f"{len(layer.events)} events · {layer.status.replace('_', ' ')}"
                           + (f" · categories: {', '.join(cats)}" if cats else ""))

    def highlight(self, conflict: Conflict, version: Version | None) -> None:
        """Outline this layer's label for the chosen version (or what stands at the place);
        without one, select the place's text."""
        layer = self.view.layer()
        span_id = self._span_for(layer, conflict, version) if layer else None
        if span_id is not None:
            self.view.select_span(span_id)
        else:
            self.view.select_span(None)
            self.view.set_selection(conflict.start, conflict.end)

    def _span_for(self, layer: LayerView, c: Conflict, v: Version | None) -> int | None:
        if c.kind == "category":
            return None  # about the whole document: no span to outline
        if v is not None and self.name in v.annotators:
            row_id = v.refs[v.annotators.index(self.name)][0]
            if v.kind == "span":
                return row_id
            if v.kind == "relation":
                rel = next((r for r in layer.relations if r.id == row_id), None)
                return rel.head_id if rel else None
            ev = next((e for e in layer.events if e.id == row_id), None)
            return ev.trigger_id if ev else None
        here = [s for s in layer.spans if s.state == "accepted"
                and overlaps((s.start, s.end), (c.start, c.end))]
        if v is not None and v.kind == "span":
            here.sort(key=lambda s: ((s.start, s.end, s.label) != v.key, s.start))
        return here[0].id if here else None


class LayerPanes(QSplitter):
    """Gold on top, then the annotators by name."""

    goldResized = Signal(int, int, int)  # gold span id, new start, new end (drag handles)

    def __init__(self, parent=None):
        super().__init__(Qt.Vertical, parent)
        self.panes: dict[str, LayerPane] = {}
        self.document_id: int | None = None
        self.dark = False

    def show_review(self, view, schema, tokens) -> None:
        names = [GOLD, *view.annotators]
        same = self.document_id == view.document_id and list(self.panes) == names
        if not same:
            for pane in self.panes.values():
                pane.setParent(None)
                pane.deleteLater()
            self.panes = {n: LayerPane(n, self) for n in names}
            for pane in self.panes.values():
                self.addWidget(pane)
                pane.view.set_dark(self.dark)
            self.setSizes([3] + [2] * len(view.annotators))
            self.panes[GOLD].view.resizeRequested.connect(self.goldResized)
        self.document_id = view.document_id
        for n, pane in self.panes.items():
            layer = view.gold if n == GOLD else view.layers[n]
            pane.show_layer(layer, schema, tokens, same)

    def show_gold(self, gold: LayerView, schema) -> None:
        """Gold changed (a decision): redraw its pane only; the annotators' are as they were."""
        self.panes[GOLD].show_layer(gold, schema, None, True)

    def highlight(self, conflict: Conflict | None, version: Version | None) -> None:
        if conflict is None:
            return
        for pane in self.panes.values():
            pane.highlight(conflict, version)

    def set_dark(self, dark: bool) -> None:
        self.dark = dark
        for pane in self.panes.values():
            pane.view.set_dark(dark)

    @property
    def gold(self) -> DocumentView:
        return self.panes[GOLD].view
