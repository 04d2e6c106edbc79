"""Opening the store as the acting user: the one way in that the window and the CLI share."""

from __future__ import annotations

from models.service import Service
from models.store import Store


def open_service(db: str | None, user: str) -> Service:
    """The service facade on the database at `db` (None: the default URL), acting as `user`."""
    return Service(Store(db), user)
