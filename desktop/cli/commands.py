"""The CLI commands of the foundation: project, import, stats, history, user.

Commands whose work lives in a module of its own (suggest, export, agree, train) are
dispatched to it, so each stays small."""

from __future__ import annotations

import json
import sys

from desktop.cli.progress import Progress
from desktop.cli.session import open_for
from models.schema_files import load_schema

def cmd_project(args) -> int:
    svc = open_for(args)
    if args.action == "create":
        schema = load_schema(args.schema) if args.schema else None
        p = svc.create_project(args.name, schema)
        print(f"created project {p.name!r}")
        return 0
    rows = svc.list_projects()
    if args.json:
        print(json.dumps([{"name": r.name, "documents": r.documents,
                           "schema_version": r.schema_version, "created": r.created_at}
                          for r in rows], indent=2))
    else:
        for r in rows:
            print(f"{r.name}\t{r.documents} documents\tschema v{r.schema_version}")
    return 0

def cmd_import(args) -> int:
    from exports import registry
    from exports.base import ImportOptions
    from exports.usecases import import_paths

    options = ImportOptions(**{opt.field: getattr(args, opt.field)
                               for opt, _ in registry.import_options()})
    bar = Progress("reading", 0)
    outcome = import_paths(open_for(args), args.project, args.paths, args.format,
                           annotator=args.annotator, strict=args.strict, options=options,
                           progress=bar.update)
    bar.done()
    report = outcome.report
    for label in report.labels_added:
        print(f"added to the schema: {label}", file=sys.stderr)
    for title in report.existing_titles:
        print(f"already stored, not added again: {title}", file=sys.stderr)
    print(f"imported {report.documents_added} document(s) into {args.project!r}"
          f" ({report.documents_existing} already there); {report.spans} spans, "
          f"{report.relations} relations, {report.events} events"
          + (f", {report.categories} document categories" if report.categories else "")
          + (f" ({report.duplicate_labels} labels already there, not stored twice)"
             if report.duplicate_labels else ""))
    return 0


def cmd_stats(args) -> int:
    data = open_for(args).stats(args.project)
    if args.json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    print(f"project {data['project']}: {data['documents']} documents, {data['spans']} spans, "
          f"{data['relations']} relations, {data['events']} events, "
          f"{data['suggestions']} suggestions")
    for name, layer in sorted(data["layers"].items()):
        status = ", ".join(f"{k} {v}" for k, v in sorted(layer.get("status", {}).items()))
        # binary tasks (ner.teach) say nothing of the other tokens: DocBin marks them missing
        binary = layer.get("binary_documents")
        print(f"  {name}: {layer['spans']} spans, {layer['relations']} relations, "
              f"{layer['events']} events, {layer['suggestions']} suggestions ({status})"
              + (f"; {binary} document{'s' if binary != 1 else ''} with incomplete labels "
                 "(binary tasks)"
                 if binary else ""))
    for label, n in data["labels"].items():
        print(f"  {label}\t{n}")
    for name, n in data.get("categories", {}).items():
        print(f"  category {name}\t{n}")
    for name, row in data.get("suggesters", {}).items():
        print(f"  suggester {name}: " + ", ".join(f"{k} {v}" for k, v in row.items()))
    return 0

def cmd_history(args) -> int:
    svc = open_for(args)
    pid = svc.project_id(args.project)
    view = svc.load(args.document)
    if view.project_id != pid:
        from models.errors import NotFoundError

        raise NotFoundError(f"document {args.document} is not in project {args.project!r}")
    rows = svc.history(args.document)
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    from models.review.history import format_row

    for r in rows:
        print(format_row(r))  # who, when, action, row, and what changed (before -> after)
    return 0

def cmd_user(args) -> int:
    from desktop.cli import team_cmd

    return team_cmd.cmd_user(args)

def cmd_team(args) -> int:
    from desktop.cli import team_cmd

    return team_cmd.cmd_team(args)

def cmd_audit(args) -> int:
    from desktop.cli import team_cmd

    return team_cmd.cmd_audit(args)

def cmd_suggest(args) -> int:
    from desktop.cli import suggest_cmd

    return suggest_cmd.run(args)

def cmd_export(args) -> int:
    from desktop.cli import export_cmd

    return export_cmd.run(args)

def cmd_agree(args) -> int:
    from desktop.cli import agree_cmd

    return agree_cmd.run(args)

def cmd_train(args) -> int:
    from desktop.cli import train_cmd

    return train_cmd.run(args)

def cmd_review(args) -> int:
    from desktop.cli import review_cmd

    return review_cmd.run(args)
