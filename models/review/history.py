"""The audit trail in words: one line per change, with before and after."""

from __future__ import annotations

from typing import Any

# The audit row of the agreed spans a set-based auto-gold step put into a document's gold
# (models/review/bulk_gold.py): on the gold layer's row, after {"spans": [their ids]}
ACCEPT_AGREED = "accept agreed"

SHOWN = ("label", "start", "end", "state", "type", "kb_id", "note", "attributes", "status",
         "head_id", "tail_id", "role", "text", "category")


def _label(d: dict[str, Any]) -> str:
    if "span" in d:
        d = d["span"]
    elif "relation" in d:
        d = d["relation"]
    elif "event" in d and isinstance(d["event"], dict):
        d = d["event"]
    elif isinstance(d.get("category"), dict):  # a deleted or restored category
        d = d["category"]
    name = (d.get("label") or d.get("type") or d.get("role") or d.get("title")
            or d.get("name") or d.get("category") or "")
    where = f" [{d['start']},{d['end']})" if "start" in d and "end" in d else ""
    if "head_id" in d:
        where = f" span#{d['head_id']} -> span#{d['tail_id']}"
    state = d.get("state")
    return f"{name}{where}" + (f" ({state})" if state and state != "accepted" else "")


def describe(row: dict[str, Any]) -> str:
    """'create PERSON [0,5)', 'relabel label: ORG -> PERSON; version: 1 -> 2', ..."""
    before, after, action = row.get("before"), row.get("after"), row["action"]
    if action == "adjudicate" and after:
        keys = after.get("keys", [])
        parts = [f"{decision} {kind} {_key_text(kind, key)}" for kind, key, decision in keys]
        return f"{after.get('how', 'decide')}: " + "; ".join(parts)
    if action == ACCEPT_AGREED and after:
        ids = after.get("spans") or []
        which = f"span#{ids[0]}" if len(ids) == 1 else f"span#{ids[0]} ... span#{ids[-1]}"
        return (f"agreed by every annotator: {len(ids)} span{'s' * (len(ids) != 1)} into "
                f"gold ({which})" if ids else "agreed by every annotator: nothing")
    if action in ("import", "suggest") and after and isinstance(after.get("spans"), int):
        return _bulk(action, after)
    if action == "comment" and after:
        on = after.get("target_kind", "document")
        on += f"#{after['target_id']}" if after.get("target_id") is not None else ""
        return f"on {on}: {after.get('text', '')!r}"
    if action == "set_status" and after:
        was = (before or {}).get("status")
        return f"layer {after.get('layer')}: status {was} -> {after.get('status')}"
    if before and after and action not in ("restore",):
        changed = [f"{k}: {_short(before.get(k))} -> {_short(after.get(k))}"
                   for k in SHOWN if k in after and before.get(k) != after.get(k)]
        head = _label(before)
        return f"{head}: " + "; ".join(changed) if changed else head
    if after:
        return _label(after)
    if before:
        return _label(before)
    return ""


def _bulk(action: str, after: dict[str, Any]) -> str:
    """A document's row of an import ('into bob: 20 spans, 2 relations') or a suggester
    run ('by spacy:en_core_web_sm: 12 spans'), whose labels have no rows of their own."""
    one = {"spans": "span", "relations": "relation", "events": "event",
           "categories": "category"}
    counts = ", ".join(f"{after[k]} {k if after[k] != 1 else one[k]}"
                       for k in one if after.get(k) or k == "spans")
    if action == "import":
        title = f" {after['title']!r}" if after.get("title") else ""
        return f"into {after.get('layer', '?')}{title}: {counts}"
    return f"by {', '.join(after.get('suggesters') or ['?'])}: {counts}"


def _key_text(kind: str, key: list) -> str:
    if kind == "category":
        return str(key[0])
    if kind == "relation":
        return f"{key[4]} [{key[0]},{key[1]}) -> [{key[2]},{key[3]})"
    return f"{key[2]} [{key[0]},{key[1]})"


def _short(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= 40 else text[:37] + "..."


def format_row(row: dict[str, Any]) -> str:
    layer = f"[{row['layer']}]" if row.get("layer") else "[document]"
    return (f"{row['at']}\t{row['user']}\t{layer}\t{row['action']}\t{row['table']}"
            f"{'#' + str(row['row']) if row.get('row') is not None else ''}\t{describe(row)}")
