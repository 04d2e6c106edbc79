"""Which document view the window uses: the full one when present, else the stand-in."""

try:
    from desktop.views.document_view import DocumentView
except ImportError:
    from desktop.views_fallback import DocumentView  # noqa: F401
