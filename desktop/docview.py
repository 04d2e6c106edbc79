"""The document view the window uses."""

from desktop.views.document_view import DocumentView  # noqa: F401
