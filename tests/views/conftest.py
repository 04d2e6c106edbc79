import pytest

from desktop.views.document_view import DocumentView
from models.schema import default_schema
from models.tokens import tokenize


@pytest.fixture
def make_view(qtbot):
    def make(layer, width=900, height=700):
        view = DocumentView()
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        # the tokens the store would hold for it: spaCy's English tokenizer's
        view.set_document(layer, default_schema(), tokenize(layer.text))
        return view

    return make
