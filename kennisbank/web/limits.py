"""The login rate limit: failed logins counted per client address in a sliding window, in this process."""
from __future__ import annotations

import threading
import time
from collections import deque


class LoginLimiter:
    """At most `max_failures` failed logins per client address in a sliding window (in this process)."""

    def __init__(self, max_failures: int = 5, window: float = 15 * 60):
        self.max_failures, self.window = max_failures, window
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and times[0] <= now - self.window:
            times.popleft()
        return times

    def retry_after(self, key: str, now: float | None = None) -> int:
        """Seconds until this client may try again; 0 when it may try now.

        >>> lim = LoginLimiter(2, 60)
        >>> lim.fail("a", now=0); lim.fail("a", now=1); lim.retry_after("a", now=2), lim.retry_after("a", now=61)
        (58, 0)
        """
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._recent(key, now)
            if len(times) < self.max_failures:
                return 0
            return max(1, int(times[0] + self.window - now))

    def fail(self, key: str, now: float | None = None) -> None:
        """Count one failed attempt."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._recent(key, now).append(now)
            if len(self._failures) > 10_000:  # forget quiet clients so the table cannot grow without bound
                for k in [k for k, v in self._failures.items() if not v]:
                    del self._failures[k]

    def reset(self, key: str) -> None:
        """Forget the failures of a client that logged in."""
        with self._lock:
            self._failures.pop(key, None)
