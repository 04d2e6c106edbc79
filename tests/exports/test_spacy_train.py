"""The exported config.cfg trains as is with `python -m spacy train` (a few steps)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from exports import docbin
from exports.base import ExportOptions
from models.records import DocumentRecord, SpanRecord

SENTENCES = [
    ("Angela Merkel visited Paris.", [(0, 13, "PER"), (22, 27, "LOC")]),
    ("Barack Obama spoke in Berlin.", [(0, 12, "PER"), (22, 28, "LOC")]),
    ("Siemens hired Ada Lovelace.", [(0, 7, "ORG"), (14, 26, "PER")]),
    ("Zoë moved to Zürich 👍🏽.", [(0, 3, "PER"), (13, 19, "LOC")]),
    ("The EU fined Google.", [(4, 6, "ORG"), (13, 19, "ORG")]),
    ("Bo met Ana in Lyon.", [(0, 2, "PER"), (7, 10, "PER"), (14, 18, "LOC")]),
]


@pytest.mark.slow
def test_exported_config_trains_as_is(tmp_path):
    docs = [DocumentRecord(t, spans=[SpanRecord(s, e, lab) for s, e, lab in spans])
            for t, spans in SENTENCES]
    report = docbin.write(docs, tmp_path, None, ExportOptions(dev_ratio=0.34, seed=1))
    assert report.problems == []
    assert (tmp_path / "config.cfg").read_text(encoding="utf-8").count("[components.ner]") == 1
    proc = subprocess.run(
        [sys.executable, "-m", "spacy", "train", "config.cfg", "--paths.train", "train.spacy",
         "--paths.dev", "dev.spacy", "--output", "model", "--training.max_steps", "5",
         "--training.eval_frequency", "5"],
        check=False, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert (tmp_path / "model" / "model-last" / "config.cfg").is_file()
    import spacy

    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert set(nlp.get_pipe("ner").labels) == {"LOC", "ORG", "PER"}
