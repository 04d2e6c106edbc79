"""Panels and dialogs of the main window."""
