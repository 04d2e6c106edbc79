"""`marginalia export`: a layer of every document, written in a standard format.

What the format cannot carry, or a label that does not line up with the tokens it needs, is
never dropped silently: each is reported on stderr (how many, where), handled as
--misaligned chose (expand to token boundaries, or skip)."""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.cli.progress import Progress
from desktop.cli.commands import open_service

SHOWN_PROBLEMS = 20


def run(args) -> int:
    from exports import registry
    from exports.base import ExportOptions

    svc = open_service(args)
    states = ("accepted",) if args.state == "accepted" else ("accepted", "suggested")
    layer, records = svc.export_records(args.project, args.layer, states=states,
                                        status=args.status)
    progress = Progress("exporting", len(records))
    options = ExportOptions(misaligned=args.misaligned, conll_scheme=args.scheme,
                            doccano_form=args.doccano_form, dev_ratio=args.dev_ratio,
                            seed=args.seed, progress=lambda n: progress.step())
    module = registry.get(args.format)
    report = module.write(records, Path(args.out), svc.schema(args.project), options)
    progress.done()
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(f"{args.format}: {problem}", file=sys.stderr)
    if len(report.problems) > SHOWN_PROBLEMS:
        print(f"{args.format}: ... and {len(report.problems) - SHOWN_PROBLEMS} more",
              file=sys.stderr)
    print(f"layer {layer}: {report.summary()}")
    return 0
