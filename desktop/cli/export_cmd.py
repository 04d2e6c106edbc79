"""`marginalia export`: a layer of every document, written in a standard format.

What the format cannot carry, or a label that does not line up with the tokens it needs, is
never dropped silently: each is reported on stderr (how many, where), handled as
--misaligned chose (expand to token boundaries, or skip). The work is the use case of
exports/usecases.py, which the window's export dialog calls too."""

from __future__ import annotations

import sys

from desktop.cli.progress import Progress
from desktop.cli.session import open_for


def run(args) -> int:
    from exports.base import ExportOptions
    from exports.usecases import export_project

    from exports import registry

    svc = open_for(args)
    # every option a format declares is on the command line (desktop/cli/main.py)
    chosen = {opt.field: getattr(args, opt.field) for opt, _ in registry.export_options()}
    options = ExportOptions(**chosen)
    bar = Progress("exporting", 0)
    outcome = export_project(svc, args.project, args.format, args.out, layer=args.layer,
                             state=args.state, status=args.status, options=options,
                             progress=bar.update)
    bar.done()
    head, *rest = outcome.lines(files=False)  # the files written: the window's report
    for line in rest:
        print(line, file=sys.stderr)
    print(head)
    return 0
