"""brat's annotation.conf, read by brat's own rules (server/src/projectconfig.py) and written
back as it was read.

Reading: sections ([spans] is [entities]); blank lines, `#` comments and lines of hyphens
(brat's separators, any number) are layout only; `<NAME>=A|B` defines a macro for the rest
of its section; each other line is `TERMS ARGS`: TERMS `Name|alias|...`, a `!` marks an
abstract type (hierarchy only, not a label), the indent (characters) is the depth in the
hierarchy; ARGS comma-separated `Key:Type|Type`, a key ending in `?`, `*`, `+`, `{N}` or
`{N-M}` (the count of a role), `<REL-TYPE>:symmetric-transitive`, `<INHERIT>` (the parent's
arguments). A relation type may take several lines (one per pair of argument types);
`<OVERLAP>` and `ENTITY-NESTING` lines say which spans may overlap.

Writing: every line read is kept in Schema.brat (with what it defined); a label the schema
still defines as it was read is written as its original line (its spacing, macros and
aliases included), a changed one is written anew, and labels added since are written at the
end of their section. An error names the file and line.

Document categories: brat's conf has no place for them, so their groups are written as
comment lines before the first section (brat reads them as comments, nothing else), one per
group, fields TAB-separated: ``# categories<TAB>one-of|any-of<TAB>GROUP<TAB>a|b|c``. They
are read back into Schema.categories (with their exclusivity) and always written anew from
the schema, never kept from the layout.
"""

from __future__ import annotations

import re
from typing import Any

from models.errors import ValidationError
from models.schema import (
    ANY_ENTITY,
    PALETTE,
    TYPE_CLASSES,
    AttributeDef,
    Category,
    CategoryGroup,
    EntityLabel,
    EventType,
    RelationType,
    Role,
    Schema,
)

SECTIONS = ("entities", "relations", "events", "attributes")
SECTION_ALIAS = {"spans": "entities"}
SPECIAL_RELATIONS = ("<OVERLAP>", "ENTITY-NESTING")
RESERVED = ("ANY", "ENTITY", "RELATION", "EVENT", "NONE", "EMPTY", "REL-TYPE", "URL",
            "URLBASE", "UNICODE", "GLYPH-POS", "DEFAULT", "NORM", "OVERLAP", "OVL-TYPE",
            "INHERIT")
_RESERVED = {f"<{n}>" for n in RESERVED}
CATEGORY_LINE = re.compile(r"^#\s*categories\t(one-of|any-of)\t([^\t]+)\t(.*?)\s*$")


def _category_group(conf: _Conf, schema: Schema, m: re.Match) -> None:
    kind, group, names_s = m.groups()
    names = [n.strip() for n in names_s.split("|") if n.strip()]
    if not names:
        conf.fail(f"the category group {group!r} names no category")
    taken = [n for n in names if schema.category(n) is not None]
    if taken or schema.group(group) is not None:
        conf.fail(f"category {taken[0]!r} is in two groups" if taken else
                  f"two category groups named {group!r}")
    schema.categories.append(CategoryGroup(group, kind == "one-of",
                                           [Category(n) for n in names]))


def _category_lines(schema: Schema) -> list[str]:
    return [f"# categories\t{'one-of' if g.exclusive else 'any-of'}\t{g.name}\t"
            + "|".join(c.name for c in g.categories)
            for g in schema.categories if g.categories]


class _Conf:
    def __init__(self, where: str):
        self.where = where
        self.lineno = 0

    def fail(self, message: str) -> None:
        raise ValidationError(f"line {self.lineno}: {message}", where=self.where)


