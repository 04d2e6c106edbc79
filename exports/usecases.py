"""Import and export as whole use cases: what both the CLI and the window's dialogs call.

Each takes the Service, reports progress through a callback (done, total, what) that may
raise to cancel, and returns one outcome saying what was stored or written, what was
skipped or left out, and why. An import is one transaction: cancelled, it stores nothing."""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports import registry
from exports.base import ExportOptions, ExportReport
from exports.collect import expand, read_all
from models.errors import FormatError
from models.orm import GOLD
from models.schema import Schema

Progress = Callable[[int, int, str], None]
FINISHED = ("done", "approved")


def _quiet(done: int, total: int, what: str) -> None:
    pass


@dataclass
class ImportOutcome:
    report: Any  # models.services.importing.ImportReport
    files: list[tuple[Path, str]] = field(default_factory=list)  # (path, format) read
    schemas_read: list[Path] = field(default_factory=list)  # files that brought a schema

    def lines(self) -> list[str]:
        """The report for a person: what was stored, what was skipped and why."""
        r = self.report
        out = [f"stored {r.documents_added} document(s) into {r.project!r}: {r.spans} spans, "
               f"{r.relations} relations, {r.events} events"]
        if r.project_created:
            out.append(f"created the project {r.project!r}")
        for conf in self.schemas_read:
            out.append(f"schema read from {conf}")
        if r.documents_existing:
            out.append(f"skipped {r.documents_existing} document(s) already stored (the same "
                       "text): their labels went to the existing documents")
        for title in r.existing_titles:
            out.append(f"  already stored: {title}")
        if r.duplicate_labels:
            out.append(f"skipped {r.duplicate_labels} label(s) the layer already holds "
                       "(never stored twice)")
        for label in r.labels_added:
            out.append(f"added to the schema: {label}")
        return out


def import_paths(service, project: str, paths: list[str | Path], fmt: str = "auto", *,
                 annotator: str | None = None, strict: bool = False,
                 progress: Progress = _quiet) -> ImportOutcome:
    """Read files and folders (recursive) and store them in one transaction.

    A brat folder's annotation.conf becomes the schema of a new project (or widens an
    existing one; refused with `strict` when it would add labels)."""
    pairs = expand(list(paths), fmt)
    records = []
    schema: Schema | None = None
    confs: list[Path] = []
    enabled = gc.isenabled()
    gc.disable()  # reading makes many small objects and no cycles (see Service._no_gc)
    try:
        for i, (path, f) in enumerate(pairs):
            progress(i, len(pairs), f"reading {path.name}")
            records.extend(read_all([(path, f)]))
            decl = registry.get(f)  # a schema the files bring (brat's annotation.conf)
            found = decl.read_schema(path) if decl.read_schema is not None else None
            if found is not None:
                schema = found if schema is None else _merged(schema, found)
                source = decl.schema_file(path) if decl.schema_file is not None else path
                if source not in confs:
                    confs.append(source)
    finally:
        if enabled:
            gc.enable()
    if not records:
        raise FormatError(", ".join(str(p) for p in paths), None, "no documents found (no "
                          "file of a known format, or files without any document)")
    total = len(records)
    progress(0, total, "storing")
    report = service.import_records(project, records, annotator=annotator, strict=strict,
                                    schema=schema,
                                    progress=lambda n: progress(n, total, "storing"))
    return ImportOutcome(report, pairs, confs)


def _merged(a: Schema, b: Schema) -> Schema:
    """Two brat folders' confs (or two Prodigy files' choices): the first, widened by the
    names and the category groups of the second."""
    a.add_missing({"entities": set(b.entity_names), "relations": {r.name for r in b.relations},
                   "events": {e.name for e in b.events}})
    a.add_groups_from(b)
    return a


