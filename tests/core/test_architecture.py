"""The house is one-way: no module of desktop/, models/ or exports/ imports itself back.

import-linter checks the layers (desktop > exports > models); this test checks what it does
not: cycles inside a layer, counting imports made inside functions (the lazy imports that
keep start-up fast are imports all the same: a cycle through them still ties the modules
together)."""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("desktop", "models", "exports")


def modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name -> file, for every .py file of the packages."""
    out = {}
    for package in packages:
        for f in sorted((root / package).rglob("*.py")):
            parts = list(f.relative_to(root).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            out[".".join(parts)] = f
    return out


def _known(name: str, known: dict[str, Path]) -> str | None:
    """The longest prefix of `name` that is one of our modules (`a.b.func` -> `a.b`)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(name: str, path: Path, known: dict[str, Path]) -> set[str]:
    """The project modules that `name` imports anywhere in its body, functions included."""
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            # `from pkg import mod` imports pkg.mod; `from mod import func` imports mod
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in known else module
                       for a in node.names]
        else:
            continue
        for target in targets:
            hit = _known(target, known)
            if hit is not None and hit != name:
                found.add(hit)
    return found


def graph(root: Path = ROOT, packages=PACKAGES) -> dict[str, set[str]]:
    known = modules(root, packages)
    return {name: imports(name, path, known) for name, path in known.items()}


def _shortest_cycle(start: str, edges: dict[str, set[str]]) -> list[str] | None:
    """The shortest path start -> ... -> start, breadth first."""
    parent: dict[str, str] = {}
    queue = deque([start])
    while queue:
        here = queue.popleft()
        for nxt in sorted(edges[here]):
            if nxt == start:
                path = [here]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if nxt not in parent:
                parent[nxt] = here
                queue.append(nxt)
    return None


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """One shortest cycle through each module that lies on a cycle, each cycle once."""
    out, seen = [], set()
    for name in sorted(edges):
        cycle = _shortest_cycle(name, edges)
        if cycle is not None and frozenset(cycle) not in seen:
            seen.add(frozenset(cycle))
            out.append(cycle)
    return out


def test_no_import_cycle_in_the_project():
    found = cycles(graph())
    assert not found, "import cycles: " + "; ".join(" -> ".join(c) for c in found)


def test_the_layers_point_one_way():
    """models imports neither exports nor desktop; exports does not import desktop."""
    below = {"models": ("exports", "desktop"), "exports": ("desktop",)}
    wrong = [f"{a} -> {b}" for a, deps in graph().items() for b in deps
             if b.split(".")[0] in below.get(a.split(".")[0], ())]
    assert not wrong, "imports against the layers: " + ", ".join(sorted(wrong))


def test_a_cycle_through_a_function_level_import_is_found_and_named(tmp_path):
    pkg = tmp_path / "models"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from models.sub import b\n")
    (pkg / "sub" / "b.py").write_text("def f():\n    from .c import g\n    return g\n")
    (pkg / "sub" / "c.py").write_text("def g():\n    from .. import a\n    return a\n")
    (pkg / "d.py").write_text("import models.a\n")  # on no cycle: it only imports
    edges = graph(tmp_path, ("models",))
    assert edges["models.a"] == {"models.sub.b"}
    assert edges["models.sub.b"] == {"models.sub.c"}
    assert edges["models.sub.c"] == {"models.a"}
    assert cycles(edges) == [["models.a", "models.sub.b", "models.sub.c", "models.a"]]


def test_no_cycle_when_the_lazy_import_points_down(tmp_path):
    pkg = tmp_path / "models"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("def f():\n    from models import b\n    return b\n")
    (pkg / "b.py").write_text("X = 1\n")
    assert cycles(graph(tmp_path, ("models",))) == []