def _parse_args(conf: _Conf, args: list[str]) -> tuple[list[tuple[str, str, list[str]]],
                                                       dict[str, list[str]]]:
    """[(key, count, types)] and the reserved <KEY>: values, as brat's TypeHierarchyNode."""
    plain: list[tuple[str, str, list[str]]] = []
    special: dict[str, list[str]] = {}
    for a in args:
        m = re.match(r"^(\S*?):(\S*)$", a)
        if not m:
            conf.fail(f"cannot read argument {a!r}: expected Key:Type")
        key, types = m.groups()
        if key in _RESERVED:
            if key in special:
                conf.fail(f"argument {key} appears twice")
            special[key] = types.split("-") if key == "<REL-TYPE>" else types.split("|")
            continue
        m = re.match(r"^(\S+?)(\{\S+\}|\?|\*|\+|)$", key)
        if not m:
            conf.fail(f"cannot read argument {key!r}")
        name, count = m.groups()
        low, high = _count_range(conf, name, count)
        if high > 1 and name[-1].isdigit():
            conf.fail(f"argument {name + count!r}: a name ending in a digit cannot repeat "
                      "(brat numbers repeats: Theme2)")
        if any(k == name for k, _, _ in plain):
            conf.fail(f"argument {name!r} appears twice")
        parts = types.split("|")
        if any(not t.strip() for t in parts):
            conf.fail(f"argument {name!r}: empty type")
        plain.append((name, count, parts))
    return plain, special


def _count_range(conf: _Conf, name: str, count: str) -> tuple[int, int]:
    if count in ("", "?", "*", "+"):
        return {"": (1, 1), "?": (0, 1), "*": (0, 10**9), "+": (1, 10**9)}[count]
    m = re.match(r"\{(\d+)(?:-(\d+))?\}$", count)
    if not m:
        conf.fail(f"argument {name}{count}: a count is {{N}} or {{MIN-MAX}}")
    low = int(m.group(1))
    high = int(m.group(2)) if m.group(2) is not None else low
    if m.group(2) is None and low == 0:
        conf.fail(f"argument {name}{count}: cannot be exactly 0")
    if low > high:
        conf.fail(f"argument {name}{count}: the range is empty")
    return low, high


def _multiple(count: str) -> bool:
    if count in ("*", "+"):
        return True
    m = re.match(r"\{(\d+)(?:-(\d+))?\}$", count)
    return bool(m) and int(m.group(2) or m.group(1)) > 1


def parse_brat_conf(text: str, *, where: str = "annotation.conf") -> Schema:
    """Read brat's annotation.conf into a schema (see the module's docstring)."""
    conf = _Conf(where)
    schema = Schema(name="brat")
    layout: list[dict[str, Any]] = []
    section: str | None = None
    macros: dict[str, str] = {}
    parents: dict[int, list[str]] = {}  # depth -> the args of the last node there
    have_parent: set[int] = set()
    for conf.lineno, raw in enumerate(text.split("\n"), 1):
        line = raw.rstrip("\r")
        cat = CATEGORY_LINE.match(line)
        if cat:  # written anew from the schema, not kept in the layout
            _category_group(conf, schema, cat)
            continue
        entry: dict[str, Any] = {"line": line}
        layout.append(entry)
        m = re.match(r"^\s*\[(.*)\]\s*$", line)
        if m:
            name = m.group(1)
            section = SECTION_ALIAS.get(name, name)
            entry["section"] = section
            macros, parents, have_parent = {}, {}, set()
            continue
        if not line.strip() or re.match(r"^\s*#", line) or re.match(r"^\s*-+\s*$", line):
            continue
        if section not in SECTIONS:  # brat ignores what is outside its four sections
            continue
        m = re.match(r"^<([a-zA-Z_-]+)>=\s*(.*?)\s*$", line)
        if m:
            if m.group(1) in RESERVED:
                conf.fail(f"<{m.group(1)}> is reserved; it cannot be a macro")
            macros[f"<{m.group(1)}>"] = m.group(2)
            continue
        for name, value in macros.items():
            line = line.replace(name, value)
        for m in re.finditer(r"(<.*?>)", line):
            if m.group(1) not in _RESERVED:
                conf.fail(f"undefined macro {m.group(1)} (macros belong to their section)")
        m = re.match(r"^(\s*)(\S+)(?:\s+(.*))?$", line)
        indent, terms_s, args_s = m.groups()
        terms = [t.strip() for t in terms_s.split("|") if t.strip()]
        args = [a.strip() for a in (args_s or "").split(",") if a.strip()]
        depth = len(indent)
        if depth and depth - 1 not in have_parent:
            conf.fail(f"{terms[0]!r} is indented with no type above it to belong to")
        expanded: list[str] = []
        for a in args:
            expanded.extend(parents.get(depth - 1, []) if a == "<INHERIT>" else [a])
        args = expanded
        parents[depth] = args
        have_parent.add(depth)
        abstract = any(t.startswith("!") for t in terms)
        terms = [t[1:] if t.startswith("!") else t for t in terms]
        if not terms or not all(terms):
            conf.fail("a type with an empty name")
        plain, special = _parse_args(conf, args)
        entry.update(name=terms[0], depth=depth, abstract=abstract)
        if abstract:
            continue
        _define(conf, schema, section, terms[0], plain, special, entry)
    _add_implied_labels(schema)
    for entry in layout:  # what each line defined, to tell later whether it changed
        if "kind" in entry:
            entry["def"] = _definition(schema, entry)
    schema.brat = {"layout": layout}
    return schema


