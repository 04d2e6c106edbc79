"""The CLI's own error: a usage error (exit status 2), raised by commands, caught by main."""


class UsageError(Exception):
    """A usage error: exit status 2."""
