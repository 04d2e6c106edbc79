"""A progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import time


class Progress:
    def __init__(self, what: str, total: int, *, stream=None):
        self.what, self.total, self.n = what, max(total, 1), 0
        # its own fixed text: drawn with \r past the escaping of desktop/cli/safe_output
        self.stream = stream or getattr(sys.stderr, "unescaped", sys.stderr)
        self.live = self.stream.isatty() and total > 1
        self._last = 0.0

    def step(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if self.live and (now - self._last > 0.1 or self.n >= self.total):
            self._last = now
            frac = min(self.n / self.total, 1.0)
            bar = "#" * int(frac * 30)
            self.stream.write(f"\r{self.what} [{bar:<30}] {self.n}/{self.total}")
            self.stream.flush()

    def update(self, done: int, total: int, what: str = "") -> None:
        """The use cases' callback form: (done, total, what is being done)."""
        if what and what != self.what:
            if self.live and self.n:
                self.stream.write("\n")
            self.what, self.n = what, 0
        self.total = max(total, 1)
        self.live = self.stream.isatty() and total > 1
        self.step(done - self.n)

    def done(self) -> None:
        if self.live:
            self.stream.write("\n")
            self.stream.flush()
