"""Prodigy tasks keep their identity through the database: each task comes back as itself
(answer, hashes, spans with their answers, relations, every other field), several tasks of
one text stay several tasks, and nothing rejected, ignored or unanswered is accepted."""

from __future__ import annotations

import hashlib
import json

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from models.orm import Layer, SourceTask, Span
from models.store import Store

TEXT = "Apple hired Tim Cook in Cupertino."

MANUAL = [
    {"text": "Angela Merkel visited Paris.",
     "spans": [{"start": 0, "end": 13, "token_start": 0, "token_end": 1, "label": "PER"},
               {"start": 22, "end": 27, "token_start": 3, "token_end": 3, "label": "LOC"}],
     "answer": "accept", "meta": {"title": "Visit", "source": "wire", "pages": [1, 2]},
     "_input_hash": -1023411, "_task_hash": 88123991234, "_view_id": "ner_manual",
     "_session_id": "news-alice", "_timestamp": 1701000000, "priority": 0.5},
    {"text": "Nothing to see here.", "spans": [], "answer": "accept",
     "_input_hash": 5, "_task_hash": 6, "_view_id": "ner_manual", "_session_id": "news-alice"},
    {"text": "Spam spam spam.", "spans": [{"start": 0, "end": 4, "label": "ORG"}],
     "answer": "reject", "_input_hash": 7, "_task_hash": 8, "_session_id": "news-alice"},
]

# ner.teach: one suggestion per task, the same text again and again; the last task is a
# manual correction of that text whose second span was rejected by the annotator
BINARY = [
    {"text": TEXT, "spans": [{"start": 0, "end": 5, "text": "Apple", "rank": 0, "label": "ORG",
                              "score": 0.91, "source": "core_web_sm", "input_hash": 11}],
     "answer": "accept",
     "meta": {"score": 0.91, "pattern": 3}, "_input_hash": 11, "_task_hash": 101,
     "_view_id": "ner", "_session_id": "news-alice", "_timestamp": 1701000001},
    {"text": TEXT, "spans": [{"start": 12, "end": 20, "label": "ORG"}], "answer": "reject",
     "meta": {"score": 0.42}, "_input_hash": 11, "_task_hash": 102, "_view_id": "ner",
     "_session_id": "news-alice", "_timestamp": 1701000002},
    {"text": TEXT, "spans": [{"start": 0, "end": 5, "label": "ORG"}], "answer": "reject",
     "meta": {"score": 0.40}, "_input_hash": 11, "_task_hash": 103, "_view_id": "ner",
     "_session_id": "news-alice"},
    # the same suggestion twice in one task, from two models
    {"text": TEXT, "spans": [{"start": 24, "end": 33, "label": "GPE", "score": 0.3},
                             {"start": 24, "end": 33, "label": "GPE", "score": 0.5,
                              "text": "Cupertino"}], "answer": "ignore",
     "_input_hash": 11, "_task_hash": 104, "_view_id": "ner", "_session_id": "news-alice"},
    {"text": TEXT, "spans": [{"start": 12, "end": 20, "label": "PER"}],
     "_input_hash": 11, "_task_hash": 105, "_view_id": "ner"},
]

RELATIONS = [
    {"text": "Ada Lovelace worked with Charles Babbage.",
     "spans": [{"start": 0, "end": 12, "token_start": 0, "token_end": 1, "label": "PER"},
               {"start": 25, "end": 40, "token_start": 4, "token_end": 5, "label": "PER",
                "answer": "accept"},
               {"start": 13, "end": 19, "token_start": 2, "token_end": 2, "label": "ORG",
                "answer": "reject"}],
     "relations": [{"head": 1, "child": 5,
                    "head_span": {"start": 0, "end": 12, "token_start": 0, "token_end": 1,
                                  "label": "PER"},
                    "child_span": {"start": 25, "end": 40, "token_start": 4, "token_end": 5,
                                   "label": "PER"},
                    "label": "colleague"}],
     "answer": "accept", "_input_hash": 21, "_task_hash": 22, "_view_id": "relations",
     "_session_id": "news-alice", "_annotator_id": "news-alice"},
]


def write_jsonl(path, tasks):
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


def run(*argv: str) -> int:
    return main(list(argv))


