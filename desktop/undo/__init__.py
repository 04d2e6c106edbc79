"""Undo commands: thin wrappers that run the core's typed operations and their inverses."""
