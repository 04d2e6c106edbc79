"""Domain errors: each one reads as a single line a user can act on."""

from __future__ import annotations


class DomainError(Exception):
    """A data or domain error: the CLI prints it as one line and exits 1."""

    def __init__(self, message: str, *, where: str | None = None):
        self.message = message
        self.where = where
        super().__init__(f"{where}: {message}" if where else message)


class ValidationError(DomainError):
    """Input that breaks the schema or the document (offsets, unknown labels...)."""


class NotFoundError(DomainError):
    """A project, document or label that does not exist (any more)."""


class StaleWriteError(DomainError):
    """Someone else changed the row since it was read: the write is refused."""


class PermissionDenied(DomainError):
    """The acting user's role does not allow this operation."""


class FormatError(DomainError):
    """A malformed input file; `where` names the file and line."""

    def __init__(self, path: str, line: int | None, message: str):
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(message, where=where)
        self.path = path
        self.line = line


class StorageError(DomainError):
    """The database cannot be opened, is locked, read-only, full or gone."""
