"""The cooldown breaker: a per-process circuit breaker for each provider (sans-IO, thread-safe).

A provider (keyed by label and base URL) that failed ``failures`` times within ``window``
seconds, with no success in between, is *open*: calls to it fail at once with
:class:`CooldownError` (a ServerError, so a fallback chain moves on) for ``cooldown`` seconds.
Then it is *half-open*: exactly one call goes through as a probe while the others are still
refused; the probe's success closes the breaker, its failure opens it for another period.

Only failures that say the provider is unwell count: connection errors, timeouts (not the
caller's total deadline), 5xx, 429, invalid answers, broken streams. A 400, 401, 404 means the
provider answered, which counts as a success. ``cooldown.cooldown = 0`` disables the breaker.
``health_check`` shows a provider's state as ``Health.extra["cooldown"]``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from llm_core import errors as e
from llm_core.config import CooldownSettings

__all__ = ["COOLDOWNS", "Admission", "CooldownError", "CooldownRegistry", "counts_as_failure"]


class CooldownError(e.ServerError):
    """The provider failed repeatedly and is skipped for ``retry_in`` more seconds."""

    def __init__(self, message: str, *, retry_in: float, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_in = retry_in


def counts_as_failure(error: BaseException) -> bool:
    """Whether ``error`` says the provider itself is unwell (and so counts toward a cooldown)."""
    if isinstance(error, CooldownError | e.RateLimitedError):  # refused here, not by the server
        return False
    if isinstance(error, e.TimeoutError):
        return error.phase != "deadline"
    return isinstance(
        error,
        e.ConnectionError
        | e.ServerError
        | e.RateLimitError
        | e.InvalidResponseError
        | e.GenerationError,
    )


class Admission(NamedTuple):
    """Whether a call may go through, and whether it is the half-open probe."""

    allowed: bool
    probe: bool = False
    retry_in: float = 0.0
    failures: int = 0


_ALLOWED = Admission(True)


@dataclass(slots=True)
class _Breaker:
    failures: list[float] = field(default_factory=list)
    opened_at: float | None = None
    probing: bool = False


class CooldownRegistry:
    """Every provider's breaker in this process; all methods are thread-safe and cheap."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        """``clock`` is injectable for tests."""
        self.clock = clock
        self._lock = threading.Lock()
        self._breakers: dict[str, _Breaker] = {}

    def admit(self, key: str, settings: CooldownSettings) -> Admission:
        """May a call to ``key`` go through now? (Takes the probe slot when half-open.)"""
        found = self._breakers.get(key)  # lock-free fast path: a healthy provider has no breaker
        if found is None or found.opened_at is None:
            return _ALLOWED
        with self._lock:
            b = self._breakers.get(key)
            if b is None or b.opened_at is None:
                return Admission(True)
            left = b.opened_at + settings.cooldown - self.clock()
            if left > 0:
                return Admission(False, retry_in=left, failures=len(b.failures))
            if b.probing:
                return Admission(False, failures=len(b.failures))
            b.probing = True
            return Admission(True, probe=True)

    def refuses(self, key: str, settings: CooldownSettings) -> bool:
        """Whether :meth:`admit` would refuse a call to ``key`` now: open, or half-open with its
        one probe already in flight (takes nothing; lock-free for a healthy provider)."""
        b = self._breakers.get(key)
        if b is None or b.opened_at is None:
            return False
        return b.probing or b.opened_at + settings.cooldown > self.clock()

    def record(
        self,
        key: str,
        settings: CooldownSettings,
        admission: Admission,
        error: BaseException | None,
        *,
        finished: bool = True,
    ) -> str | None:
        """The outcome of an admitted call: ``error`` None is a success; ``finished`` False
        (cancelled, abandoned before any answer) gives no verdict and only frees the probe.
        Returns ``"open"`` when the breaker (re)opened, ``"closed"`` when it closed, else None."""
        failed = error is not None and counts_as_failure(error)
        if not failed and not admission.probe and key not in self._breakers:
            return None  # the common healthy path, without taking the lock
        with self._lock:
            b = self._breakers.get(key)
            if b is None:
                if not (finished and failed):
                    return None  # the common healthy path: no breaker, nothing to record
                b = self._breakers[key] = _Breaker()
            if admission.probe:
                b.probing = False
            if not finished:
                return None
            now = self.clock()
            if not failed:
                was_open = b.opened_at is not None
                b.failures.clear()
                b.opened_at = None
                return "closed" if was_open else None
            if admission.probe:
                b.opened_at = now  # the probe failed: another full cooldown
                return "open"
            b.failures = [t for t in b.failures if now - t < settings.window]
            b.failures.append(now)
            if len(b.failures) >= settings.failures and b.opened_at is None:
                b.opened_at = now
                return "open"
            return None

    def adopt(self, key: str, settings: CooldownSettings, left: float, failures: int) -> None:
        """Take over another process's verdict: ``key`` cools down ``left`` more seconds, or
        (``left`` 0) it recovered and the breaker closes."""
        with self._lock:
            b = self._breakers.get(key)
            if left <= 0:
                if b is not None and b.opened_at is not None and not b.probing:
                    b.failures.clear()
                    b.opened_at = None
                return
            b = b or self._breakers.setdefault(key, _Breaker())
            opened = self.clock() - max(0.0, settings.cooldown - left)
            if b.opened_at is None or opened > b.opened_at:
                b.opened_at = opened
                b.failures = b.failures or [opened] * max(failures, 1)

    def state(self, key: str, settings: CooldownSettings | None = None) -> dict[str, Any]:
        """``{"state": "closed"|"open"|"half_open", "failures": n, "retry_in": s}`` of ``key``."""
        cooldown = (settings or CooldownSettings()).cooldown
        with self._lock:
            b = self._breakers.get(key)
            if b is None:
                return {"state": "closed", "failures": 0, "retry_in": 0.0}
            if b.opened_at is None:
                return {"state": "closed", "failures": len(b.failures), "retry_in": 0.0}
            left = b.opened_at + cooldown - self.clock()
            return {
                "state": "open" if left > 0 else "half_open",
                "failures": len(b.failures),
                "retry_in": round(max(left, 0.0), 3),
            }

    def keys(self) -> list[str]:
        """Every provider key with a breaker (one that has failed at least once)."""
        with self._lock:
            return sorted(self._breakers)

    def reset(self, key: str | None = None) -> None:
        """Forget one provider's breaker, or all of them."""
        with self._lock:
            if key is None:
                self._breakers.clear()
            else:
                self._breakers.pop(key, None)


#: The process-wide registry the ``llm_core.cooldown`` plugin uses.
COOLDOWNS = CooldownRegistry()
