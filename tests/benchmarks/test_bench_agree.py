"""10. Agreement: `marginalia agree` (span, relation, event and per-token category agreement,
Krippendorff's alpha, the documents ranked) over N documents of two annotators, against
reading the same rows from the database with sqlite3 (documents, stored tokens, layers,
spans, relations, events, arguments). Target: at most 3x.

The first run tokenizes every document and stores the tokens (as the first export does);
the figure is of the runs after it, best of three."""

import json
import random
import sqlite3
import time

from tests.benchmarks.conftest import scaled
from tests.benchmarks.test_bench_review import two_annotators

READS = ("SELECT id, title, text FROM documents",
         "SELECT document_id, starts, ends, sentences FROM document_tokens",
         "SELECT id, document_id, name, user_id, status FROM layers",
         "SELECT id, layer_id, start, \"end\", label, state, fragments FROM spans",
         "SELECT id, layer_id, head_id, tail_id, label, state FROM relations",
         "SELECT id, layer_id, trigger_id, type, state FROM events",
         "SELECT id, event_id, role, span_id, target_event_id FROM event_arguments")


def read_rows(path) -> float:
    con = sqlite3.connect(path)
    t0 = time.perf_counter()
    for q in READS:
        con.execute(q).fetchall()
    elapsed = time.perf_counter() - t0
    con.close()
    return elapsed


def records(docs, who: int):
    """Each document's spans of annotator `who` (1 or 2), a relation between its first two
    spans (a different label for each annotator) and an event whose trigger closes the text
    (the same for both)."""
    from models.records import (
        ArgumentRecord,
        DocumentRecord,
        EventRecord,
        RelationRecord,
        SpanRecord,
    )

    out = []
    for i, d in enumerate(docs):
        text = d[0] + " gathered"
        spans = [SpanRecord(s, e, lab, id=f"T{k}") for k, (s, e, lab) in enumerate(d[who])]
        spans.append(SpanRecord(len(d[0]) + 1, len(text), "Gathering", id="TR"))
        out.append(DocumentRecord(
            text=text, title=f"d{i}", spans=spans,
            relations=[RelationRecord("T0", "T1", "near" if who == 1 else "with")],
            events=[EventRecord("TR", "Gathering", arguments=[ArgumentRecord("who", "T0")])]))
    return out


def test_bench_agree(tmp_path, bench):
    from desktop.cli.main import main
    from models.service import Service
    from models.store import Store

    n = scaled(10_000, 50)
    docs = [two_annotators(3, 12, random.Random(i)) for i in range(n)]
    path = tmp_path / "a.db"
    url = f"sqlite:///{path}"
    store = Store(url)
    alice = Service(store, "alice")
    alice.create_project("news")
    alice.add_user("bob", "annotator")
    alice.add_user("carol", "annotator")
    for who, name in ((1, "bob"), (2, "carol")):
        alice.import_records("news", records(docs, who), annotator=name)
    store.dispose()
    out = tmp_path / "agree.json"

    def agree() -> float:
        t0 = time.perf_counter()
        with out.open("w") as fh:
            import contextlib

            with contextlib.redirect_stdout(fh):
                code = main(["--db", url, "--user", "alice", "agree", "--project", "news",
                             "--json"])
        elapsed = time.perf_counter() - t0
        assert code == 0
        return elapsed

    agree()  # tokenizes and stores every document once
    report = json.loads(out.read_text())
    assert len(report["documents"]) == n and report["pairs"][0]["documents"] == n
    ours, base = [], []
    for _ in range(3):
        base.append(read_rows(path))
        ours.append(agree())
    best, baseline = min(ours), min(base)
    bench.record(f"agree over {n} documents of two annotators vs reading the rows (best of 3)",
                 best, "s", baseline=baseline, target="<= 3x", ok=best <= 3 * baseline)