@dataclass
class ExportOutcome:
    layer: str  # the layer written ("gold", a user, or "each document's annotator")
    report: ExportReport
    left_out: Counter = field(default_factory=Counter)  # status -> documents not written
    status: str = "finished"

    def lines(self, shown: int = 20) -> list[str]:
        out = [f"layer {self.layer}: {self.report.summary()}"]
        files = self.report.files
        if len(files) <= 5:
            out += [f"  {f}" for f in files]
        else:
            out.append(f"  {len(files)} files in {files[0].parent}")
        if self.left_out:
            total = sum(self.left_out.values())
            gold = self.layer == GOLD and self.status == "finished"

            def named(status: str) -> str:  # a gold layer approved with something open
                return "approved with something open" if gold and status == "approved" \
                    else status.replace("_", " ")

            why = ", ".join(f"{n} {named(s)}" for s, n in sorted(self.left_out.items()))
            if gold:
                out.append(f"left out {total} document(s) whose review is not finished "
                           f"(approved, nothing left open): {why}")
            else:
                wanted = "finished (done or approved)" if self.status == "finished" \
                    else self.status.replace("_", " ")
                out.append(f"left out {total} document(s) whose status is not {wanted}: {why}")
        problems = self.report.problems
        out += [f"{self.report.format}: {p}" for p in problems[:shown]]
        if len(problems) > shown:
            out.append(f"{self.report.format}: ... and {len(problems) - shown} more")
        # what was left out and why, in a few lines (by reason, by kind of span problem)
        out += [f"{self.report.format}: {line}" for line in self.report.left_out_block()]
        if not self.left_out:
            out.append(f"{self.report.format}: 0 documents left out")
        return out


    def grouped_lines(self, shown: int = 200) -> list[str]:
        """For a person reading the report: what was written, then each kind of problem
        once with its count, then the details."""
        out = [line for line in self.lines(shown=0) if not line.endswith(" more")]
        groups: dict[tuple[str, str], list[str]] = {}
        for p in self.report.problems:
            groups.setdefault((p.kind, _reason(p.action)), []).append(p.document)
        for (kind, why), docs in sorted(groups.items(), key=lambda kv: -len(kv[1])):
            where = len(set(docs))
            out.append(f"{len(docs)} × {kind}: {why} (in {where} document"
                       f"{'s' if where != 1 else ''})")
        if self.report.problems:
            out.append("")
            out.append("details:")
            out += [f"  {p}" for p in self.report.problems[:shown]]
            if len(self.report.problems) > shown:
                out.append(f"  ... and {len(self.report.problems) - shown} more")
        return out


def _reason(action: str) -> str:
    """An action without its numbers ("expanded to [3, 9)" -> "expanded"), to group by."""
    import re

    return re.sub(r"\s*[\[(]\d+, \d+[)\]]", "", action).strip()


def status_matches(status: str, wanted: str) -> bool:
    if wanted == "all":
        return True
    if wanted == "finished":
        return status in FINISHED
    return status == wanted


def export_project(service, project: str, fmt: str, out: str | Path, *,
                   layer: str | None = None, state: str = "accepted",
                   status: str = "finished", options: ExportOptions | None = None,
                   progress: Progress = _quiet) -> ExportOutcome:
    """Write a layer of the project's documents whose status matches (finished: done or
    approved; all; or one status) in format `fmt` to `out`. `state` accepted writes only
    accepted labels, all writes suggestions too."""
    module = registry.get(fmt)
    states = ("accepted",) if state == "accepted" else ("accepted", "suggested")
    if module.carries_rejections:  # these formats say what was rejected, as rejected
        states += ("rejected",)
    why: Counter = Counter()  # (reason, status) -> documents not written
    chosen, kept = service.export_records(project, layer, states=states, status=status,
                                          left_out=why, task_spans=module.writes_tasks)
    left_out: Counter = Counter()
    for (_, st), n in why.items():
        left_out[st] += n
    total = len(kept)
    options = options or ExportOptions()
    options.progress = lambda n: progress(n, total, "writing")
    progress(0, total, "writing")
    report = module.write(kept, Path(out), service.schema(project), options)
    report.left_out = dict(why)
    return ExportOutcome(chosen, report, left_out, status)
