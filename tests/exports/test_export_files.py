"""How exports land on disk: the user's umask, no .part left by a killed run, a brat folder
whole or absent, an --out folder with a dot in its name."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap

import pytest

from exports import brat, doccano, prodigy
from exports.base import ExportOptions, atomic_write_text
from models.records import DocumentRecord, SpanRecord


def doc(title: str = "a") -> DocumentRecord:
    return DocumentRecord(text="Ana met Bo.", title=title,
                          spans=[SpanRecord(0, 3, "PER", id="s1")])


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_files_get_the_umasks_mode(tmp_path, umask):
    old = os.umask(umask)
    try:
        prodigy.write([doc()], tmp_path / "p.jsonl")
        brat.write([doc()], tmp_path / "b")
    finally:
        os.umask(old)
    want = 0o666 & ~umask
    assert mode(tmp_path / "p.jsonl") == want
    assert {mode(p) for p in (tmp_path / "b").iterdir()} == {want}
    assert mode(tmp_path / "b") == 0o777 & ~umask


def test_a_rewritten_file_keeps_its_mode(tmp_path):
    out = tmp_path / "p.jsonl"
    out.write_text("old", encoding="utf-8")
    out.chmod(0o640)
    prodigy.write([doc()], out)
    assert mode(out) == 0o640 and out.read_text(encoding="utf-8") != "old"


def test_a_killed_export_leaves_no_part_after_the_next_run(tmp_path):
    out = tmp_path / "p.jsonl"
    script = textwrap.dedent(f"""
        import os, signal
        from exports.base import atomic_open
        with atomic_open({str(out)!r}) as f:
            f.write("half")
            f.flush()
            os.kill(os.getpid(), signal.SIGKILL)
    """)
    run = subprocess.run([sys.executable, "-c", script], cwd=os.getcwd())
    assert run.returncode == -9
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")]  # left by the kill
    prodigy.write([doc()], out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.jsonl"]
    atomic_write_text(tmp_path / "other.txt", "x")  # another file's part is not its to remove
    assert sorted(p.name for p in tmp_path.iterdir()) == ["other.txt", "p.jsonl"]


def test_a_brat_folder_is_whole_or_absent(tmp_path):
    out = tmp_path / "b"

    def records():
        yield doc("one")
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        brat.write(records(), out, None, ExportOptions())
    assert list(tmp_path.iterdir()) == []
    brat.write([doc("one"), doc("two")], out)
    assert sorted(p.name for p in out.iterdir()) == [
        "annotation.conf", "one.ann", "one.txt", "two.ann", "two.txt"]
    # a later export replaces the earlier one whole, and a failed one leaves it as it was
    with pytest.raises(RuntimeError):
        brat.write(records(), out, None, ExportOptions())
    assert sorted(p.name for p in out.iterdir())[1:3] == ["one.ann", "one.txt"]
    assert (out / "two.txt").exists()
    brat.write([doc("three")], out)
    assert sorted(p.name for p in out.iterdir()) == ["annotation.conf", "three.ann",
                                                     "three.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["b"]


def test_a_brat_export_does_not_replace_a_folder_of_other_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "thesis.docx").write_bytes(b"precious")
    from models.errors import ValidationError

    with pytest.raises(ValidationError, match="thesis.docx"):
        brat.write([doc()], out)
    assert [p.name for p in out.iterdir()] == ["thesis.docx"]


@pytest.mark.parametrize("module, name", [(prodigy, "prodigy.jsonl"),
                                          (doccano, "doccano.jsonl")])
def test_out_with_a_dot_in_a_folder_name_is_a_folder(tmp_path, module, name):
    out = tmp_path / "exports" / "v1.2"
    module.write([doc()], out)
    assert (out / name).is_file()
    module.write([doc()], tmp_path / "named.jsonl")
    assert (tmp_path / "named.jsonl").is_file()
