"""The :class:`Observer`: calls the ``llm_core_on_*`` hooks of one plugin manager cheaply and
safely -- a hook only when some plugin observes it, each implementation on its own, and an
observer's exception as an :class:`ObserverWarning` (a broken metrics plugin never breaks a
request).

A plugin that is sometimes idle (a logger whose level is off) defines ``observes(hook_name) ->
bool``; or ``observes(*hook_names) -> bool``, asked once per group of hooks with the names of
those it implements, True when it observes any of them; or ``observes() -> bool`` when its
answer is the same for every hook (asked once per group). When every implementation of a hook
answers False, the hook is not called at all.
"""

from __future__ import annotations

import inspect
import warnings
from functools import partial
from typing import Any

from llm_core.call import Call

__all__ = ["ATTEMPT_HOOKS", "CALL_HOOKS", "WATCHED_HOOKS", "Observer", "ObserverWarning"]

_HOOKS = (
    "llm_core_on_call_start",
    "llm_core_on_call_end",
    "llm_core_on_request",
    "llm_core_on_response",
    "llm_core_on_retry",
    "llm_core_on_fallback",
    "llm_core_on_cache_hit",
    "llm_core_on_error",
)
CALL_HOOKS = ("llm_core_on_call_start", "llm_core_on_call_end")
ATTEMPT_HOOKS = ("llm_core_on_request", "llm_core_on_response", "llm_core_on_error")
#: What a Client asks about once when a call begins (``Call.observed``): its start and end, and
#: its attempts.
WATCHED_HOOKS = CALL_HOOKS + ATTEMPT_HOOKS


class ObserverWarning(UserWarning):
    """An observation hook implementation raised; the request went on without it."""


class Observer:
    """The observation hooks of one plugin manager, each called only when someone observes it."""

    def __init__(self, pm: Any) -> None:
        """``pm`` is the plugin manager (its ``state`` tells when plugins changed)."""
        self._pm = pm
        self._state = -1
        self._callers = {name: getattr(pm.hook, name) for name in _HOOKS}
        self._impls: dict[str, tuple[tuple[Any, Any], ...]] = {}
        #: per group of hooks: True when some plugin always observes one of them (it has no
        #: ``observes`` method), else the questions to ask, in order (each a callable, one per
        #: plugin and group: its ``observes`` with the group's hooks it implements bound, or
        #: the hook bound for each of them, or its hook-independent ``observes()``)
        self._asks: dict[tuple[str, ...], Any] = {}

    def _observers(self, hook: str) -> tuple[tuple[Any, Any], ...]:
        if self._state != self._pm.state:
            self._refresh()
        return self._impls[hook]

    def _refresh(self) -> None:
        self._impls = {
            name: tuple((i, getattr(i.plugin, "observes", None)) for i in c.get_hookimpls())
            for name, c in self._callers.items()
        }
        self._asks = {}
        self._state = self._pm.state

    def live(self, hook: str) -> bool:
        """Whether calling ``hook`` can do anything: some implementation observes it now."""
        return self._live_any((hook,))

    def _live_any(self, hooks: tuple[str, ...]) -> bool:
        if self._state != self._pm.state:
            self._refresh()  # the plugins changed
        asks = self._asks.get(hooks)
        if asks is None:
            asks = self._asks[hooks] = self._questions(hooks)
        if asks is True:
            return True
        for ask in asks:  # noqa: SIM110 - a loop, not any(): on every request
            if ask():
                return True
        return False

    def _questions(self, hooks: tuple[str, ...]) -> Any:
        mine: dict[Any, list[str]] = {}  # each plugin's observes: the group's hooks it has
        for hook in hooks:
            for _, observes in self._impls[hook]:
                if observes is None:
                    return True
                mine.setdefault(observes, []).append(hook)
        asks: list[Any] = []
        for observes, names in mine.items():
            form = _form(observes)
            if form == "each":
                asks.extend(partial(observes, hook) for hook in names)
            else:  # "group": the names at once; "any": one answer for every hook
                asks.append(partial(observes, *names) if form == "group" else observes)
        return tuple(asks)

    @property
    def live_calls(self) -> bool:
        """True when some plugin observes logical calls (their start or end)."""
        return self._live_any(CALL_HOOKS)

    @property
    def watching_calls(self) -> bool:
        """True when some plugin observes requests, responses or errors."""
        return self._live_any(ATTEMPT_HOOKS)

    @property
    def watching(self) -> bool:
        """True when some plugin observes a call's start or end or its attempts (a Client asks
        once per call, as the call begins: ``Call.observed``)."""
        return self._live_any(WATCHED_HOOKS)

    def emit(self, hook: str, **kwargs: Any) -> None:
        """Call every implementation of ``hook`` with the arguments it names."""
        if not self.live(hook):
            return
        impls = self._observers(hook)
        if any(impl.wrapper or impl.hookwrapper for impl, _ in impls):
            try:  # wrappers need pluggy's own call machinery; isolate the call as a whole
                self._callers[hook](**kwargs)
            except Exception as exc:
                _warn(hook, "a wrapper", exc)
            return
        for impl, _ in reversed(impls):  # pluggy's order: last registered first
            try:
                impl.function(*[kwargs[name] for name in impl.argnames])
            except Exception as exc:
                _warn(hook, repr(impl.plugin_name), exc)

    def on_request(self, call: Call, provider: str, model: str | None, request: Any) -> None:
        """Report an attempt about to be sent."""
        self.emit(
            "llm_core_on_request",
            call=call,
            provider=provider,
            model=model,
            request=request,
            attempt=call.attempt,
        )

    def on_response(self, call: Call, provider: str, model: str | None, response: Any) -> None:
        """Report an attempt that answered."""
        self.emit(
            "llm_core_on_response", call=call, provider=provider, model=model, response=response
        )

    def on_error(self, call: Call, provider: str, model: str | None, error: Any) -> None:
        """Report a failed attempt."""
        self.emit("llm_core_on_error", call=call, provider=provider, model=model, error=error)


def _form(observes: Any) -> str:
    """How a plugin's ``observes`` is asked: ``"each"`` hook by name, the ``"group"``'s names at
    once (``*hook_names``), or ``"any"`` hook (no name)."""
    try:
        params = inspect.signature(observes).parameters.values()
    except (TypeError, ValueError):  # a callable without a signature: ask per hook, as before
        return "each"
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return "group"
    return "each" if any(p.kind is not p.KEYWORD_ONLY for p in params) else "any"


def _warn(hook: str, who: str, exc: Exception) -> None:
    warnings.warn(
        f"observer {who} raised in {hook} ({type(exc).__name__}: {exc}); "
        "the request goes on without it",
        ObserverWarning,
        stacklevel=4,
    )
