"""The ``llm_core.fallback`` plugin: try the providers of ``settings.fallbacks`` in order.

It wraps only the primary (``role="primary"``); each link is resolved through the same hook
with ``role="fallback"`` the first time it is needed (an unknown provider name fails at once),
so every link gets its own retry and cooldown layers, and the chain moves on only once a link's
retries are exhausted. Without fallbacks it adds nothing.

- Falls back on any provider failure (connection, timeout, 5xx, 429, model not found, invalid
  answer, cooldown) and past a link whose plugin is broken (PluginError); not on a
  ValidationError or ConfigurationError (the request itself is wrong), not on the caller's total
  deadline, and not on an AuthenticationError unless ``settings.fallback_on_auth_errors``.
- A link with its own ``model`` runs the request on that model; a link without one keeps the
  request's model, and serves the primary's configured model when the request names none.
- Streams fall back only before their first event has reached the caller.
- A request with tools skips a link whose adapter says ``supports_tools = False``, recorded as
  that link's NotSupportedError; a chain where every link failed so raises NotSupportedError.
- Embeddings fall back only to a link on the same model as the primary; another is skipped as
  failed with :class:`~llm_core.errors.EmbeddingMismatchError` (vectors are never mixed).
- ``Response.fallbacks`` lists the links that failed before one answered; ``Response.attempts``
  every attempt at every link. FallbackExhaustedError lists each link with its error.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from llm_core import errors as e
from llm_core.call import Call
from llm_core.embeddings.plan import same_space
from llm_core.hookspecs import hookimpl
from llm_core.layers import (
    AsyncLayerAdapter,
    Flow,
    Layer,
    LayerAdapter,
    Opened,
    broke_off,
    reach,
)
from llm_core.request import Request
from llm_core.resilience.observe import Observer
from llm_core.resilience.retry.policy import error_text
from llm_core.tools.support import refuse_tools
from llm_core.types import Attempt, Health, Response

__all__ = [
    "AsyncFallbackAdapter",
    "Fallback",
    "FallbackAdapter",
    "FallbackPlugin",
    "FallbackRun",
    "should_fall_back",
]


def should_fall_back(error: BaseException, on_auth_errors: bool = False) -> bool:
    """Whether the next provider of the chain should get the request after ``error``."""
    if isinstance(error, e.TimeoutError) and error.phase == "deadline":
        return False
    if isinstance(error, e.AuthenticationError):
        return on_auth_errors
    if isinstance(error, e.PluginError):  # a link whose plugin is broken: the next may serve
        return True
    return isinstance(error, e.ProviderError)


class FallbackRun:
    """The fallback state of one call (sans-IO): which links failed, with what."""

    __slots__ = ("call", "chain", "failed_links", "failures")

    def __init__(self, chain: Fallback, call: Call) -> None:
        self.chain, self.call = chain, call
        self.failures: list[tuple[str, BaseException]] = []
        self.failed_links: list[Any] = []  # the config of each failed link

    def failed(self, index: int, error: e.LLMError) -> None:
        """Record link ``index``'s failure; raise when the chain must stop or is exhausted."""
        chain = self.chain
        if not should_fall_back(error, chain.on_auth):
            raise error
        label = chain.labels[index]
        self.failures.append((label, error))
        self.failed_links.append(chain.configs[index])
        if index + 1 < len(chain.labels):
            chain.observer.emit(
                "llm_core_on_fallback",
                call=self.call,
                failed=label,
                error=error,
                next_provider=chain.labels[index + 1],
            )
            self.call.link, self.call.attempt = index + 1, 1
            return
        exhausted: e.LLMError = e.FallbackExhaustedError(self.failures)
        if all(isinstance(err, e.NotSupportedError) for _, err in self.failures):
            why = "; ".join(f"{n}: {getattr(x, 'message', x)}" for n, x in self.failures)
            exhausted = e.NotSupportedError(f"no provider can serve this: {why}", hint=error.hint)
        exhausted.attempts = self._prior_attempts()  # type: ignore[attr-defined]
        raise exhausted from error

    def answered(self, response: Response) -> Response:
        """Fill ``response.fallbacks`` and prepend the failed links' attempts."""
        if self.failures:
            response.fallbacks = [
                Attempt(link.provider, i, error_text(err), type(err).__name__, model=link.model)
                for i, (link, (_, err)) in enumerate(
                    zip(self.failed_links, self.failures, strict=True), 1
                )
            ]
            response.attempts = self._prior_attempts() + response.attempts
        return response

    def _prior_attempts(self) -> list[Attempt]:
        out: list[Attempt] = []
        for link, (_, err) in zip(self.failed_links, self.failures, strict=True):
            out.extend(
                getattr(err, "attempts", None)
                or [
                    Attempt(link.provider, 1, error_text(err), type(err).__name__, model=link.model)
                ]
            )
        return out


