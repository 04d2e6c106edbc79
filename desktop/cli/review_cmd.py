"""`marginalia review --project P [--document ID] [--auto] [--accept|--also|--reject
KIND:ID:VERSION] [--accept-annotator NAME [--label L]] [--reject-rest] [--approve]
[--return COMMENT] [--json]`

Without an action it lists conflicts and writes nothing. A conflict is a place: every
version the annotators gave there, each with the annotators who gave it, the ref a decision
names and what gold says of it (accept, reject, replaced, or open). Actions run in this
order: --auto, the decisions in the order given, --accept-annotator, --reject-rest,
--return, --approve; each is one step (the window can undo it), and a step refused stops
the ones after it. A label changed or deleted since it was listed is refused and nothing of
that step is stored. Without --document, --auto is one step over the whole project (all
of it stored, or nothing)."""

from __future__ import annotations

import json

from desktop.cli.errors import UsageError


KINDS = ("span", "relation", "event", "category")


def _ref(text: str) -> tuple[str, int, int]:
    try:
        kind, row, version = text.split(":")
        if kind not in KINDS:
            raise ValueError(kind)
        return kind, int(row), int(version)
    except ValueError:
        raise UsageError(f"{text!r}: expected KIND:ID:VERSION with KIND span, relation, "
                         "event or category, e.g. span:12:1") from None


def _conflict_json(c, text: str) -> dict:
    # a category's conflict is about the whole document: its text is the place's name
    return {"id": c.id, "kind": c.kind, "start": c.start, "end": c.end,
            "text": c.place if c.kind == "category" else text[c.start:c.end], "open": c.open,
            "missing": list(c.missing),
            "versions": [{"label": v.label, "key": list(v.key), "annotators": list(v.annotators),
                          "ref": f"{c.kind}:{v.refs[0][0]}:{v.refs[0][1]}",
                          "decided": v.decided} for v in c.versions]}


def _actions(args) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    if args.auto:
        out.append(("auto", None))
    out += [(how, _ref(ref)) for how, ref in args.decisions]
    if args.accept_annotator:
        out.append(("annotator", (args.accept_annotator, args.label)))
    elif args.label:
        raise UsageError("--label goes with --accept-annotator")
    if args.reject_rest:
        out.append(("rest", None))
    if args.return_comment is not None:
        out.append(("return", args.return_comment))
    if args.approve:
        out.append(("approve", None))
    return out


def _run_action(svc, doc_id: int, how: str, arg) -> str:
    if how == "auto":
        ch = svc.accept_agreed(doc_id)
        return f"document {doc_id}: {ch.after['decided']} agreed label(s) put into gold"
    if how in ("accept", "also", "reject"):
        kind, row, version = arg
        svc.decide(doc_id, kind, row, version, how)
        verb = {"accept": "accepted", "also": "accepted (also)", "reject": "rejected"}[how]
        return f"{verb} {kind} {row}"
    if how == "annotator":
        ch = svc.accept_annotator(doc_id, arg[0], arg[1])
        skipped = f", {ch.after['skipped']} skipped" if ch.after["skipped"] else ""
        return f"accepted {ch.after['decided']} version(s) of {arg[0]}{skipped}"
    if how == "rest":
        ch = svc.reject_rest(doc_id)
        return f"rejected {ch.after['decided']} open version(s)"
    if how == "return":
        svc.return_to_annotators(doc_id, arg)
        return f"document {doc_id} returned to its annotators"
    svc.approve(doc_id)
    return f"document {doc_id}: gold approved"


def run(args) -> int:
    from desktop.cli.session import open_for
    from models.errors import NotFoundError

    svc = open_for(args)
    pid = svc.project_id(args.project)
    actions = _actions(args)
    if args.document is not None:
        if svc.review(args.document).project_id != pid:
            raise NotFoundError(f"document {args.document} is not in project {args.project!r}")
        for how, arg in actions:
            line = _run_action(svc, args.document, how, arg)
            if not args.json:
                print(line)
        views = [svc.review(args.document)]
    else:
        if any(how not in ("auto",) for how, _ in actions):
            raise UsageError("decisions, --approve and --return need --document")
        done = svc.accept_agreed_project(pid).after["documents"] if actions else None
        # the documents most disagreement first, read for all of them at once (after the
        # step: gold changed, the ranking did not)
        views = svc.review_project(pid)
        if done is not None and not args.json:  # --auto over the project: one step
            for view in views:
                print(f"document {view.document_id}: "
                      f"{done.get(view.document_id, {}).get('decided', 0)} agreed "
                      "label(s) put into gold")
    out = []
    for view in views:
        shown = [c for c in view.conflicts if args.all or c.open]
        out.append({"document": view.document_id, "title": view.title,
                    "annotators": view.annotators,
                    "gold_status": view.gold_status, "agreed_not_in_gold": view.agreed_open,
                    "open_conflicts": sum(c.open for c in view.conflicts),
                    "conflicts": [_conflict_json(c, view.text) for c in shown]})
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    if not out:
        print(f"project {args.project}: no document has annotations to review yet")
    for d in out:
        agreed = (f", {d['agreed_not_in_gold']} agreed label(s) not in gold yet (--auto)"
                  if d["agreed_not_in_gold"] else "")
        print(f"document {d['document']} {d['title']!r} ({', '.join(d['annotators'])}): "
              f"{d['open_conflicts']} open conflict(s){agreed}; gold {d['gold_status']}")
        for c in d["conflicts"]:
            missing = f"  missing in {', '.join(c['missing'])}" if c["missing"] else ""
            at = "" if c["kind"] == "category" else f" [{c['start']},{c['end']})"
            print(f"  {c['kind']}{at} {c['text'][:40]!r}{missing}")
            for v in c["versions"]:
                k = v["key"]
                where = (f"[{k[0]},{k[1]}) -> [{k[2]},{k[3]})" if c["kind"] == "relation"
                         else "document" if c["kind"] == "category" else f"[{k[0]},{k[1]})")
                print(f"    {v['ref']:<16} {v['label']:<12} {where:<18} "
                      f"{', '.join(v['annotators']):<20} {v['decided'] or 'open'}")
    return 0
