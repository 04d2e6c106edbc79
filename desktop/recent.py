"""Recent projects (database URL + project name), remembered in QSettings."""

from __future__ import annotations

import json

from PySide6.QtCore import QSettings

MAX = 10


def recent() -> list[tuple[str, str]]:
    raw = QSettings().value("recent_projects", "[]")
    try:
        return [(u, p) for u, p in json.loads(raw)]
    except (TypeError, ValueError):
        return []


def remember(url: str, project: str) -> None:
    items = [(url, project)] + [x for x in recent() if x != (url, project)]
    QSettings().setValue("recent_projects", json.dumps(items[:MAX]))
