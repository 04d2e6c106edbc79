"""`marginalia export`: a layer of every document, written in a standard format.

What the format cannot carry, or a label that does not line up with the tokens it needs, is
never dropped silently: each is reported on stderr (how many, where), handled as
--misaligned chose (expand to token boundaries, or skip)."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.cli.progress import Progress
from desktop.cli.session import open_for

SHOWN_PROBLEMS = 20


def run(args) -> int:
    from exports import registry
    from exports.base import ExportOptions

    svc = open_for(args)
    states = ("accepted",) if args.state == "accepted" else ("accepted", "suggested")
    layer, records = svc.export_records(args.project, args.layer, states=states,
                                        status=args.status)
    progress = Progress("exporting", len(records))
    # every option a format declares is on the command line (desktop/cli/main.py)
    chosen = {opt.field: getattr(args, opt.field) for opt, _ in registry.export_options()}
    options = ExportOptions(**chosen, progress=lambda n: progress.step())
    report = registry.get(args.format).write(records, Path(args.out), svc.schema(args.project),
                                             options)
    progress.done()
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(f"{args.format}: {problem}", file=sys.stderr)
    if len(report.problems) > SHOWN_PROBLEMS:
        print(f"{args.format}: ... and {len(report.problems) - SHOWN_PROBLEMS} more",
              file=sys.stderr)
    print(f"layer {layer}: {report.summary()}")
    return 0
