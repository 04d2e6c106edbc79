"""The window's dialogs for whole-project jobs: import, export, search."""
