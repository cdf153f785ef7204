"""Observation: calling the ``llm_core_on_*`` hooks cheaply and safely.

:class:`Observer` calls each observation hook only when some plugin implements it (one list
check otherwise), calls every implementation on its own, and turns an observer's exception into
an :class:`ObserverWarning`: a broken logging or metrics plugin never breaks a request.

The ``llm_core.observe`` plugin (:mod:`.observing`) reports each attempt at the bare adapter;
retry, fallback and cache report ``on_retry``, ``on_fallback`` and ``on_cache_hit`` themselves.
"""

from __future__ import annotations

import logging
import warnings
from contextvars import ContextVar
from typing import Any

import pluggy

from llm_core.types import Request, Response

__all__ = ["ATTEMPT", "Observer", "ObserverWarning", "observer"]

#: The attempt number the retry layer is on (1 outside any retry layer).
ATTEMPT: ContextVar[int] = ContextVar("llm_core_attempt", default=1)


class ObserverWarning(UserWarning):
    """An observation hook implementation raised; the request went on without it."""


class Observer:
    """The observation hooks of one plugin manager, each called only when implemented."""

    __slots__ = ("_cache_hit", "_error", "_fallback", "_request", "_response", "_retry")

    def __init__(self, pm: pluggy.PluginManager) -> None:
        hook = pm.hook
        self._request = hook.llm_core_on_request
        self._response = hook.llm_core_on_response
        self._retry = hook.llm_core_on_retry
        self._fallback = hook.llm_core_on_fallback
        self._cache_hit = hook.llm_core_on_cache_hit
        self._error = hook.llm_core_on_error

    @property
    def watching_calls(self) -> bool:
        """True when some plugin observes requests, responses or errors."""
        return (
            _live(self._request, _DEBUG)
            or _live(self._response, _DEBUG)
            or _live(self._error, _INFO)
        )

    def on_request(self, provider: str, model: str | None, request: Request, attempt: int) -> None:
        """Report a request about to be sent."""
        if _live(self._request, _DEBUG):
            _emit(self._request, provider, model, request, attempt)

    def on_response(self, provider: str, model: str | None, response: Response) -> None:
        """Report a finished response."""
        if _live(self._response, _DEBUG):
            _emit(self._response, provider, model, response)

    def on_retry(
        self, provider: str, model: str | None, attempt: int, error: BaseException, wait: float
    ) -> None:
        """Report a retry about to wait ``wait`` seconds."""
        if _live(self._retry, _WARNING):
            _emit(self._retry, provider, model, attempt, error, wait)

    def on_fallback(self, failed: str, error: BaseException, next_provider: str) -> None:
        """Report a fallback to the next provider of the chain."""
        if _live(self._fallback, _WARNING):
            _emit(self._fallback, failed, error, next_provider)

    def on_cache_hit(self, provider: str, model: str | None, kind: str) -> None:
        """Report a cache hit (``kind``: ``response`` or ``models``)."""
        if _live(self._cache_hit, _DEBUG):
            _emit(self._cache_hit, provider, model, kind)

    def on_error(self, provider: str, model: str | None, error: BaseException) -> None:
        """Report a failed call."""
        if _live(self._error, _INFO):
            _emit(self._error, provider, model, error)


_DEBUG, _INFO, _WARNING = logging.DEBUG, logging.INFO, logging.WARNING


def _live(caller: Any, level: int) -> bool:
    """Whether calling the hook can do anything: some implementation, and not only the logging
    plugin with its level switched off (the default), whose calls would cost ~15 µs per request
    for nothing."""
    impls = caller._hookimpls
    if not impls:
        return False
    if len(impls) == 1 and impls[0].plugin_name == "llm_core.logging":
        return impls[0].plugin.log.isEnabledFor(level)
    return True


def _emit(caller: Any, *args: Any) -> None:
    """Call each implementation on its own; ``args`` in the order of the hookspec.

    ``caller._hookimpls`` is only read (for the empty check, the hot path when nobody
    observes); the implementations called are a copy, safe against plugins registered meanwhile.
    """
    impls = caller.get_hookimpls()
    names = caller.spec.argnames
    if impls[-1].wrapper or impls[-1].hookwrapper:  # pluggy keeps wrappers last
        try:  # wrappers need pluggy's own call machinery; isolate the call as a whole
            caller(**dict(zip(names, args, strict=True)))
        except Exception as exc:
            _warn(caller.name, "a wrapper", exc)
        return
    for impl in reversed(impls):  # pluggy's order: last registered first
        try:
            if impl.argnames == names:
                impl.function(*args)
            else:  # an implementation may take a subset of the arguments, by name
                given = dict(zip(names, args, strict=True))
                impl.function(*[given[name] for name in impl.argnames])
        except Exception as exc:
            _warn(caller.name, repr(impl.plugin_name), exc)


def _warn(hook: str, who: str, exc: Exception) -> None:
    warnings.warn(
        f"observer {who} raised in {hook} ({type(exc).__name__}: {exc}); "
        "the request goes on without it",
        ObserverWarning,
        stacklevel=4,
    )


_observers: dict[int, Observer] = {}


def observer(pm: pluggy.PluginManager | None = None) -> Observer:
    """The Observer of ``pm`` (default: the process-wide plugin manager), built once."""
    if pm is None:
        from llm_core.plugins import get_plugin_manager

        pm = get_plugin_manager()
    found = _observers.get(id(pm))
    if found is None or found._request is not pm.hook.llm_core_on_request:
        found = _observers[id(pm)] = Observer(pm)
    return found
