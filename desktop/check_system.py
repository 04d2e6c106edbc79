"""Before Qt starts on X11: are the system libraries its xcb plugin needs installed?

Without them Qt aborts with "could not load the Qt platform plugin xcb" and a list of
plugins; this prints instead the one apt-get (Debian/Ubuntu) or dnf (Fedora) line that
installs what is missing. The list comes from `ldd` on the plugin PySide6 ships, so it is
exactly what this Qt needs. Run as `python -m desktop.check_system` (by `make run`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

# soname -> (Debian/Ubuntu package, Fedora package)
PACKAGES = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
}


def plugin_files() -> list[Path]:
    """The xcb platform plugin of the installed PySide6 and the Qt library it loads."""
    import importlib.util

    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return []
    qt = Path(list(spec.submodule_search_locations)[0]) / "Qt"
    files = [qt / "plugins" / "platforms" / "libqxcb.so", *sorted((qt / "lib").glob(
        "libQt6XcbQpa.so*"))]
    return [f for f in files if f.is_file()]


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` reports as "not found", in order, once each."""
    out = []
    for line in ldd_output.splitlines():
        name, sep, rest = line.strip().partition(" => ")
        if sep and rest.strip().startswith("not found") and name not in out:
            out.append(name)
    return out


def install_line(missing: list[str], system: str) -> str:
    """The one command installing the packages of `missing` on `system` (apt | dnf)."""
    col = 0 if system == "apt" else 1
    pkgs = []
    for soname in missing:
        pkg = PACKAGES.get(soname, (soname, soname))[col]
        if pkg not in pkgs:
            pkgs.append(pkg)
    if system == "apt":
        return "sudo apt-get install " + " ".join(pkgs)
    return "sudo dnf install " + " ".join(pkgs)


def package_system() -> str | None:
    for tool, name in (("apt-get", "apt"), ("dnf", "dnf")):
        if shutil.which(tool):
            return name
    return None


def uses_xcb(env=os.environ) -> bool:
    """Qt will try the X11 plugin: Linux, no other platform forced, not a Wayland session
    that Qt would use instead."""
    if not sys.platform.startswith("linux"):
        return False
    forced = env.get("QT_QPA_PLATFORM", "")
    if forced:
        return forced.split(":")[0].split(";")[0] == "xcb"
    return not env.get("WAYLAND_DISPLAY")


def check() -> str | None:
    """None when everything is there (or ldd cannot tell); else the message to print."""
    if not shutil.which("ldd"):
        return None
    missing: list[str] = []
    for f in plugin_files():
        try:
            out = subprocess.run(["ldd", str(f)], capture_output=True, text=True,
                                 timeout=20).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        missing += [m for m in missing_libraries(out) if m not in missing]
    if not missing:
        return None
    system = package_system()
    lines = [f"Qt's X11 plugin needs system libraries that are missing: {', '.join(missing)}"]
    if system:
        lines.append(f"install them with:  {install_line(missing, system)}")
    else:
        lines.append(f"Debian/Ubuntu:  {install_line(missing, 'apt')}")
        lines.append(f"Fedora:  {install_line(missing, 'dnf')}")
    return "\n".join(lines)


def main() -> int:
    if not uses_xcb():
        return 0
    message = check()
    if message:
        print(f"marginalia: {message}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
