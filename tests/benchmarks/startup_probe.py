"""Run as a child process by the start-up benchmark: open the window on a database and print
the seconds from interpreter start to the window shown, and the peak memory."""

import resource
import sys
import time

T0 = time.perf_counter()


def main(url: str, project: str) -> None:
    from PySide6.QtWidgets import QApplication

    app = QApplication([])
    from desktop.app import build_window, open_service

    w = build_window(open_service(url, "bench"), project)
    w.resize(1280, 800)
    w.show()
    app.processEvents()
    shown = time.perf_counter() - T0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"shown={shown:.4f} peak_mb={peak_mb:.1f} spacy={'spacy' in sys.modules}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
