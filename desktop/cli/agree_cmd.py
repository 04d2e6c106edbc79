"""`marginalia agree --project P [--json]`: inter-annotator agreement (models/review)."""

from __future__ import annotations

import json

import msgspec


def _num(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _dumps(data) -> str:
    """json.dumps(indent=2, ensure_ascii=False), the same text, by msgspec: the report of
    10,000 documents took a tenth of `agree` to print (issue 19). The two differ only in
    floats below 1e-4 or from 1e16 on, which a report rounded to 4 decimals never holds."""
    try:
        return msgspec.json.format(msgspec.json.encode(data), indent=2).decode()
    except (TypeError, ValueError, UnicodeError):  # a lone surrogate in a title: the stdlib's
        return json.dumps(data, indent=2, ensure_ascii=False)


def run(args) -> int:
    from desktop.cli.session import open_for

    data = open_for(args).agreement(args.project)
    if args.json:
        print(_dumps(data))
        return 0
    if not data["pairs"]:
        who = ", ".join(data["annotators"]) or "nobody"
        print(f"project {args.project}: no document has two annotators yet (annotated by "
              f"{who}); agreement needs at least two annotators on the same documents")
        return 0
    cols = ("a", "b", "docs", "span F1", "overlap", "rel F1", "event F1", "ev+args", "kappa",
            "category kappa")
    def val(p, key, kind):  # "-" where neither annotator labeled anything of the kind
        return _num(p[key]) if any(p["counts"][kind][:2]) else "-"

    rows = [(p["a"], p["b"], str(p["documents"]), val(p, "span_f1", "spans"),
             val(p, "span_f1_overlap", "spans"), val(p, "relation_f1", "relations"),
             val(p, "event_f1", "events"), val(p, "event_f1_args", "events"),
             _num(p["kappa"]), _num(p.get("category_agreement"))) for p in data["pairs"]]
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths)))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths)))
    print(f"Krippendorff's alpha (tokens, all annotators): {_num(data['alpha'])}")
    if data["per_label"]:
        print("per label (span F1 exact / overlap, labels):")
        for name, row in data["per_label"].items():
            print(f"  {name:<14} {_num(row['span_f1'])} / {_num(row['span_f1_overlap'])}  "
                  f"{row['count']}")
    worst = [d for d in data["documents"] if d["disagreement"] > 0][:10]
    if worst:
        print("most disagreement:")
        for d in worst:
            print(f"  #{d['id']} {d['title'][:50]!r}: F1 {_num(d['f1'])}, "
                  f"kappa {_num(d['kappa'])}")
    return 0
