"""Every export aligns to the document's one stored tokenization: a labeled file's tokens
come back as the file had them, and a document without any gets spaCy's, made once."""

from __future__ import annotations

import json

import pytest

from desktop.cli.main import main
from models.service import Service
from models.store import Store

# tokens spaCy would split differently: "AL-AIN" (3 for spaCy), "1996-12-06" (5), and a
# closing quote after the sentence's full stop (spaCy's sentences would end at the stop)
CONLL = """-DOCSTART- -X- -X- O

SOCCER NN B-NP O
- : O O
AL-AIN NNP B-NP B-LOC
WIN VB B-VP O

AL-AIN NNP B-NP B-LOC
, , O O
United NNP B-NP B-LOC
Arab NNP I-NP I-LOC
Emirates NNPS I-NP I-LOC
1996-12-06 CD I-NP O

He PRP B-NP O
said VBD B-VP O
" " O O
we PRP B-NP O
won VBD B-VP O
. . O O
" " O O

-DOCSTART- -X- -X- O

Mr. NNP B-NP B-PER
O'Neil NNP I-NP I-PER
left VBD B-VP O
. . O O

"""


def run(*args: str) -> None:
    assert main(list(args)) == 0


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'x.db'}"


def lines(text: str) -> list[list[str]]:
    """The lines of a CoNLL file, columns split on white space."""
    return [ln.split() for ln in text.strip().split("\n")]


def test_conll_comes_back_with_exactly_its_tokens_sentences_and_columns(url, tmp_path):
    src = tmp_path / "in.conll"
    src.write_text(CONLL, encoding="utf-8")
    run("--db", url, "--user", "alice", "import", "--project", "p", "--format", "conll",
        str(src))
    out = tmp_path / "out.conll"
    run("--db", url, "--user", "alice", "export", "--project", "p", "--format", "conll",
        "--status", "all", "--out", str(out))
    assert lines(out.read_text(encoding="utf-8")) == lines(CONLL)


def test_conll_with_an_edited_label_keeps_the_files_tokens(url, tmp_path):
    src = tmp_path / "in.conll"
    src.write_text(CONLL, encoding="utf-8")
    run("--db", url, "--user", "alice", "import", "--project", "p", str(src))
    svc = Service(Store(url), "alice")
    doc = svc.documents(svc.project_id("p"))[0]
    text = svc.load(doc.id).text
    d = text.index("1996")
    svc.create_span(doc.id, d + 5, d + 7, "DATE")  # "12" inside the file's one token
    out = tmp_path / "out.conll"
    run("--db", url, "--user", "alice", "export", "--project", "p", "--format", "conll",
        "--status", "all", "--out", str(out))
    rows = lines(out.read_text(encoding="utf-8"))
    assert ["1996-12-06", "CD", "I-NP", "B-DATE"] in rows  # expanded to the whole token
    assert len([r for r in rows if r == []]) == len([r for r in lines(CONLL) if r == []])


def test_prodigy_tokens_come_back_as_given(url, tmp_path):
    text = "AL-AIN won on 1996-12-06."
    given = [{"text": "AL-AIN", "start": 0, "end": 6, "id": 0, "ws": True},
             {"text": "won", "start": 7, "end": 10, "id": 1, "ws": True},
             {"text": "on", "start": 11, "end": 13, "id": 2, "ws": True},
             {"text": "1996-12-06", "start": 14, "end": 24, "id": 3, "ws": False},
             {"text": ".", "start": 24, "end": 25, "id": 4, "ws": False}]
    task = {"text": text, "tokens": given, "answer": "accept",
            "spans": [{"start": 14, "end": 24, "token_start": 3, "token_end": 3,
                       "label": "DATE"}]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(task) + "\n", encoding="utf-8")
    run("--db", url, "--user", "alice", "import", "--project", "p", "--format", "prodigy",
        str(src))
    out = tmp_path / "out.jsonl"
    run("--db", url, "--user", "alice", "export", "--project", "p", "--format", "prodigy",
        "--out", str(out))
    back = json.loads(out.read_text(encoding="utf-8"))
    assert back["tokens"] == given
    assert [(s["token_start"], s["token_end"]) for s in back["spans"]] == [(3, 3)]


