"""Pipeline labels -> schema labels.

The mapping in force is the project's setting "label_map" when an editor has saved one, else
the schema's own `label_map`. A pipeline label with no entry maps to the schema label of the
same name when there is one (so a pipeline trained on this project needs no mapping), and is
dropped otherwise; an entry whose target is empty drops that label explicitly. A target the
schema lacks is refused, naming it: nothing is suggested with a label the schema lacks.
"""

from __future__ import annotations

from typing import Any

from models.errors import ValidationError
from models.schema import Schema

SETTING = "label_map"


def stored_mapping(schema: Schema, settings: dict[str, Any]) -> dict[str, str]:
    raw = settings.get(SETTING)
    return dict(raw) if isinstance(raw, dict) else dict(schema.label_map)


def validate(schema: Schema, mapping: dict[str, str | None]) -> dict[str, str]:
    """The mapping cleaned (empty targets kept as ''), or a ValidationError naming a target."""
    names = set(schema.entity_names)
    out: dict[str, str] = {}
    for source, target in mapping.items():
        if not isinstance(source, str) or not source:
            raise ValidationError("a pipeline label in the mapping is empty", where="label map")
        target = (target or "").strip() if isinstance(target, (str, type(None))) else None
        if target is None:
            raise ValidationError(f"{source} maps to a value that is not a label name",
                                  where="label map")
        if target and target not in names:
            raise ValidationError(f"{source} -> {target}: the schema has no entity label "
                                  f"{target!r}", where="label map")
        out[source] = target
    return out


def effective(schema: Schema, settings: dict[str, Any],
              pipeline_labels: list[str] | None = None) -> dict[str, str]:
    """pipeline label -> schema label for every label that is kept (validated)."""
    explicit = validate(schema, stored_mapping(schema, settings))
    names = set(schema.entity_names)
    out = {k: v for k, v in explicit.items() if v}
    for label in pipeline_labels or ():
        if label not in explicit and label in names:
            out[label] = label
    return out


def table(schema: Schema, settings: dict[str, Any],
          pipeline_labels: list[str]) -> list[tuple[str, str | None]]:
    """What an editor shows: every pipeline label and its schema label (None: dropped)."""
    keep = effective(schema, settings, pipeline_labels)
    extra = [k for k in stored_mapping(schema, settings) if k not in pipeline_labels]
    return [(label, keep.get(label)) for label in list(pipeline_labels) + sorted(extra)]
