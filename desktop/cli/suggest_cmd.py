"""`marginalia suggest --project P [--model NAME|PATH] [--documents all|unlabeled]`.

Suggests into the acting user's layer with the project's pipeline (or --model: a pipeline
package, a pipeline directory, or a JSONL patterns file for this run), the project's patterns
and the schema's event and relation rules. A progress bar on stderr; a summary on stdout.
"""

from __future__ import annotations

from desktop.cli.session import open_for
from desktop.cli.progress import Progress


def run(args) -> int:
    svc = open_for(args)
    bar: Progress | None = None

    def progress(done: int, total: int, _batch) -> None:
        nonlocal bar
        if bar is None:
            bar = Progress("suggesting", total)
        bar.step(done - bar.n)

    try:
        if args.threshold is not None:  # kept as the project's setting
            svc.set_textcat_threshold(svc.project_id(args.project), args.threshold)
        report = svc.suggest(args.project, model=args.model, documents=args.documents,
                             progress=progress)
    finally:
        if bar is not None:
            bar.done()
    print(f"suggested with {report.pipeline} for {report.documents} document(s) in "
          f"{args.project!r}: {report.spans} spans, {report.relations} relations, "
          f"{report.events} events"
          + (f", {report.categories} document categories" if report.categories else "")
          + f" ({report.skipped} already there, not added again; "
          f"{report.seconds:.1f}s)")
    if report.refused:
        print(f"  {report.refused} suggestion(s) not stored: they break a rule of the schema "
              "against the labels there (an overlap policy, a relation or role it forbids)")
    for name, row in sorted(report.by_suggester.items()):
        print(f"  {name}: {row['spans']} spans, {row['relations']} relations, "
              f"{row['events']} events"
              + (f", {row['categories']} categories" if row.get("categories") else ""))
    return 0
