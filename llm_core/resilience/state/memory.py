"""The in-memory state store: this process only (the default, ``state.url = "memory"``).

It is also the local state every shared store falls back to while its backend is down.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

__all__ = ["MemoryState"]


class MemoryState:
    """A thread-safe :class:`~llm_core.resilience.state.StateStore` held in dicts."""

    blocking = False  # every call is a few dict operations: async callers run it inline

    def __init__(self, clock: Callable[[], float] = time.time, max_values: int = 4096) -> None:
        """``clock`` (wall time, seconds) is injectable for tests."""
        self.clock, self.max_values = clock, max_values
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, bytes]] = {}
        self._leases: dict[str, dict[str, float]] = {}
        self._buckets: dict[str, tuple[float, float]] = {}

    def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None when absent or expired."""
        item = self._values.get(key)
        if item is None:
            return None
        if item[0] <= self.clock():
            with self._lock:
                self._values.pop(key, None)
            return None
        return item[1]

    def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep ``value`` for ``ttl`` seconds (the oldest entries go beyond ``max_values``)."""
        with self._lock:
            self._values.pop(key, None)
            self._values[key] = (self.clock() + ttl, value)
            while len(self._values) > self.max_values:
                del self._values[next(iter(self._values))]

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        with self._lock:
            self._values.pop(key, None)

    def _live(self, key: str, now: float) -> dict[str, float]:
        leases = self._leases.setdefault(key, {})
        for member in [m for m, expires in leases.items() if expires <= now]:
            del leases[member]
        return leases

    def acquire(self, key: str, member: str, limit: int | None, ttl: float) -> bool:
        """Take lease ``member`` unless ``limit`` live leases are held."""
        with self._lock:
            now = self.clock()
            leases = self._live(key, now)
            if limit is not None and len(leases) >= limit:
                return False
            leases[member] = now + ttl
            return True

    def release(self, key: str, member: str) -> None:
        """Drop lease ``member``."""
        with self._lock:
            self._leases.get(key, {}).pop(member, None)

    def counts(self, keys: list[str]) -> list[int]:
        """Live leases per key."""
        with self._lock:
            now = self.clock()
            return [len(self._live(key, now)) for key in keys]

    def take(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> float:
        """Token bucket: 0.0 when ``cost`` tokens were taken, else seconds to wait (a cost <= 0
        refunds, ``force`` may leave a debt; never more than ``burst``)."""
        with self._lock:
            now = self.clock()
            tokens, stamp = self._buckets.get(key, (burst, now))
            tokens = min(burst, tokens + max(0.0, now - stamp) * rate)
            if tokens >= cost or cost <= 0 or force:
                self._buckets[key] = (min(burst, tokens - cost), now)
                return 0.0
            self._buckets[key] = (tokens, now)
            return (cost - tokens) / rate

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._values.clear()
            self._leases.clear()
            self._buckets.clear()