def _define(conf: _Conf, schema: Schema, section: str, name: str,
            plain: list[tuple[str, str, list[str]]], special: dict[str, list[str]],
            entry: dict[str, Any]) -> None:
    if section == "entities":
        if schema.entity(name):
            conf.fail(f"entity {name!r} is defined twice")
        schema.entities.append(EntityLabel(name))
        entry["kind"] = "entity"
    elif section == "relations":
        if name in SPECIAL_RELATIONS:
            return  # kept as written: which spans may overlap
        if len(plain) != 2:
            conf.fail(f"relation {name!r} takes two arguments, not {len(plain)}")
        heads, tails = ([t for t in types if t not in TYPE_CLASSES] for _, _, types in plain)
        rel_type = special.get("<REL-TYPE>", [])
        if name == "Equiv" and "<REL-TYPE>" not in special:  # brat's rule for old configs
            rel_type = ["symmetric", "transitive"]
        rt = schema.relation(name)
        if rt is None:
            rt = RelationType(name, heads, tails, symmetric="symmetric" in rel_type,
                              transitive="transitive" in rel_type)
            if [k for k, _, _ in plain] != ["Arg1", "Arg2"]:
                rt.args = [k for k, _, _ in plain]
            schema.relations.append(rt)
            entry["index"] = 0
        else:  # one more pair of argument types for the same relation
            rt.more.append({"heads": heads, "tails": tails})
            entry["index"] = len(rt.more)
        entry["kind"] = "relation"
    elif section == "events":
        if schema.event(name):
            conf.fail(f"event {name!r} is defined twice")
        roles = [Role(key, list(types), _multiple(count), count=count)
                 for key, count, types in plain]
        schema.events.append(EventType(name, roles))
        entry["kind"] = "event"
    else:
        values: list[str] = []
        targets: list[str] = []
        for key, _, types in plain:
            if key == "Arg":
                targets = types
            elif key == "Value":
                values = types
        if schema.attribute(name):
            conf.fail(f"attribute {name!r} is defined twice")
        schema.attributes.append(AttributeDef(name, targets, values))
        entry["kind"] = "attribute"


def _add_implied_labels(schema: Schema) -> None:
    """Labels that relations or roles name but [entities] lacks: brat lets them be event
    types; others are added as entity labels so that the schema holds together."""
    known = set(schema.entity_names) | {e.name for e in schema.events} | set(TYPE_CLASSES)
    wanted = [lab for r in schema.relations
              for lab in r.heads + r.tails + [x for m in r.more for x in m["heads"] + m["tails"]]]
    wanted += [lab for ev in schema.events for role in ev.roles for lab in role.labels]
    for lab in wanted:
        if lab not in known:
            schema.entities.append(EntityLabel(lab))
            known.add(lab)
    for i, e in enumerate(schema.entities):
        e.color = e.color or PALETTE[i % len(PALETTE)]


# ---- writing ---------------------------------------------------------------------------------

