"""The registry is built from the formats' own declarations: a new format is one module plus
one line in registry.FORMATS, and the CLI offers it (and its options) with nothing else."""

from __future__ import annotations

import importlib
import sys

import pytest

from desktop.cli.main import main
from exports import registry
from exports.collect import expand
from models.service import Service
from models.store import Store

# A whole format in one module: tab-separated "title<TAB>text" lines.
TSV_MODULE = '''
from pathlib import Path

from exports.base import ExportReport, atomic_write_text
from exports.format import MISALIGNED, Format
from models.records import DocumentRecord


def read(path):
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        title, text = line.split("\\t")
        yield DocumentRecord(text=text, title=title, origin=(str(path), n))


def write(records, out, schema=None, options=None):
    report = ExportReport("tsv")
    rows = [f"{r.title}\\t{r.text}\\t{options.misaligned}" for r in records]
    atomic_write_text(Path(out), "\\n".join(rows) + "\\n")
    report.documents, report.files = len(rows), [Path(out)]
    return report


FORMAT = Format(name="tsv", extensions=(".tsv",), read=read, write=write,
                options=(MISALIGNED,))
'''


@pytest.fixture
def with_tsv(tmp_path, monkeypatch):
    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "tsv_format.py").write_text(TSV_MODULE, encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "mod"))
    module = importlib.import_module("tsv_format")
    # the one line: before plain text, which takes whatever no other format claims
    monkeypatch.setattr(registry, "FORMATS", (*registry.FORMATS[:-1], module.FORMAT,
                                              registry.FORMATS[-1]))
    yield module
    sys.modules.pop("tsv_format", None)


def test_a_new_format_is_one_module_and_one_line(with_tsv, tmp_path, capsys):
    data = tmp_path / "data"
    data.mkdir()
    (data / "a.tsv").write_text("First\tAna Lopez met the press.\n"
                                "Second\tThe talks ended.\n", encoding="utf-8")
    (data / "notes.md").write_text("not an article\n", encoding="utf-8")
    assert registry.detect(data / "a.tsv") == "tsv"
    assert "tsv" in registry.labeled() and ".tsv" in registry.known_extensions()
    assert expand([data]) == [(data / "a.tsv", "tsv")]  # the folder walk knows .tsv now

    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert main(["--db", url, "--user", "ana", "import", "--project", "p", str(data)]) == 0
    svc = Service(Store(url), "ana")
    assert sorted(d.title for d in svc.documents(svc.project_id("p"))) == ["First", "Second"]

    out = tmp_path / "out.tsv"
    assert main(["--db", url, "--user", "ana", "export", "--project", "p", "--format", "tsv",
                 "--out", str(out), "--misaligned", "skip", "--status", "all"]) == 0
    # the option the module declared reached its writer
    assert sorted(out.read_text(encoding="utf-8").splitlines()) == [
        "First\tAna Lopez met the press.\tskip", "Second\tThe talks ended.\tskip"]
    capsys.readouterr()
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--format {spacy,brat,conll,doccano,prodigy,tsv}" in text
    assert "(spacy, conll, prodigy, tsv)" in text  # --misaligned: the formats reading it


def test_the_cli_offers_what_the_formats_declare(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--format {spacy,brat,conll,doccano,prodigy}" in text
    for opt, formats in registry.export_options():
        assert opt.flag in text and f"({', '.join(formats)})" in text
    with pytest.raises(SystemExit):
        main(["import", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--format {auto,spacy,brat,conll,doccano,prodigy,jsonl,html,txt}" in text
    # each option once, with every format that reads it
    assert [(o.flag, f) for o, f in registry.export_options()] == [
        ("--misaligned", ["spacy", "conll", "prodigy"]), ("--dev-ratio", ["spacy"]),
        ("--seed", ["spacy"]), ("--scheme", ["conll"]), ("--doccano-form", ["doccano"])]


def test_a_usage_error_names_the_known_formats(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["export", "--project", "p", "--format", "nope", "--out", "x"])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'nope'" in err and "'conll'" in err and "\n" == err[-1]
