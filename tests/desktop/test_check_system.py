"""`make run` and `marginalia gui` check the libraries Qt's xcb plugin needs, and print the
one apt/dnf line that installs what is missing instead of Qt's abort."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from desktop import check_system

LDD = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-cursor.so.0 => not found
\tlibxcb-randr.so.0 => not found
\tlibxcb-shm.so.0 => not found
"""


def test_the_missing_libraries_become_one_install_line():
    missing = check_system.missing_libraries(LDD)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1",
                       "libxcb-randr.so.0", "libxcb-shm.so.0"]
    assert check_system.install_line(missing, "apt") == (
        "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-randr0 "
        "libxcb-shm0")
    assert check_system.install_line(missing, "dnf") == (
        "sudo dnf install xcb-util-cursor xcb-util-wm xcb-util-keysyms libxcb")


def test_check_reports_what_ldd_did_not_find(monkeypatch):
    monkeypatch.setattr(check_system, "plugin_files", lambda: ["libqxcb.so"])
    monkeypatch.setattr(check_system.shutil, "which",
                        lambda tool: "/usr/bin/" + tool if tool in ("ldd", "apt-get") else None)
    monkeypatch.setattr(check_system.subprocess, "run",
                        lambda *a, **k: subprocess.CompletedProcess(a, 0, LDD, ""))
    message = check_system.check()
    assert message.splitlines()[-1] == (
        "install them with:  sudo apt-get install libxcb-cursor0 libxcb-icccm4 "
        "libxcb-keysyms1 libxcb-randr0 libxcb-shm0")


@pytest.mark.skipif(not shutil.which("ldd"), reason="needs ldd")
def test_every_x11_library_of_this_qt_has_its_packages():
    files = check_system.plugin_files()
    assert files, "PySide6's libqxcb.so not found"
    out = subprocess.run(["ldd", str(files[0])], capture_output=True, text=True).stdout
    names = [line.split()[0] for line in out.splitlines() if " => " in line]
    x11 = [n for n in names if n.startswith(("libxcb", "libxkb", "libX11"))]
    assert "libxcb-cursor.so.0" in x11
    assert set(x11) <= set(check_system.PACKAGES)
    assert check_system.check() is None  # this machine has them all


def test_xcb_is_what_qt_would_use():
    assert check_system.uses_xcb({}) == check_system.sys.platform.startswith("linux")
    assert not check_system.uses_xcb({"QT_QPA_PLATFORM": "offscreen"})
    assert not check_system.uses_xcb({"WAYLAND_DISPLAY": "wayland-0"})
