"""`marginalia gui`: first start, --screenshot, bad arguments; start-up stays spaCy-free."""

from __future__ import annotations

import struct
import subprocess
import sys

from tests.conftest import ROOT


def png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", head[16:24])


def test_first_start_imports_the_seeds_and_screenshot_is_1280x800(cli, sqlite_url, tmp_path):
    shot = tmp_path / "window.png"
    r = cli("--db", sqlite_url, "gui", "--screenshot", str(shot),
            env={"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg")})
    assert r.returncode == 0, r.stderr
    assert png_size(shot) == (1280, 800)
    assert shot.stat().st_size > 20_000  # a painted window, not an empty canvas
    r = cli("--db", sqlite_url, "project", "list", "--json")
    assert '"name": "news"' in r.stdout
    seeds = len(list((ROOT / "seeds").glob("*.txt")))
    assert f'"documents": {seeds}' in r.stdout


def test_unknown_project_or_document_is_one_line_exit_1(cli, gui_db, tmp_path):
    env = {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "cfg")}
    r = cli("--db", gui_db, "gui", "--project", "nope", "--screenshot", str(tmp_path / "x.png"),
            env=env)
    assert r.returncode == 1 and "no project named 'nope'" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = cli("--db", gui_db, "gui", "--project", "news", "--document", "999", "--screenshot",
            str(tmp_path / "x.png"), env=env)
    assert r.returncode == 1 and "no document 999" in r.stderr
    assert not (tmp_path / "x.png").exists()


def test_start_up_does_not_import_spacy(gui_db, tmp_path):
    code = ("import sys; from desktop.cli.main import main; "
            f"rc = main(['--db', {gui_db!r}, '--user', 'alice', 'gui', '--screenshot', "
            f"{str(tmp_path / 's.png')!r}]); "
            "print('SPACY' if 'spacy' in sys.modules else 'NO-SPACY', rc)")
    r = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, cwd=ROOT,
                       env={"PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen",
                            "XDG_CONFIG_HOME": str(tmp_path / "cfg"), "HOME": str(tmp_path)},
                       timeout=120)
    assert "NO-SPACY 0" in r.stdout, r.stderr
