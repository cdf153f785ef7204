"""A shared store that never takes a request down: :class:`Guarded`.

Every call to the backend (Redis, SQLite) is bounded: by the backend's own socket timeout in
the sync shell, and by ``timeout`` seconds (``anyio.fail_after``) in the async one. A call that
fails or times out is answered from a local :class:`~.memory.MemoryState` instead, one
:class:`~.protocol.StateStoreWarning` says so (once per outage), and the backend is left alone
for ``retry_after`` seconds; the first call after that tries it again, and its success ends the
outage (logged at INFO). A value the backend lost (flushed, restarted) is simply a miss.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import warnings
from typing import Any

import anyio

from llm_core.errors import scrub_secrets
from llm_core.resilience.state.memory import MemoryState
from llm_core.resilience.state.protocol import StateStoreWarning

__all__ = ["Guarded"]

log = logging.getLogger("llm_core.state")
_OPS = ("get", "set", "delete", "acquire", "release", "counts", "take")


class Guarded:
    """Wraps ``backend`` (named ``label`` in messages, never with a password) with a local
    fallback; it has the sync methods and their ``a``-prefixed coroutine twins."""

    blocking = False  # the async twins below await or hand off to a thread themselves

    def __init__(
        self, backend: Any, label: str, timeout: float = 0.1, retry_after: float = 1.0
    ) -> None:
        self.backend, self.label = backend, label
        self.timeout, self.retry_after = timeout, retry_after
        self.local = MemoryState()
        self.down_until = 0.0
        self.outages = 0
        self._lock = threading.Lock()
        for name in _OPS:
            setattr(self, name, functools.partial(self._sync, name))
            setattr(self, "a" + name, functools.partial(self._async, name))

    @property
    def down(self) -> bool:
        """True while the backend is being avoided after a failure."""
        return self.down_until > time.monotonic()

    def _sync(self, name: str, *args: Any) -> Any:
        if self.down:
            return getattr(self.local, name)(*args)
        try:
            result = getattr(self.backend, name)(*args)
        except Exception as exc:  # any backend fault: serve locally, never fail the request
            self._failed(exc)
            return getattr(self.local, name)(*args)
        self._ok()
        return result

    async def _async(self, name: str, *args: Any) -> Any:
        if self.down:
            return getattr(self.local, name)(*args)
        twin = getattr(self.backend, "a" + name, None)
        try:
            with anyio.fail_after(self.timeout):
                if twin is not None:
                    result = await twin(*args)
                else:
                    method = functools.partial(getattr(self.backend, name), *args)
                    result = await anyio.to_thread.run_sync(method, abandon_on_cancel=True)
        except Exception as exc:
            self._failed(exc)
            return getattr(self.local, name)(*args)
        self._ok()
        return result

    def _failed(self, exc: BaseException) -> None:
        with self._lock:
            first = self.down_until == 0.0
            self.down_until = time.monotonic() + self.retry_after
            if first:
                self.outages += 1
        if first:
            warnings.warn(
                f"state store {self.label} failed ({type(exc).__name__}: "
                f"{scrub_secrets(str(exc))[:200]}); serving from "
                f"this process's memory and trying again every {self.retry_after:g} s",
                StateStoreWarning,
                stacklevel=4,
            )

    def _ok(self) -> None:
        if self.down_until:
            with self._lock:
                self.down_until = 0.0
            log.info("state store %s is back", self.label)

    def close(self) -> None:
        """Close the backend (when it can be closed)."""
        getattr(self.backend, "close", lambda: None)()

    async def aclose(self) -> None:
        """Close the backend's connections of the running event loop (bounded, never raises)."""
        release = getattr(self.backend, "aclose", None)
        if release is not None:
            with anyio.move_on_after(self.timeout):
                try:
                    await release()
                except Exception as exc:  # closing a broken connection is no failure
                    log.debug("closing %s: %s", self.label, exc)

    def __repr__(self) -> str:
        return f"Guarded({self.label})"
