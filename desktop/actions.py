"""The window's actions, all in menus with their shortcuts (the keyboard reference reads
them back from the menus, so it can never drift from what the keys do)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMenu

# Command keys that a schema's label key would shadow are dropped from that command (its
# other shortcuts stay): label keys win, since they are the annotator's main tool.
RESERVED_SINGLE = {"R", "E", "A", "X"}


class ActionBuilder:
    def __init__(self, window, label_keys: set[str]):
        self.window = window
        self.actions: dict[str, QAction] = {}
        self.label_keys = {k.upper() for k in label_keys}

    def add(self, menu: QMenu, name: str, text: str, slot: Callable, keys=(),
            *, checkable: bool = False, checked: bool = False, tip: str = "") -> QAction:
        a = QAction(text, self.window)
        a.setObjectName(name)
        seqs = []
        for k in keys:
            if k in RESERVED_SINGLE and k in self.label_keys:
                continue
            seqs.append(k if isinstance(k, QKeySequence) else QKeySequence(k))
        a.setShortcuts(seqs)
        if tip:
            a.setStatusTip(tip)
        if checkable:
            a.setCheckable(True)
            a.setChecked(checked)
            a.toggled.connect(slot)
        else:
            a.triggered.connect(lambda _=False: slot())
        menu.addAction(a)
        self.window.addAction(a)  # shortcuts work wherever the focus is in the window
        self.actions[name] = a
        return a

    def group(self, menu: QMenu, name: str, choices: list[tuple[str, str]], current: str,
              slot: Callable[[str], None]) -> QActionGroup:
        g = QActionGroup(self.window)
        for value, text in choices:
            a = QAction(text, self.window, checkable=True)
            a.setObjectName(f"{name}_{value}")
            a.setChecked(value == current)
            a.triggered.connect(lambda _=False, v=value: slot(v))
            g.addAction(a)
            menu.addAction(a)
            self.actions[f"{name}_{value}"] = a
        return g


def shortcut_rows(menubar) -> list[tuple[str, str, str]]:
    """(menu, action, shortcuts) for every action in the menus, in menu order."""
    rows = []

    def walk(menu: QMenu, path: str) -> None:
        for a in menu.actions():
            if a.menu():
                walk(a.menu(), f"{path} › {a.menu().title().replace('&', '')}")
            elif not a.isSeparator():
                keys = ", ".join(s.toString(QKeySequence.NativeText) for s in a.shortcuts())
                rows.append((path, a.text().replace("&", ""), keys))

    for top in menubar.actions():
        if top.menu():
            walk(top.menu(), top.menu().title().replace("&", ""))
    return rows
