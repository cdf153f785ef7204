"""Cooldowns every process sees: a breaker that opens in one process opens in all of them.

With a shared ``state.url`` (SQLite, Redis) the cooldown layer publishes each breaker that
opens as ``<prefix>cooldown:<provider key>`` (JSON: wall-clock ``until`` and ``failures``,
expiring with the cooldown) and each probe that closes it (``until`` 0). Before a call it reads
that key, at most every ``state.sync_interval`` seconds per provider, and adopts what it finds
into its own breaker (:meth:`~.breaker.CooldownRegistry.adopt`): the half-open probe then runs
in each process as before. The store is the guarded one, so a store fault is a stale view,
never a failed call.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from llm_core.resilience.background import Background, warn_once
from llm_core.resilience.state.protocol import StateStoreWarning, async_op

__all__ = ["SharedCooldowns"]


class SharedCooldowns:
    """The cooldown keys of one state store (``store``), read at most every ``interval`` s.

    On an event loop, :meth:`publish` writes in a task of that loop
    (:class:`~llm_core.resilience.background.Background`: kept referenced, its failure a
    :class:`StateStoreWarning` said once); ``AsyncClient.aclose()`` waits for the loop's
    pending ones, at most ``timeout`` s, and cancels what is left (:meth:`drain`).
    """

    def __init__(self, store: Any, prefix: str, interval: float, timeout: float = 1.0) -> None:
        self.store, self.prefix, self.interval = store, prefix + "cooldown:", interval
        self._next: dict[str, float] = {}
        failed = warn_once("publishing a cooldown to the state store", StateStoreWarning)
        self.background = Background(failed, timeout)

    def due(self, key: str) -> bool:
        """Whether ``key`` should be read now (and, if so, not again for ``interval`` s)."""
        now = time.monotonic()
        if self._next.get(key, 0.0) > now:
            return False
        self._next[key] = now + self.interval
        return True

    @staticmethod
    def decode(raw: bytes | None) -> tuple[float, int] | None:
        """``(seconds left, failures)`` of a published state (0 left: a probe closed it); None
        if absent or if a published cooldown has run out (that says nothing about recovery: the
        key outlives its cooldown, and taking it as "closed" would end this process's own)."""
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            until, failures = float(data["until"]), int(data["failures"])
        except (ValueError, TypeError, KeyError):
            return None
        if until == 0.0:
            return 0.0, failures
        left = until - time.time()
        return (left, failures) if left > 0 else None

    def publish(self, key: str, retry_in: float, failures: int) -> None:
        """Tell every process: ``key`` cools down ``retry_in`` more seconds (0: it is closed)."""
        until = time.time() + retry_in if retry_in > 0 else 0.0
        value = json.dumps({"until": until, "failures": failures}).encode()
        args = (self.prefix + key, value, max(retry_in, self.interval, 1.0))
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # a sync caller: the guarded store is bounded by its timeout
            self.store.set(*args)
            return
        self.background.spawn(async_op(self.store, "set", *args))

    async def drain(self) -> None:
        """Wait for this loop's pending publications (at most ``timeout`` s), cancel the rest."""
        await self.background.drain()
