"""A fake monotonic clock whose sleeps advance time at once (deterministic retry tests)."""

from __future__ import annotations

import time

import anyio.lowlevel


class FakeClock:
    """``now()`` starts at the real ``time.monotonic()`` (so deadlines computed by the Client
    stay comparable) and moves only when ``sleep`` / ``async_sleep`` are called."""

    def __init__(self, start: float | None = None) -> None:
        self.t = time.monotonic() if start is None else start
        self.sleeps: list[float] = []

    def now(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.t += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await anyio.lowlevel.checkpoint()
