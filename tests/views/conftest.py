import pytest

from desktop.views.document_view import DocumentView
from models.schema import default_schema


@pytest.fixture
def make_view(qtbot):
    def make(layer, width=900, height=700):
        view = DocumentView()
        qtbot.addWidget(view)
        view.resize(width, height)
        view.show()
        qtbot.waitExposed(view)
        view.set_document(layer, default_schema())
        return view

    return make