def roundtrip(tmp_path, tasks, *extra):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    src = write_jsonl(tmp_path / "in.jsonl", tasks)
    assert run("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    out = tmp_path / "out.jsonl"
    assert run("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "prodigy", "--out", str(out), *extra) == 0
    return db, [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def same_task(got: dict, want: dict) -> None:
    """Task by task: answer, hashes, spans with answers, relations, every other field."""
    def spans(t):
        return [(s["start"], s["end"], s["label"], s.get("answer")) for s in t.get("spans", [])]

    # every key a span was given comes back with its value (token indices may be added)
    key = lambda s: (s["start"], s["end"], s["label"])
    for g, w in zip(sorted(got.get("spans", []), key=key),
                    sorted(want.get("spans", []), key=key)):
        assert {k: g.get(k) for k in w} == w

    def rels(t):
        return [((r["head_span"]["start"], r["head_span"]["end"]),
                 (r["child_span"]["start"], r["child_span"]["end"]), r["label"], r["head"],
                 r["child"]) for r in t.get("relations", [])]

    assert sorted(spans(got)) == sorted(spans(want))
    assert rels(got) == rels(want)
    rest = lambda t: {k: v for k, v in t.items() if k not in ("tokens", "spans", "relations")}
    assert rest(got) == rest(want)


@pytest.mark.parametrize("tasks", [MANUAL, BINARY, RELATIONS], ids=["ner", "binary", "rel"])
def test_every_task_comes_back_as_itself(tmp_path, tasks):
    _, back = roundtrip(tmp_path, tasks, "--status", "all")
    assert len(back) == len(tasks)
    for got, want in zip(back, tasks):
        same_task(got, want)


def test_binary_tasks_store_rejected_spans_as_rejected_and_nothing_unanswered_accepted(
        tmp_path, capsys):
    db, _ = roundtrip(tmp_path, BINARY + MANUAL[2:], "--status", "all")
    with Store(db).session() as s:
        rows = {(sp.start, sp.end, sp.label, sp.state, sp.answer)
                for sp in s.scalars(select(Span))}
        tasks = [(t.answer, t.kind) for t in s.scalars(select(SourceTask)
                                                         .order_by(SourceTask.layer_id, SourceTask.position))]
        status = {lay.document_id: lay.status for lay in s.scalars(select(Layer))}
    assert rows == {(0, 5, "ORG", "accepted", None), (12, 20, "ORG", "rejected", None),
                    (0, 5, "ORG", "rejected", None), (24, 33, "GPE", "suggested", None),
                    (12, 20, "PER", "suggested", None), (0, 4, "ORG", "rejected", None)}
    assert tasks == [("accept", "binary"), ("reject", "binary"), ("reject", "binary"),
                     ("ignore", "binary"), (None, "binary"), ("reject", "manual")]
    # one accepted task finishes the ner.teach text; the rejected manual task does not
    assert sorted(status.values()) == ["done", "rejected"]
    capsys.readouterr()
    assert run("--db", db, "stats", "--project", "p", "--json") == 0
    stats = json.loads(capsys.readouterr().out)
    # both incomplete: binary tasks, and a manual task that was rejected
    assert stats["binary_documents"] == 2 and stats["layers"]["alice"]["binary_documents"] == 2


def test_span_answers_are_kept_and_a_rerun_stores_nothing_twice(tmp_path):
    db, _ = roundtrip(tmp_path, RELATIONS)
    src = tmp_path / "in.jsonl"
    assert run("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    with Store(db).session() as s:
        rows = sorted((sp.start, sp.label, sp.state, sp.answer)
                      for sp in s.scalars(select(Span)))
        n_tasks = len(list(s.scalars(select(SourceTask))))
    assert rows == [(0, "PER", "accepted", None), (13, "ORG", "rejected", "reject"),
                    (25, "PER", "accepted", "accept")]
    assert n_tasks == 1


def test_missing_hashes_are_computed_and_kept_ones_are_not(tmp_path):
    tasks = [{"text": "Bo met Ana.", "spans": [{"start": 0, "end": 2, "label": "PER"}],
              "answer": "accept"}]
    _, (got,) = roundtrip(tmp_path, tasks)
    raw = json.dumps({"text": "Bo met Ana."}, sort_keys=True, separators=(",", ":"))
    n = int.from_bytes(hashlib.md5(raw.encode()).digest()[:4], "big")
    assert got["_input_hash"] == (n - (1 << 32) if n >= 1 << 31 else n)
    assert isinstance(got["_task_hash"], int)
    assert got["answer"] == "accept" and "meta" not in got  # nothing made up


def test_default_export_leaves_out_unfinished_documents_and_says_so(tmp_path, capsys):
    tasks = [MANUAL[0], MANUAL[2], BINARY[4]]  # accept, reject, no answer
    _, back = roundtrip(tmp_path, tasks)
    assert [t["_task_hash"] for t in back] == [MANUAL[0]["_task_hash"]]
    err = capsys.readouterr().err
    assert err.splitlines()[-2:] == [
        "prodigy: left out or changed:",
        "  2 documents not finished (done or approved): 1 in progress, 1 rejected; "
        "--status all writes them"]


@pytest.mark.parametrize("bad, message", [
    ({"text": "Ada", "answer": "yes"}, "answer 'yes' is not accept, reject or ignore"),
    ({"text": "Ada", "spans": [{"start": 0, "end": 3, "label": "PER", "answer": "maybe"}],
      "answer": "accept"}, "span 1: answer 'maybe' is not accept, reject or ignore"),
    ({"text": "Ada", "_input_hash": "123"}, "_input_hash '123' is not an integer"),
    ({"text": "Ada", "_task_hash": 1.5}, "_task_hash 1.5 is not an integer"),
    ({"text": "Ada", "_task_hash": True}, "_task_hash True is not an integer"),
])
def test_bad_answers_and_hashes_are_one_line_exit_1_nothing_stored(tmp_path, capsys, bad,
                                                                  message):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    good = {"text": "Fine text.", "answer": "accept", "_input_hash": 1, "_task_hash": 2}
    src = write_jsonl(tmp_path / "in.jsonl", [good, bad])
    assert run("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"marginalia: error: {src}:2: {message}"]
    with Store(db).session() as s:
        assert list(s.scalars(select(SourceTask))) == []
        assert list(s.scalars(select(Layer))) == []


def test_plain_articles_come_back_with_their_own_meta_and_no_made_up_title(tmp_path):
    """Raw input for Prodigy (text and meta, as its example news headlines): the meta's own
    source stays (one without gets the line it was read from); the title made from the
    text is not added."""
    raw = [{"text": "Pearl Automation, Founded by Apple Veterans, Shuts Down",
            "meta": {"source": "The New York Times"}},
           {"text": "Second line.\nWith a title given.", "meta": {"title": "Given"}}]
    _, back = roundtrip(tmp_path, raw, "--status", "all")
    assert [t["meta"] for t in back] == [{"source": "The New York Times"},
                                         {"title": "Given", "source": f"{tmp_path}/in.jsonl:2"}]


def test_older_teach_tasks_without_a_view_are_binary_even_with_several_suggestions(
        tmp_path, capsys):
    """No _view_id (older Prodigy, as its reddit PRODUCT example data): spans that each carry
    a model's score or rank are suggestions, one or several; spans without are manual."""
    scored = lambda s, e, n: {"start": s, "end": e, "label": "PRODUCT", "score": n, "rank": 0}
    tasks = [{"text": "Apache and MySQL run here.", "answer": "accept",
              "spans": [scored(0, 6, 0.1), {**scored(11, 16, 0.2), "answer": "accept"}]},
             {"text": "Python runs here.", "answer": "accept",
              "spans": [{"start": 0, "end": 6, "label": "PRODUCT"}]}]
    db, _ = roundtrip(tmp_path, tasks)
    with Store(db).session() as s:
        kinds = sorted((t.kind, t.answer) for t in s.scalars(select(SourceTask)))
    assert kinds == [("binary", "accept"), ("manual", "accept")]
    capsys.readouterr()
    assert run("--db", db, "stats", "--project", "p", "--json") == 0
    assert json.loads(capsys.readouterr().out)["binary_documents"] == 1
    assert run("--db", db, "stats", "--project", "p") == 0
    assert "; 1 document with incomplete labels (binary tasks)" in capsys.readouterr().out


def test_a_task_comes_back_with_its_own_keys_and_order(tmp_path):
    """Older Prodigy and hand-made tasks: tokens without "ws", spans without token indices
    and not in offset order, no "spans" key at all. Each comes back as it was (JSON-equal),
    nothing added but the hashes Prodigy's database holds for every task."""
    text = "Apache and MySQL run on Linux."
    old = {"text": text, "tokens": [
        {"text": w, "start": s, "end": s + len(w), "id": i}
        for i, (w, s) in enumerate([("Apache", 0), ("and", 7), ("MySQL", 11), ("run", 17),
                                    ("on", 21), ("Linux", 24), (".", 29)])],
        "spans": [{"start": 11, "end": 16, "label": "PRODUCT", "score": 0.2},
                  {"start": 0, "end": 6, "label": "PRODUCT", "score": 0.9}],
        "answer": "accept", "_input_hash": 1, "_task_hash": 2}
    bare = {"text": "Nothing here.", "meta": {"source": "wire"}, "answer": "accept",
            "_input_hash": 3, "_task_hash": 4}
    _, back = roundtrip(tmp_path, [old, bare])
    assert back == [old, bare]