def test_prodigy_tokens_that_do_not_match_the_text_are_refused(url, tmp_path, capsys):
    task = {"text": "AL-AIN won", "tokens": [{"text": "AL", "start": 0, "end": 6}]}
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps(task) + "\n", encoding="utf-8")
    code = main(["--db", url, "--user", "alice", "import", "--project", "p", "--format",
                 "prodigy", str(src)])
    assert code == 1
    assert f"{src}:1" in capsys.readouterr().err


def test_docbin_doc_is_built_from_the_stored_tokens(url, tmp_path):
    import spacy
    from spacy.tokens import Doc, DocBin

    nlp = spacy.blank("en")
    words = ["AL-AIN", "won", ".", "Fans", "cheered", "1996-12-06"]
    spaces = [True, False, True, True, True, False]
    doc = Doc(nlp.vocab, words=words, spaces=spaces,
              sent_starts=[True, False, False, True, False, False])
    doc.ents = [doc.char_span(0, 6, label="ORG")]
    src = tmp_path / "in.spacy"
    DocBin(docs=[doc]).to_disk(src)
    run("--db", url, "--user", "alice", "import", "--project", "p", "--format", "spacy",
        str(src))
    out = tmp_path / "out"
    run("--db", url, "--user", "alice", "export", "--project", "p", "--format", "spacy",
        "--status", "all", "--dev-ratio", "0", "--out", str(out))
    (back,) = DocBin().from_disk(out / "train.spacy").get_docs(nlp.vocab)
    assert [t.text for t in back] == words
    assert [bool(t.whitespace_) for t in back] == spaces
    assert [s.text for s in back.sents] == ["AL-AIN won.", "Fans cheered 1996-12-06"]
    assert [(e.text, e.label_) for e in back.ents] == [("AL-AIN", "ORG")]


def test_a_document_without_file_tokens_is_tokenized_once_and_every_export_agrees(url,
                                                                                  tmp_path):
    import spacy

    text = "Visit New York-based ACME.\nThen go home."
    src = tmp_path / "a.txt"
    src.write_text(text, encoding="utf-8")
    run("--db", url, "--user", "alice", "import", "--project", "p", str(src))
    svc = Service(Store(url), "alice")
    doc = svc.documents(svc.project_id("p"))[0].id
    svc.create_span(doc, text.index("York") + 1, text.index("York") + 3, "GPE")  # "or"
    for fmt, name in (("prodigy", "p.jsonl"), ("conll", "c.conll")):
        run("--db", url, "--user", "alice", "export", "--project", "p", "--format", fmt,
            "--status", "all", "--out", str(tmp_path / name))
    want = spacy.blank("en").make_doc(text)
    task = json.loads((tmp_path / "p.jsonl").read_text(encoding="utf-8"))
    assert [t["text"] for t in task["tokens"]] == [t.text for t in want]
    y = text.index("York")
    assert [(s["start"], s["end"]) for s in task["spans"]] == [(y, y + 4)]
    rows = lines((tmp_path / "c.conll").read_text(encoding="utf-8"))
    assert [r[0] for r in rows if len(r) == 4 and r[0] != "-DOCSTART-"] == [
        t.text for t in want if not t.is_space]
    assert ["York", "_", "_", "B-GPE"] in rows
    with svc.store.session() as s:
        from models.tokens import stored

        tok = stored(s, [doc])[doc]
    assert tok.source == "spacy" and tok.starts == [t.idx for t in want]


def test_the_file_tokens_replace_tokens_a_tokenizer_made_but_not_another_files(url, tmp_path):
    from models.records import DocumentRecord, Tokenization

    svc = Service(Store(url), "alice")
    text = "AL-AIN won"
    svc.import_records("p", [DocumentRecord(text=text)])
    doc = svc.documents(svc.project_id("p"))[0].id
    assert len(svc.tokens(doc)) == 4  # spaCy: AL - AIN won
    svc.import_records("p", [DocumentRecord(text=text, tokens=Tokenization([0, 7], [6, 10]))])
    assert svc.tokens(doc).starts == [0, 7]
    svc.import_records("p", [DocumentRecord(text=text, tokens=Tokenization([0], [10]))])
    assert svc.tokens(doc).starts == [0, 7]  # the first file's tokens stay


