"""Controllers: each turns user actions of one kind into service calls and undo commands."""