def _definition(schema: Schema, entry: dict[str, Any]) -> str | None:
    """The line the schema's label of this entry would be written as; None: gone."""
    name, kind = entry["name"], entry["kind"]
    if kind == "entity":
        return name if schema.entity(name) else None
    if kind == "event":
        ev = schema.event(name)
        return _event_line(ev) if ev else None
    if kind == "attribute":
        a = schema.attribute(name)
        return _attribute_line(a) if a else None
    rt = schema.relation(name)
    if rt is None or entry["index"] > len(rt.more):
        return None
    return _relation_line(rt, entry["index"])


def _event_line(ev: EventType) -> str:
    roles = ", ".join(f"{r.name}{_count_of(r)}:{'|'.join(r.labels) or ANY_ENTITY}"
                      for r in ev.roles)
    return f"{ev.name}\t{roles}" if roles else ev.name


def _count_of(role: Role) -> str:
    if role.count and _multiple(role.count) == role.multiple:
        return role.count
    return "*" if role.multiple else "?"


def _relation_line(rt: RelationType, index: int) -> str:
    heads, tails = ((rt.heads, rt.tails) if index == 0 else
                    (rt.more[index - 1].get("heads", []), rt.more[index - 1].get("tails", [])))
    a1, a2 = rt.args if len(rt.args) == 2 else ("Arg1", "Arg2")
    kinds = [k for k, on in (("symmetric", rt.symmetric), ("transitive", rt.transitive)) if on]
    extra = f", <REL-TYPE>:{'-'.join(kinds)}" if kinds else ""
    return (f"{rt.name}\t{a1}:{'|'.join(heads) or ANY_ENTITY}, "
            f"{a2}:{'|'.join(tails) or ANY_ENTITY}{extra}")


def _attribute_line(a: AttributeDef) -> str:
    val = f", Value:{'|'.join(a.values)}" if a.values else ""
    return f"{a.name}\tArg:{'|'.join(a.labels) or ANY_ENTITY}{val}"


_NEW = {  # what the schema holds that no line of the conf defined, by section
    "entities": lambda s, seen: [e.name for e in s.entities if ("entity", e.name) not in seen],
    "relations": lambda s, seen: [
        _relation_line(r, i) for r in s.relations for i in range(len(r.more) + 1)
        if ("relation", r.name, i) not in seen],
    "events": lambda s, seen: [_event_line(e) for e in s.events
                               if ("event", e.name) not in seen],
    "attributes": lambda s, seen: [_attribute_line(a) for a in s.attributes
                                   if ("attribute", a.name) not in seen],
}
_DEFAULT_OVERLAP = "<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>"


def to_brat_conf(schema: Schema) -> str:
    """The schema as brat's annotation.conf: the lines it was read from, where they still
    say what the schema says, and new lines for the rest."""
    layout = list((schema.brat or {}).get("layout") or [])
    if not layout:  # a schema of our own: any span may overlap any other, as in the window
        layout = [{"line": f"[{s}]", "section": s} for s in SECTIONS]
        layout.insert(2, {"line": _DEFAULT_OVERLAP})
    seen: set[tuple] = set()
    for e in layout:
        if "kind" in e:
            seen.add((e["kind"], e["name"], e["index"]) if e["kind"] == "relation"
                     else (e["kind"], e["name"]))
    out: list[str] = []
    section = None
    written: set[str] = set()

    def close(sec: str | None) -> None:
        if sec in _NEW and sec not in written:
            written.add(sec)
            at = len(out)
            while at and not out[at - 1].strip():  # new lines go before the blank ones
                at -= 1
            out[at:at] = _NEW[sec](schema, seen)

    for e in layout:
        if "section" in e:
            close(section)
            section = e["section"]
        if "kind" not in e:
            out.append(e["line"])
            continue
        now = _definition(schema, e)
        if now is None:
            continue
        if now == e.get("def"):
            out.append(e["line"])
        else:
            out.append("\t" * e.get("depth", 0) + now)
    close(section)
    for sec in SECTIONS:
        if sec not in written:
            new = _NEW[sec](schema, seen)
            out += [f"[{sec}]", *new]
    text = "\n".join(_category_lines(schema) + out)
    return text if text.endswith("\n") else text + "\n"
