"""Every importer fed malformed and random input: the only outcomes allowed are a successful
import or a clean one-line error (exit 1) with nothing stored. Never a traceback, never a
partial import. `make fuzz` runs it with MARGINALIA_FUZZ_EXAMPLES=2000 per format."""

import itertools
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop.cli.main import main, one_line
from exports.usecases import import_paths
from models.errors import DomainError
from models.open import open_service
from tests.hardening.fuzz_db import fresh_db, projects, scratch

EXAMPLES = int(os.environ.get("MARGINALIA_FUZZ_EXAMPLES", "25"))
FIX = Path(__file__).resolve().parent.parent / "fixtures"

# A valid sample per format (mutated by the fuzzer), the file name it is read from, and
# files that stay as they are beside it (brat: the .txt beside the fuzzed .ann).
SAMPLES = {
    "txt": ("a.txt", "Ana Lopez visited Lisbon on Monday.\n".encode(), {}),
    "html": ("a.html", b"<html><body><article><p>Ana Lopez visited Lisbon on Monday, the "
                       b"city said in a statement.</p></article></body></html>", {}),
    "jsonl": ("a.jsonl", b'{"text": "Ana Lopez visited Lisbon.", "meta": {"k": 1}}\n', {}),
    "doccano": ("a.jsonl", (FIX / "formats" / "doccano.jsonl").read_bytes(), {}),
    "prodigy": ("a.jsonl", (FIX / "formats" / "prodigy.jsonl").read_bytes(), {}),
    "conll": ("a.conll", (FIX / "formats" / "conll" / "iob2.conll").read_bytes(), {}),
    "brat": ("news1.ann", (FIX / "formats" / "brat" / "news1.ann").read_bytes(),
             {"news1.txt": (FIX / "formats" / "brat" / "news1.txt").read_bytes()}),
}


def _docbin_sample() -> bytes:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Ana Lopez visited Lisbon on Monday.")
    doc.ents = [doc.char_span(0, 9, "PERSON"), doc.char_span(18, 24, "GPE")]
    return DocBin(docs=[doc]).to_bytes()


SAMPLES["spacy"] = ("a.spacy", _docbin_sample(), {})


def mutations(sample: bytes):
    return st.one_of(
        st.binary(max_size=400),
        st.builds(lambda cut: sample[:cut], st.integers(0, len(sample))),
        st.builds(lambda i, b: sample[:i] + b + sample[i:], st.integers(0, len(sample)),
                  st.binary(min_size=1, max_size=8)),
        st.builds(lambda i, t: sample[:i] + t.encode("utf-8", "surrogatepass") + sample[i + 1:],
                  st.integers(0, len(sample)), st.text(max_size=5)),
        st.builds(lambda i: sample[:i] + sample[i + 1:], st.integers(0, len(sample))),
    )


def run_import(fmt: str, name: str, data: bytes, capsys, beside=None) -> tuple[int, str]:
    with scratch() as tmp:
        folder = tmp / "in"
        folder.mkdir()
        f = folder / name
        f.write_bytes(data)
        for other, content in (beside or {}).items():
            (folder / other).write_bytes(content)
        db = fresh_db(tmp)
        capsys.readouterr()
        code = main(["--db", db, "--user", "fuzz", "import", "--project", "p", "--format",
                     fmt, str(f)])
        err = capsys.readouterr().err
        if code != 0:
            assert projects(db) == 0, "a failed import left a project behind"
        return code, err


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_fuzz_importer(fmt, capsys, monkeypatch):
    monkeypatch.setenv("MARGINALIA_DEBUG", "1")  # an unexpected exception fails the test
    name, sample, beside = SAMPLES[fmt]
    code, err = run_import(fmt, name, sample, capsys, beside)
    assert code == 0, err  # the unmutated sample imports, through the command line
    # The examples go to the import use case the command line calls, on one database and
    # one Service, each into a project of its own: a CLI process per example spent most of
    # its time starting up (the parser, a new engine compiling every query again). The CLI
    # prints a DomainError as "marginalia: error: " + one_line(message) and exits 1; any
    # other exception is a traceback there and fails the test here.
    with scratch() as tmp:
        fuzz_reader(fmt, name, sample, beside, tmp)


def fuzz_reader(fmt: str, name: str, sample: bytes, beside: dict, tmp: Path,
                options=None) -> None:
    """Mutations of `sample` into the import use case, each into a project of its own: a
    one-line error naming the file, with nothing stored, or an import."""
    service = open_service(fresh_db(tmp), "fuzz")
    folder = tmp / "in"
    folder.mkdir()
    for other, content in (beside or {}).items():
        (folder / other).write_bytes(content)
    f = folder / name
    numbers = itertools.count()

    @settings(max_examples=EXAMPLES, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow])
    @given(mutations(sample))
    def check(data):
        project = f"p{next(numbers)}"
        f.write_bytes(data)
        try:
            import_paths(service, project, [f], fmt, options=options)
        except DomainError as exc:
            line = one_line(str(exc))
            assert "in/" in line or f"'{project}'" in line, line  # names the file
            assert project not in {p.name for p in service.list_projects()}, (
                "a failed import left a project behind")

    try:
        check()
    finally:
        service.store.dispose()
