"""Import and export as whole use cases: what both the CLI and the window's dialogs call.

Each takes the Service, reports progress through a callback (done, total, what) that may
raise to cancel, and returns one outcome saying what was stored or written, what was
skipped or left out, and why. An import is one transaction: cancelled, it stores nothing."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from exports import registry
from exports.base import ExportOptions, ExportReport, ImportOptions
from exports.collect import expand, read_all
from models.errors import FormatError, ValidationError
from models.orm import GOLD
from models.services.bulk import no_gc
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
                 options: ImportOptions | None = None,
                 progress: Progress = _quiet) -> ImportOutcome:
    """Read files and folders (recursive) and store them in one transaction.

    A brat folder's annotation.conf becomes the schema of a new project (or widens an
    existing one; refused with `strict` when it would add labels). `options` are the
    readers' (doccano's column names); one set away from its default needs the format
    that reads it chosen, not detected (a file with other column names is not recognised
    as that format by its keys)."""
    options = options or ImportOptions()
    _check_options(options, fmt)
    pairs = expand(list(paths), fmt)
    records = []
    schema: Schema | None = None
    confs: list[Path] = []
    # reading and storing make many small objects and no cycles: the collector is off for
    # both, and back only once the records are freed, else it walks them all between the
    # two and once more after
    with no_gc():
        for i, (path, f) in enumerate(pairs):
            progress(i, len(pairs), f"reading {path.name}")
            records.extend(read_all([(path, f)], options))
            decl = registry.get(f)  # a schema the files bring (brat's annotation.conf)
            found = decl.read_schema(path) if decl.read_schema is not None else None
            if found is not None:
                schema = found if schema is None else _merged(schema, found)
                source = decl.schema_file(path) if decl.schema_file is not None else path
                if source not in confs:
                    confs.append(source)
        if not records:
            raise FormatError(", ".join(str(p) for p in paths), None, "no documents found (no "
                              "file of a known format, or files without any document)")
        total = len(records)
        progress(0, total, "storing")
        report = service.import_records(project, records, annotator=annotator, strict=strict,
                                        schema=schema,
                                        progress=lambda n: progress(n, total, "storing"))
        del records
    return ImportOutcome(report, pairs, confs)


def _check_options(options: ImportOptions, fmt: str) -> None:
    takes = {opt.field: (opt, formats) for opt, formats in registry.import_options()}
    for name in options.changed():
        opt, formats = takes[name]
        if fmt not in formats:
            raise ValidationError(f"{opt.flag} is read with --format {' or '.join(formats)}"
                                  f" only (the format chosen is {fmt!r})")


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

    def lines(self, shown: int = 20, files: bool = True) -> list[str]:
        """The report, the same in the CLI and the window: what was written (and, with
        `files`, where), then one block of what was left out or changed and why, then the
        first `shown` problems one by one."""
        out = [f"layer {self.layer}: {self.report.summary()}"]
        written = self.report.files
        if files and len(written) <= 5:
            out += [f"  {f}" for f in written]
        elif files:
            out.append(f"  {len(written)} files in {written[0].parent}")
        out += self.left_out_block()
        problems = self.report.problems
        if problems and shown:
            out.append(f"{self.report.format}: the labels one by one:")
            out += [f"  {p}" for p in problems[:shown]]
            if len(problems) > shown:
                out.append(f"  ... and {len(problems) - shown} more")
        return out

    def grouped_lines(self, shown: int = 200) -> list[str]:
        """The export dialog's report: the same, with more of the problems listed."""
        return self.lines(shown=shown)

    def left_out_block(self) -> list[str]:
        """What was left out and why, in one short block: documents by status, then
        labels by kind and reason (misaligned, overlapping, what the format cannot
        carry), each with its count."""
        fmt = self.report.format
        items = self._documents_left_out()
        groups: dict[tuple[str, str], list[str]] = {}
        for p in self.report.problems:
            groups.setdefault((p.kind, _reason(p.action)), []).append(p.document)
        for (kind, why), docs in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            where = len(set(docs))
            noun = KIND_NAMES.get(kind, kind)
            items.append(f"{_count(len(docs), noun)}: {why}"
                         + (f" (in {_count(where, 'document')})"
                            if where > 1 and noun != "document" else ""))
        if not items:
            return [f"{fmt}: nothing left out"]
        return [f"{fmt}: left out or changed:"] + [f"  {item}" for item in items]

    def _documents_left_out(self) -> list[str]:
        if not self.left_out:
            return []
        total = sum(self.left_out.values())
        gold = self.layer == GOLD and self.status == "finished"

        def named(status: str) -> str:  # a gold layer approved with something open
            return "approved with something open" if gold and status == "approved" \
                else status.replace("_", " ")

        why = ", ".join(f"{n} {named(st)}" for st, n in sorted(self.left_out.items()))
        if gold:
            wanted = "whose review is not finished (approved, nothing left open)"
        elif self.status == "finished":
            wanted = "not finished (done or approved)"
        else:
            wanted = f"whose status is not {self.status.replace('_', ' ')}"
        return [f"{_count(total, 'document')} {wanted}: {why}; --status all writes them"]


# Problem kinds as counted nouns in the report's block.
KIND_NAMES = {"misaligned": "misaligned span", "overlap": "overlapping span",
              "incorrect": "rejected span", "discontinuous": "discontinuous span",
              "kb_id": "kb_id", "attribute": "attribute", "note": "note",
              "comment": "comment", "event": "event", "argument": "event argument",
              "relation": "relation", "token": "token", "sentence": "span across a sentence break",
              "split": "note on the split",
              "incomplete": "document", "trigger": "event trigger",
              "unanswered": "unanswered span", "meta": "meta field", "title": "title"}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _reason(action: str) -> str:
    """An action without what differs from label to label (offsets, quoted values, lists,
    counts), to group by: "expanded to [3, 9)" -> "expanded to whole tokens"."""
    why = re.sub(r"expanded to [\[(]\d+, \d+[)\]]", "expanded to whole tokens", action)
    why = re.sub(r"\s*[\[(]\d+, \d+[)\]]|\s+'[^']*'|\s+\[[^\]]*\]|^\d+\s+", "", why)
    return re.sub(r"\s+", " ", why).strip()


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
