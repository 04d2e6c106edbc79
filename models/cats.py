"""The document categories as spaCy's textcat reads them (`doc.cats`), and which of its two
components trains them. Shared by the DocBin export and `train`.

What spaCy does with a category missing from `doc.cats` (spacy/pipeline/textcat*.py,
`_examples_to_truth`): `textcat_multilabel` leaves it out of the loss (a missing value);
`textcat` has no missing values, it counts it as 0.0, and refuses two 1.0s on one document
(E895). So:

* a category is 1.0 when the layer accepts it, 0.0 when a person rejected it (a rejected
  textcat task) or when the record is complete for categories: a layer made in the app, or
  an accepted manual task (a choice task), where what was not chosen does not apply; in an
  exclusive group, the others of an accepted one are 0.0 too (one of);
* anything else is left out (unknown): what binary tasks (Prodigy's textcat.teach, one
  label per task) say nothing about, and suggestions (nobody decided them);
* the component is `textcat` when the schema's categories are one exclusive group and no
  document leaves one of them unknown; else `textcat_multilabel` over every category (it
  is the one that masks unknown values, and spaCy's textcat reads every category of
  `doc.cats`, so two groups, or an exclusive group beside a multi-label one, cannot be two
  components over one `doc.cats`).
"""

from __future__ import annotations

from collections.abc import Iterable

from models.records import DocumentRecord
from models.schema import Schema

TEXTCAT, MULTILABEL = "textcat", "textcat_multilabel"


def complete(rec: DocumentRecord) -> bool:
    """Does the record decide every category (what it does not accept does not apply)? Not
    when its labels are incomplete (binary tasks), nor when a category came with a binary
    task (a textcat task says yes or no to its own label only)."""
    if rec.binary:
        return False
    return not any(c.task is not None and c.task < len(rec.tasks)
                   and rec.tasks[c.task].kind == "binary" for c in rec.categories)


def names_of(schema: Schema | None, records: Iterable[DocumentRecord] = ()) -> list[str]:
    """Every category: the schema's in order, then any other a record names."""
    names = list(schema.category_names) if schema else []
    seen = set(names)
    for rec in records:
        for c in rec.categories:
            if c.name not in seen:
                seen.add(c.name)
                names.append(c.name)
    return names


def doc_cats(rec: DocumentRecord, schema: Schema | None, names: list[str]
             ) -> dict[str, float]:
    """doc.cats of one record over `names` (see the module's docstring)."""
    state = {c.name: c.state for c in rec.categories}
    accepted = {n for n, st in state.items() if st == "accepted"}
    out: dict[str, float] = {}
    whole = complete(rec)
    for name in names:
        st = state.get(name)
        if st == "accepted":
            out[name] = 1.0
        elif st == "rejected" or (whole and st != "suggested"):
            out[name] = 0.0
        else:
            group = schema.category_group(name) if schema else None
            if group is not None and group.exclusive and accepted & set(group.names):
                out[name] = 0.0
    return out


def component_for(schema: Schema | None, names: list[str],
                  all_cats: Iterable[dict[str, float]]) -> str | None:
    """textcat, textcat_multilabel, or None when no document decides any category."""
    all_cats = list(all_cats)
    if not names or not any(all_cats):
        return None
    groups = schema.categories if schema else []
    one_of = (len(groups) == 1 and groups[0].exclusive and set(names) == set(groups[0].names))
    if one_of and all(len(c) == len(names) for c in all_cats):
        return TEXTCAT
    return MULTILABEL
