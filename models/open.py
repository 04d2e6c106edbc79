"""Opening the store as the acting user: the one way in that the window and the CLI share."""

from __future__ import annotations

from typing import Callable

from models.service import Service
from models.store import Store


def open_service(db: str | None, user: str | None, *, claimed: bool = True,
                 notices: Callable[[str], None] | None = None) -> Service:
    """The service facade on the database at `db` (None: the default URL), acting as `user`.

    On PostgreSQL the login acts: a name that was only a default (the OS login, `claimed`
    false) is not held against it, a claimed one must be the login. `notices` hears what
    opening the store had to say (an interrupted upgrade restored from its backup)."""
    store = Store(db)
    if notices is not None:
        for notice in store.notices:
            notices(notice)
    return Service(store, user if claimed or store.is_sqlite else None)
