"""`marginalia export`: a layer of every document, written in a standard format.

What the format cannot carry, or a label that does not line up with the tokens it needs, is
never dropped silently: each is reported on stderr (how many, where), handled as
--misaligned chose (expand to token boundaries, or skip)."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from desktop.cli.progress import Progress
from models.service import Service
from models.store import Store

SHOWN_PROBLEMS = 20
# Formats that carry a rejected span as rejected (Prodigy's "answer": "reject", DocBin's
# doc.spans["incorrect_spans"]); the others get accepted labels only.
REJECTIONS = ("prodigy", "spacy")


def run(args) -> int:
    from exports import registry
    from exports.base import ExportOptions

    svc = Service(Store(args.db), args.user)
    states = ("accepted",) if args.state == "accepted" else ("accepted", "suggested")
    if args.format in REJECTIONS:  # these formats say what was rejected, as rejected
        states += ("rejected",)
    left_out: Counter = Counter()
    layer, records = svc.export_records(args.project, args.layer, states=states,
                                        status=args.status, left_out=left_out,
                                        task_spans=args.format == "prodigy")
    progress = Progress("exporting", len(records))
    options = ExportOptions(misaligned=args.misaligned, conll_scheme=args.scheme,
                            doccano_form=args.doccano_form, dev_ratio=args.dev_ratio,
                            seed=args.seed, progress=lambda n: progress.step())
    module = registry.get(args.format)
    report = module.write(records, Path(args.out), svc.schema(args.project), options)
    report.left_out = dict(left_out)
    progress.done()
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(f"{args.format}: {problem}", file=sys.stderr)
    if len(report.problems) > SHOWN_PROBLEMS:
        print(f"{args.format}: ... and {len(report.problems) - SHOWN_PROBLEMS} more",
              file=sys.stderr)
    for line in report.left_out_block():
        print(f"{args.format}: {line}", file=sys.stderr)
    if not left_out:
        print(f"{args.format}: 0 documents left out", file=sys.stderr)
    print(f"layer {layer}: {report.summary()}")
    return 0
