"""Run as a child process by the start-up benchmark: open the window on a database and print
the seconds from interpreter start to the window shown, and the peak memory."""

import resource
import sys
import time

T0 = time.perf_counter()


def _peak_mb() -> float:
    """This process's own high-water mark. (ru_maxrss would also count the parent's memory
    at fork time: Linux carries it across exec.)"""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(url: str, project: str) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop.app import build_window
    from models.open import open_service

    w = build_window(open_service(url, "bench"), project)
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    shown = time.perf_counter() - T0
    peak_mb = _peak_mb()
    print(f"shown={shown:.4f} peak_mb={peak_mb:.1f} spacy={'spacy' in sys.modules}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
