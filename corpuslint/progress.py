"""A one-line progress display on stderr (documents, MB, rate, ETA), only on a terminal.

Hand-written rather than tqdm/rich: one line, updated at most five times a second,
no dependency for a feature that is off whenever output is piped.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    def __init__(self, total_bytes: int, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.total = max(total_bytes, 1)
        self.done_bytes = 0
        self.docs = 0
        self.text_bytes = 0
        self.start = time.monotonic()
        self._last = 0.0

    def update(self, file_bytes: int, docs: int, text_bytes: int) -> None:
        self.done_bytes += file_bytes
        self.docs += docs
        self.text_bytes += text_bytes
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < 0.2:
            return
        self._last = now
        elapsed = max(now - self.start, 1e-6)
        rate = self.text_bytes / elapsed / 1e6
        frac = min(self.done_bytes / self.total, 1.0)
        eta = elapsed * (1 - frac) / frac if frac > 0 else 0
        line = (f"\r{self.docs:,} docs · {self.text_bytes / 1e6:,.1f} MB · {rate:,.1f} MB/s · "
                f"{frac:4.0%} · ETA {int(eta) // 60}:{int(eta) % 60:02d} ")
        self.stream.write(line)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
