"""`marginalia train --project P --out DIR [--layer gold|NAME]`.

Trains a spaCy NER (and a spancat when labels overlap) from the accepted labels, and a
textcat (one exclusive group of categories) or textcat_multilabel from the document
categories (gold first, else the acting user's layer; --layer chooses one), prints
precision, recall and F per label and per category, writes DIR/metrics.json and makes
DIR/model-best the project's suggester.
MARGINALIA_TRAIN_STEPS sets the number of training steps (default 600).
"""

from __future__ import annotations

import os

from desktop.cli.progress import Progress
from models.errors import ValidationError
from desktop.cli.session import open_for


def run(args) -> int:
    steps = os.environ.get("MARGINALIA_TRAIN_STEPS")
    if steps is not None and not (steps.isdigit() and int(steps) > 0):
        raise ValidationError(f"MARGINALIA_TRAIN_STEPS must be a positive number, not {steps!r}")
    svc = open_for(args)
    bar: Progress | None = None

    def progress(step: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            bar = Progress("training", total)
        bar.step(max(0, step - bar.n))

    try:
        report = svc.train_model(args.project, args.out, layer=args.layer,
                                 max_steps=int(steps) if steps else None, progress=progress)
    finally:
        if bar is not None:
            bar.done()
    print(f"trained {'+'.join(report.components)} on {report.train_documents} document(s), "
          f"evaluated on {report.dev_documents} ({report.steps} steps, "
          f"{report.seconds:.0f}s)")
    print(f"{'label':<16}{'P':>8}{'R':>8}{'F':>8}")
    for label, m in report.labels.items():
        print(f"{label:<16}{m.get('p', 0) * 100:>8.1f}{m.get('r', 0) * 100:>8.1f}"
              f"{m.get('f', 0) * 100:>8.1f}")
    o = report.overall
    if o:
        print(f"{'(all)':<16}{o.get('p', 0) * 100:>8.1f}{o.get('r', 0) * 100:>8.1f}"
              f"{o.get('f', 0) * 100:>8.1f}")
    if report.categories:
        print(f"{'category':<16}{'P':>8}{'R':>8}{'F':>8}")
        for name, m in report.categories.items():
            print(f"{name:<16}{m['p'] * 100:>8.1f}{m['r'] * 100:>8.1f}{m['f'] * 100:>8.1f}")
    print(f"metrics: {report.out}/metrics.json")
    print(f"the project now suggests with {report.suggester} ({report.model})")
    return 0