class Fallback(Layer):
    """Tries each link of the chain in order until one answers; links are built on first use."""

    def __init__(
        self,
        inner: Any,
        config: Any,
        settings: Any,
        observer: Observer,
        resolve: Callable[[Any], Any],
    ) -> None:
        super().__init__(inner)
        # A link without its own model serves the primary's (Client(model=...) included).
        links = [
            c if c.model else c.model_copy(update={"model": config.model})
            for c in settings.fallbacks
        ]
        self.configs = [config, *links]
        self.labels = [c.label() for c in self.configs]
        self.models = [None, *(c.model for c in settings.fallbacks)]
        self.on_auth, self.observer = settings.fallback_on_auth_errors, observer
        self._adapters: list[Any] = [inner] + [None] * len(settings.fallbacks)
        self._resolve, self._lock = resolve, threading.Lock()

    def link(self, index: int) -> Any:
        """The adapter of link ``index``, resolved through the hook on first use (a link that
        is never needed costs no connection pool)."""
        adapter = self._adapters[index]
        if adapter is None:
            with self._lock:
                adapter = self._adapters[index]
                if adapter is None:
                    adapter = self._adapters[index] = self._resolve(self.configs[index])
        return adapter

    def _request(self, request: Request, index: int) -> Request:
        model = self.models[index]
        linked = request if model is None or model == request.model else request.with_model(model)
        if index and getattr(request, "operation", None) == "embed":  # never another vector space
            primary = self.inner.model_for(request)
            same_space(primary, self.link(index).model_for(linked), self.labels[index])
        return linked

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        run = FallbackRun(self, call)
        for i in range(len(self.labels)):
            try:
                link, link_request = self.link(i), self._request(request, i)
                refuse_tools(link, link_request, self.labels[i])
                response = yield from self.generate_of(link, link_request, call)
            except e.LLMError as exc:
                run.failed(i, exc)
                continue
            return run.answered(response)
        raise AssertionError("unreachable: FallbackRun raises when the chain is exhausted")

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        run = FallbackRun(self, call)
        for i in range(len(self.labels)):
            try:
                link, link_request = self.link(i), self._request(request, i)
                refuse_tools(link, link_request, self.labels[i])
                opened = yield from self.open_of(link, link_request, call)
            except e.LLMError as exc:
                run.failed(i, exc)
                continue
            opened.watch(done=run.answered, failed=lambda error, o=opened: broke_off(error, o.text))
            return opened
        raise AssertionError("unreachable: FallbackRun raises when the chain is exhausted")

    def health_check_flow(self) -> Flow[Health]:
        health = yield self.inner.health_check()
        health.extra["fallbacks"] = [
            {
                "provider": self.labels[i],
                "cooldown": reach(self.link(i), "cooldown_state", dict)(),
            }
            for i in range(1, len(self.labels))
        ]
        return health

    def close_flow(self) -> Flow[None]:
        for adapter in [a for a in self._adapters if a is not None]:
            yield self.close_of(adapter)


class FallbackAdapter(Fallback, LayerAdapter):
    """Sync shell of :class:`Fallback`."""


class AsyncFallbackAdapter(Fallback, AsyncLayerAdapter):
    """Async shell of :class:`Fallback`."""


class FallbackPlugin:
    """``llm_core.fallback``: wraps the primary in a chain with ``settings.fallbacks``.

    Built by the core with what it needs: the resolve hook (to build each link), the provider
    registry (to refuse an unknown link at once) and the observer.
    """

    def __init__(self, resolve: Any, providers: Any, observer: Observer) -> None:
        self.resolve, self.providers, self.observer = resolve, providers, observer

    @hookimpl(wrapper=True, tryfirst=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Chain the fallback links (each resolved with ``role="fallback"`` on first use)."""
        adapter = yield
        if adapter is None or role != "primary" or not settings.fallbacks:
            return adapter
        for link in settings.fallbacks:
            self.providers.get(link.provider)  # an unknown provider fails now, not later

        def resolve(link: Any) -> Any:
            return self.resolve(config=link, settings=settings, is_async=is_async, role="fallback")

        cls = AsyncFallbackAdapter if is_async else FallbackAdapter
        return cls(adapter, config, settings, self.observer, resolve)
