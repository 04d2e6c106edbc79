"""Relation rules: spaCy DependencyMatcher patterns from the schema, matched fast.

spaCy's DependencyMatcher runs a token Matcher over every token for every node, evaluating
set predicates in Python: ~10 ms per article, too slow to suggest for thousands of articles.
Relation rules are small trees anchored on entity tokens, so this module matches the subset
they use (REL_OP > < . ; >> <<, attributes ORTH TEXT LOWER LEMMA POS TAG DEP ENT_TYPE with a
value or IN / NOT_IN) by walking the parse from the candidate tokens, with the same meaning
as spaCy's. A rule using anything else is handed to spaCy's DependencyMatcher as is.

ENT_TYPE names schema labels: the candidate entities of the document (suggested and stored).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

SUPPORTED_OPS = {">", "<", ".", ";", ">>", "<<"}
ATTRS = {"ORTH": "text", "TEXT": "text", "LOWER": "lower_", "LEMMA": "lemma_", "POS": "pos_",
         "TAG": "tag_", "DEP": "dep_"}


def _predicate(value: Any) -> Callable[[str], bool] | None:
    if isinstance(value, str):
        return value.__eq__
    if isinstance(value, dict) and len(value) == 1:
        (op, vals), = value.items()
        if op == "IN" and isinstance(vals, list):
            return frozenset(vals).__contains__
        if op == "NOT_IN" and isinstance(vals, list):
            s = frozenset(vals)
            return lambda v: v not in s
    return None


class _Node:
    __slots__ = ("checks", "ent_check", "left", "name", "op")

    def __init__(self, name, left, op, checks, ent_check):
        self.name, self.left, self.op = name, left, op
        self.checks, self.ent_check = checks, ent_check


def compile_rule(pattern: list[dict[str, Any]]) -> list[_Node] | None:
    """The rule as nodes, or None when it uses what this matcher does not support."""
    nodes: list[_Node] = []
    index: dict[str, int] = {}
    for k, node in enumerate(pattern):
        name = node.get("RIGHT_ID")
        if not isinstance(name, str) or name in index:
            return None
        if k == 0:
            left, op = None, None
        else:
            op = node.get("REL_OP")
            if node.get("LEFT_ID") not in index or op not in SUPPORTED_OPS:
                return None
            left = index[node["LEFT_ID"]]
        checks, ent_check = [], None
        for key, value in (node.get("RIGHT_ATTRS") or {}).items():
            key = key.upper()
            pred = _predicate(value)
            if pred is None:
                return None
            if key == "ENT_TYPE":
                ent_check = pred
            elif key in ATTRS:
                checks.append((ATTRS[key], pred))
            else:
                return None
        index[name] = k
        nodes.append(_Node(name, left, op, checks, ent_check))
    return nodes


def _step(doc, tok, op: str) -> Iterator:
    if op == ">":
        yield from tok.children
    elif op == "<":
        if tok.head.i != tok.i:
            yield tok.head
    elif op == ".":
        if tok.i + 1 < len(doc):
            yield doc[tok.i + 1]
    elif op == ";":
        if tok.i > 0:
            yield doc[tok.i - 1]
    elif op == ">>":
        for t in tok.subtree:
            if t.i != tok.i:
                yield t
    elif op == "<<":
        yield from tok.ancestors


def match(doc, nodes: list[_Node], ent_type: Callable[[int], str],
          ent_tokens: list[int], columns: dict | None = None) -> Iterator[list[int]]:
    """Every assignment of tokens to the nodes (token indexes, in pattern order).
    `columns` (attribute -> its value for every token) is shared by the rules run on one
    doc: the first node is checked on those lists, not on a Token made per rule and token
    (most of the matching's time)."""

    def ok(node: _Node, tok) -> bool:
        if node.ent_check is not None and not node.ent_check(ent_type(tok.i)):
            return False
        for attr, pred in node.checks:
            if not pred(getattr(tok, attr)):
                return False
        return True

    first = nodes[0]
    if first.ent_check is not None and not first.ent_check(""):
        cand = ent_tokens  # an entity node: only entity tokens qualify
    else:
        cand = range(len(doc))
    columns = {} if columns is None else columns
    for attr, pred in first.checks:
        if attr not in columns:
            columns[attr] = [getattr(t, attr) for t in doc]
        col = columns[attr]
        cand = [i for i in cand if pred(col[i])]
    if first.ent_check is not None:
        cand = [i for i in cand if first.ent_check(ent_type(i))]
    assigned: list = [None] * len(nodes)

    def extend(k: int) -> Iterator[list[int]]:
        if k == len(nodes):
            yield [t.i for t in assigned]
            return
        node = nodes[k]
        for tok in _step(doc, assigned[node.left], node.op):
            if ok(node, tok):
                assigned[k] = tok
                yield from extend(k + 1)

    for i in cand:
        assigned[0] = doc[i]
        yield from extend(1)
