"""Undo commands: thin wrappers whose redo calls the service and whose undo its inverse."""
