"""Prodigy's textcat tasks (label + answer) and choice tasks (options + accept) become
document categories and come back as the same tasks, JSON-equal; what the app changes is
what the tasks then say."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from desktop.cli.main import main
from exports.registry import detect
from models.orm import DocumentCategory, SourceTask
from models.service import Service
from models.store import Store

# textcat.teach: one label per task, the same text again; an old task without a view id
TEXTCAT = [
    {"text": "Parliament passed the budget.", "label": "POLITICS", "answer": "accept",
     "meta": {"score": 0.61, "source": "wire"}, "_input_hash": 101, "_task_hash": 201,
     "_view_id": "classification", "_session_id": "news-alice", "_timestamp": 1701000000},
    {"text": "Parliament passed the budget.", "label": "SPORTS", "answer": "reject",
     "meta": {"score": 0.22}, "_input_hash": 101, "_task_hash": 202,
     "_view_id": "classification", "_session_id": "news-alice"},
    {"text": "The striker scored twice.", "label": "SPORTS", "answer": "ignore",
     "_input_hash": 102, "_task_hash": 203, "_session_id": "news-alice"},
]

# textcat.manual with several labels: single choice (with a config), multiple choice with
# two accepted, a rejected one, option ids that are integers
OPTIONS = [{"id": "BUSINESS", "text": "Business"}, {"id": "TECH", "text": "Technology"},
           {"id": "HEALTH", "text": "Health"}]
CHOICE = [
    {"text": "Shares fell sharply.", "options": OPTIONS, "accept": ["BUSINESS"],
     "answer": "accept", "config": {"choice_style": "single"}, "_input_hash": 301,
     "_task_hash": 401, "_view_id": "choice", "_session_id": "news-alice"},
    {"text": "A new vaccine app.", "options": OPTIONS, "accept": ["HEALTH", "TECH"],
     "answer": "accept", "config": {"choice_style": "single"}, "_input_hash": 302,
     "_task_hash": 402, "_view_id": "choice", "_session_id": "news-alice"},
    {"text": "Rain all week.", "options": [{"id": 1, "text": "weather"},
                                           {"id": 2, "text": "travel"}],
     "accept": [2], "answer": "reject", "_input_hash": 303, "_task_hash": 403,
     "_view_id": "choice", "_session_id": "news-alice"},
]


def write_jsonl(path, tasks):
    path.write_text("".join(json.dumps(t) + "\n" for t in tasks), encoding="utf-8")
    return path


def cli(*argv: str) -> int:
    return main(list(argv))


def export(db, out, *extra):
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "prodigy", "--out", str(out), "--status", "all", *extra) == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_a_textcat_file_is_detected_as_prodigy_not_doccano(tmp_path):
    src = write_jsonl(tmp_path / "t.jsonl", TEXTCAT)
    assert detect(src) == "prodigy"
    doccano = write_jsonl(tmp_path / "d.jsonl", [{"text": "x", "label": ["POLITICS"]}])
    assert detect(doccano) == "doccano"


def test_textcat_tasks_are_categories_and_come_back_as_the_same_tasks(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    # the multiple-choice task (two accepted) is in a file of its own: its options are a
    # multi-label group, the single choices an exclusive one
    single = write_jsonl(tmp_path / "a.jsonl", TEXTCAT + CHOICE[:1] + CHOICE[2:])
    multi = [dict(CHOICE[1], config={"choice_style": "multiple"})]
    write_jsonl(tmp_path / "b.jsonl", multi)
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(single)) == 0
    assert cli("--db", db, "--user", "alice", "import", "--project", "p",
               str(tmp_path / "b.jsonl")) == 1  # HEALTH and TECH: one of, said a.jsonl
    ok = tmp_path / "c.jsonl"
    write_jsonl(ok, [dict(multi[0], options=[{"id": "SCIENCE"}, {"id": "GADGETS"}],
                          accept=["SCIENCE", "GADGETS"])])
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(ok)) == 0
    with Store(db).session() as s:
        rows = sorted((c.category, c.state, c.task_id is not None)
                      for c in s.scalars(select(DocumentCategory)))
    assert rows == [("BUSINESS", "accepted", True), ("GADGETS", "accepted", True),
                    ("POLITICS", "accepted", True), ("SCIENCE", "accepted", True),
                    ("SPORTS", "rejected", True), ("SPORTS", "suggested", True),
                    ("travel", "rejected", True)]
    service = Service(Store(db), "alice")
    schema = service.schema(service.project_id("p"))
    assert schema.category_group("BUSINESS").exclusive is True
    assert schema.category_group("SCIENCE").exclusive is False
    assert schema.category_group("POLITICS").exclusive is False  # a textcat label: Imported
    back = export(db, tmp_path / "out.jsonl")
    want = TEXTCAT + CHOICE[:1] + CHOICE[2:] + [json.loads(ok.read_text())]
    assert sorted(back, key=lambda t: t["_task_hash"]) == sorted(
        want, key=lambda t: t["_task_hash"])  # JSON-equal, task by task


def test_what_the_app_decides_is_what_the_tasks_say(tmp_path):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    src = write_jsonl(tmp_path / "a.jsonl", TEXTCAT[:1] + CHOICE[:1])
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    service = Service(Store(db), "alice")
    pid = service.project_id("p")
    docs = {d.title or service.load(d.id).text: d.id for d in service.documents(pid)}
    budget, shares = (docs["Parliament passed the budget."], docs["Shares fell sharply."])
    service.toggle_category(budget, "POLITICS")  # off: an imported one is rejected
    service.toggle_category(shares, "BUSINESS")  # off
    service.toggle_category(shares, "HEALTH")  # a single choice: on
    service.toggle_category(budget, "politics")  # the news schema's Topic: no task
    back = {t["_task_hash"]: t for t in export(db, tmp_path / "out.jsonl")}
    assert back[201]["answer"] == "reject" and back[201]["label"] == "POLITICS"
    assert back[401]["accept"] == ["HEALTH"] and back[401]["answer"] == "accept"
    extra = [t for h, t in back.items() if h not in (201, 401)]
    assert len(extra) == 1 and extra[0]["text"] == "Parliament passed the budget."
    assert extra[0]["accept"] == ["politics"]
    topic = service.schema(pid).group("Topic").names
    assert [o["id"] for o in extra[0]["options"]] == topic


@pytest.mark.parametrize("bad, message", [
    ({"text": "x", "options": [{"id": "A"}], "accept": ["B"], "answer": "accept"},
     "accept: 'B' is not the id of one of the options"),
    ({"text": "x", "options": ["A"], "answer": "accept"},
     '"options" is not a list of {"id", "text"}'),
    ({"text": "x", "options": [{"id": "A"}], "accept": "A", "answer": "accept"},
     '"accept" is not a list of option ids'),
    ({"text": "x", "label": "", "answer": "accept"}, '"label" is empty'),
])
def test_bad_choice_tasks_are_one_line_exit_1_nothing_stored(tmp_path, capsys, bad, message):
    db = f"sqlite:///{tmp_path / 'x.db'}"
    src = write_jsonl(tmp_path / "in.jsonl", [TEXTCAT[0], bad])
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 1
    assert capsys.readouterr().err.strip().splitlines() == [
        f"marginalia: error: {src}:2: {message}"]
    with Store(db).session() as s:
        assert list(s.scalars(select(SourceTask))) == []


def test_a_rejected_textcat_task_is_0_in_doc_cats(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    db = f"sqlite:///{tmp_path / 'x.db'}"
    src = write_jsonl(tmp_path / "a.jsonl", TEXTCAT)
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(src)) == 0
    out = tmp_path / "spacy"
    assert cli("--db", db, "--user", "alice", "export", "--project", "p", "--format",
               "spacy", "--out", str(out), "--status", "all", "--dev-ratio", "0") == 0
    vocab = spacy.blank("en").vocab
    cats = {d.text: d.cats for d in DocBin().from_disk(out / "train.spacy").get_docs(vocab)}
    assert cats["Parliament passed the budget."] == {"POLITICS": 1.0, "SPORTS": 0.0}
    assert cats["The striker scored twice."] == {}  # ignored: nobody decided


def test_the_choices_of_every_file_of_a_folder_become_groups(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    write_jsonl(folder / "a.jsonl", [{"text": "Shares fell.", "options": [
        {"id": "UP"}, {"id": "DOWN"}], "accept": ["DOWN"], "answer": "accept"}])
    write_jsonl(folder / "b.jsonl", [{"text": "Goal!", "options": [
        {"id": "HOME"}, {"id": "AWAY"}, {"id": "BOTH"}], "accept": ["HOME", "BOTH"],
        "answer": "accept"}])
    db = f"sqlite:///{tmp_path / 'x.db'}"
    assert cli("--db", db, "--user", "alice", "import", "--project", "p", str(folder)) == 0
    service = Service(Store(db), "alice")
    groups = {g.name: (g.exclusive, g.names)
              for g in service.schema(service.project_id("p")).categories}
    assert groups["Choice: UP, DOWN"] == (True, ["UP", "DOWN"])  # none accepts two
    assert groups["Choice: HOME, AWAY, BOTH"] == (False, ["HOME", "AWAY", "BOTH"])
    assert "Topic" in groups  # a new project starts from the default schema
