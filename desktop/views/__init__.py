"""The document view: the article with its labels, relations and events."""
