"""Document views: the annotated article with label tags and relation arcs."""

from desktop.views import _none_guard  # noqa: F401  (must run before any Qt painting)
