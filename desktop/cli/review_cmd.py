"""`marginalia review --project P [--document ID] [--accept|--reject KIND:ID:VERSION] [--json]`

Opens documents in review mode as the window does: labels every annotator agrees on go into
gold (unless the project's "auto_gold" setting is false), then the open conflicts are listed
with the refs a decision names. `--accept span:12:1` puts that label into gold (the versions
competing with it are rejected); `--reject` keeps it out. The version is the one shown: a
label changed or deleted since is refused and nothing is stored."""

from __future__ import annotations

import json

from desktop.cli.errors import UsageError


def _ref(text: str) -> tuple[str, int, int]:
    try:
        kind, row, version = text.split(":")
        return kind, int(row), int(version)
    except ValueError:
        raise UsageError(f"{text!r}: expected KIND:ID:VERSION, e.g. span:12:1") from None


def _conflict_json(c, text: str) -> dict:
    return {"id": c.id, "kind": c.kind, "start": c.start, "end": c.end,
            "text": text[c.start:c.end], "missing": list(c.missing),
            "versions": [{"label": v.label, "key": list(v.key), "annotators": list(v.annotators),
                          "ref": f"{c.kind}:{v.refs[0][0]}:{v.refs[0][1]}",
                          "decided": v.decided} for v in c.versions]}


def run(args) -> int:
    from desktop.cli.session import open_for

    svc = open_for(args)
    pid = svc.project_id(args.project)
    decisions = [("accept", _ref(x)) for x in args.accept] + \
                [("reject", _ref(x)) for x in args.reject]
    if decisions and args.document is None:
        raise UsageError("--accept and --reject need --document")
    if args.document is not None:
        if svc.review(args.document).project_id != pid:
            from models.errors import NotFoundError

            raise NotFoundError(f"document {args.document} is not in project {args.project!r}")
        for how, (kind, row, version) in decisions:
            kw = {"accept" if how == "accept" else "reject": [(row, version)]}
            svc.decide(args.document, kind, **kw)
            print(f"{how}ed {kind} {row}")
        doc_ids = [args.document]
    else:
        doc_ids = [d["id"] for d in svc.review_queue(pid)]
    out = []
    for doc_id in doc_ids:
        view = svc.review(doc_id)
        out.append({"document": doc_id, "title": view.title, "annotators": view.annotators,
                    "auto_gold": len(view.auto_gold),
                    "conflicts": [_conflict_json(c, view.text) for c in view.conflicts]})
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not out:
        print(f"project {args.project}: no document has annotations to review yet")
    for d in out:
        added = f", {d['auto_gold']} agreed label(s) put into gold" if d["auto_gold"] else ""
        print(f"document {d['document']} {d['title']!r} ({', '.join(d['annotators'])}): "
              f"{len(d['conflicts'])} open conflict(s){added}")
        for c in d["conflicts"]:
            missing = f"  missing in {', '.join(c['missing'])}" if c["missing"] else ""
            print(f"  {c['kind']} [{c['start']},{c['end']}) {c['text'][:40]!r}{missing}")
            for v in c["versions"]:
                k = v["key"]
                where = (f"[{k[0]},{k[1]}) -> [{k[2]},{k[3]})" if c["kind"] == "relation"
                         else f"[{k[0]},{k[1]})")
                print(f"    {v['ref']:<16} {v['label']:<12} {where:<18} "
                      f"{', '.join(v['annotators'])}")
    return 0
