"""Observation: the ``llm_core.observe`` plugin, and the :class:`Observer` every layer reports to.

:class:`Observer` calls the ``llm_core_on_*`` hooks cheaply and safely: a hook is called only when
some plugin observes it, each implementation is called on its own, and an observer's exception
becomes an :class:`ObserverWarning` -- a broken metrics plugin never breaks a request. A plugin
that is sometimes idle (a logger whose level is off) defines ``observes(hook_name) -> bool``;
when every implementation of a hook answers False, the hook is not called at all.

The ``llm_core.observe`` plugin wraps each bare adapter (innermost) and reports every attempt:
``on_request`` before it is sent, ``on_response`` when it answered (a stream: at its final
event), ``on_error`` when it failed, with the attempt number the retry layer keeps on the
:class:`~llm_core.types.Call`. Retry, fallback and cache report their own events.
"""

from __future__ import annotations

import warnings
from typing import Any

from llm_core.call import Call
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.request import Request
from llm_core.types import Response

__all__ = [
    "AsyncObservingAdapter",
    "ObservePlugin",
    "Observer",
    "ObserverWarning",
    "ObservingAdapter",
]

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
_CALL_HOOKS = ("llm_core_on_call_start", "llm_core_on_call_end")
_ATTEMPT_HOOKS = ("llm_core_on_request", "llm_core_on_response", "llm_core_on_error")


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
        #: ``observes`` method), else the (hook, observes) questions to ask, in order
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
            pairs = [(hook, o) for hook in hooks for _, o in self._impls[hook]]
            asks = self._asks[hooks] = any(o is None for _, o in pairs) or tuple(pairs)
        if asks is True:
            return True
        for hook, observes in asks:  # noqa: SIM110 - a loop, not any(): on every request
            if observes(hook):
                return True
        return False

    @property
    def live_calls(self) -> bool:
        """True when some plugin observes logical calls (their start or end)."""
        return self._live_any(_CALL_HOOKS)

    @property
    def watching_calls(self) -> bool:
        """True when some plugin observes requests, responses or errors."""
        return self._live_any(_ATTEMPT_HOOKS)

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


def _warn(hook: str, who: str, exc: Exception) -> None:
    warnings.warn(
        f"observer {who} raised in {hook} ({type(exc).__name__}: {exc}); "
        "the request goes on without it",
        ObserverWarning,
        stacklevel=4,
    )


class Observing(Layer):
    """Reports every attempt at the wrapped (bare) adapter."""

    def __init__(self, inner: Any, observer: Observer) -> None:
        super().__init__(inner)
        self.observer = observer

    def passes(self, request: Request) -> bool:
        """Nothing to do while no plugin observes attempts."""
        return not self.observer.watching_calls

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        obs = self.observer
        if not obs.watching_calls:
            return (yield from self.inner_generate(request, call))
        provider, model = self.provider, self.inner.model_for(request)
        obs.on_request(call, provider, model, request)
        try:
            response = yield from self.inner_generate(request, call)
        except LLMError as exc:
            obs.on_error(call, provider, model, exc)
            raise
        obs.on_response(call, provider, model, response)
        return response

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        obs = self.observer
        if not obs.watching_calls:
            return (yield from self.open_inner(request, call))
        provider, model = self.provider, self.inner.model_for(request)
        obs.on_request(call, provider, model, request)
        try:
            opened = yield from self.open_inner(request, call)
        except LLMError as exc:
            obs.on_error(call, provider, model, exc)
            raise
        opened.watch(
            done=lambda response: obs.on_response(call, provider, model, response),
            failed=lambda error: obs.on_error(call, provider, model, error),
        )
        return opened

    def list_models_flow(self, call: Call) -> Flow[Any]:
        try:
            return (yield from self.inner_list_models(call))
        except LLMError as exc:
            self.observer.on_error(call, self.provider, None, exc)
            raise


class ObservingAdapter(Observing, LayerAdapter):
    """Sync shell of :class:`Observing`."""


class AsyncObservingAdapter(Observing, AsyncLayerAdapter):
    """Async shell of :class:`Observing`."""


class ObservePlugin:
    """``llm_core.observe``: wraps each bare adapter to report its attempts (block it to stop)."""

    def __init__(self, observer: Observer) -> None:
        self.observer = observer

    @hookimpl(wrapper=True, trylast=True)
    def llm_core_resolve_adapter(self, is_async: bool) -> Any:
        """Wrap the bare adapter that resolution built."""
        adapter = yield
        if adapter is None:
            return None
        cls = AsyncObservingAdapter if is_async else ObservingAdapter
        return cls(adapter, self.observer)
