"""The ``llm_core.rate_limit`` plugin: requests and tokens per minute for a plain provider.

With ``settings.rate_limit.rpm`` or ``.tpm`` set, each link of the chain (the primary and each
fallback link, each with its own :class:`~.policy.Budget`) is wrapped in a :class:`RateLimit`
layer. It sits inside fallback and outside cooldown and retry (normal priority, registered
after ``llm_core.cooldown``): a call is charged once, whatever its retries, and a spent budget
is neither retried nor counted as the provider failing. A request over budget waits up to
``rate_limit.max_wait`` seconds (and never past the call's deadline) for it, then raises
:class:`~llm_core.errors.RateLimitedError`, and a fallback chain moves on to its next link.

The budget lives in the state store (``state.url``), so every process on it shares it; the
store is :class:`~llm_core.resilience.state.guard.Guarded` (or this process's memory), so a
store fault never fails a request: the budget is then kept in this process's memory until the
store answers again. A router's deployments are left alone: their ``rpm`` / ``tpm`` keys
(``rate_limit``'s by default) charge the same budgets in :mod:`llm_core.router.capacity`.
"""

from __future__ import annotations

from typing import Any

from llm_core.call import Call
from llm_core.errors import LLMError, RateLimitedError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.request import Request
from llm_core.resilience.ratelimit.policy import Budget, estimate_tokens
from llm_core.resilience.state.protocol import AsyncStateIO, SyncStateIO
from llm_core.router import ROUTER
from llm_core.types import Response

__all__ = ["AsyncRateLimitAdapter", "RateLimit", "RateLimitAdapter", "RateLimitPlugin"]

_UNITS = {"rpm": "requests per minute", "tpm": "tokens per minute"}


class RateLimit(Layer):
    """Charges each call to ``budget`` in ``store`` before it goes, corrects the tokens after."""

    io: Any  # from the shell's SyncStateIO / AsyncStateIO
    is_async = False

    def __init__(
        self, inner: Any, budget: Budget, store: Any, config: Any, max_wait: float
    ) -> None:
        super().__init__(inner)
        self.budget, self.store, self.link, self.max_wait = budget, store, config, max_wait

    def admit_flow(self, request: Any, call: Call) -> Flow[int]:
        """Charge one request and its estimated tokens, waiting while the budget is spent:
        the token cost charged, or :class:`RateLimitedError` when the wait would pass
        ``max_wait`` (or the call's deadline)."""
        budget = self.budget
        cost = budget.cost(estimate_tokens(request)) if budget.tpm is not None else 0
        waited = 0.0
        while True:
            wait, limit = yield from budget.charge(self.io, self.store, cost)
            if not wait:
                return cost
            left = self.max_wait - waited
            time_left = call.time_left
            if wait > (left if time_left is None else min(left, time_left)):
                raise self.over(limit, wait, cost)
            yield self.sleep(wait)
            waited += wait

    def over(self, limit: str, wait: float, cost: int) -> RateLimitedError:
        """The error of a spent ``limit`` that comes back in ``wait`` seconds."""
        config, value = self.link, getattr(self.budget, limit)
        what = f"{cost} estimated tokens" if limit == "tpm" else "one more request"
        what = "room for " + what
        return RateLimitedError(
            f"{config.label()} is over its rate limit rate_limit.{limit} = {value} "
            f"({_UNITS[limit]}): {what} in {wait:.2f} s, more than "
            f"rate_limit.max_wait = {self.max_wait:g} s",
            limit=limit,
            retry_after=wait,
            provider=config.provider,
            model=config.model,
            url=config.base_url,
            hint=f"Send fewer requests, raise rate_limit.{limit} or rate_limit.max_wait "
            f"(LLM_CORE_RATE_LIMIT__{limit.upper()}, LLM_CORE_RATE_LIMIT__MAX_WAIT), or add "
            "fallbacks to take the overflow.",
        )

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        cost = yield from self.admit_flow(request, call)
        try:
            response = yield from self.inner_generate(request, call)
        except LLMError:
            yield from self.budget.settle(self.io, self.store, cost, None)  # refund the tokens
            raise
        yield from self.budget.settle(self.io, self.store, cost, response)
        return response

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        cost = yield from self.admit_flow(request, call)
        try:
            opened = yield from self.open_inner(request, call)
        except LLMError:
            yield from self.budget.settle(self.io, self.store, cost, None)
            raise
        if self.budget.tpm is not None:  # a stream that breaks or is left keeps its estimate

            def done(response: Response) -> None:
                self.budget.settle_soon(self.store, self.is_async, cost, response)

            opened.watch(done=done)
        return opened


class RateLimitAdapter(RateLimit, SyncStateIO, LayerAdapter):
    """Sync shell of :class:`RateLimit`."""


class AsyncRateLimitAdapter(RateLimit, AsyncStateIO, AsyncLayerAdapter):
    """Async shell of :class:`RateLimit`."""

    is_async = True

    async def aclose(self) -> None:
        """Close the inner adapter, then wait for the token corrections still pending."""
        try:
            await super().aclose()
        finally:
            await self.budget.background.drain()


class RateLimitPlugin:
    """``llm_core.rate_limit``, built by the core with the process's state stores."""

    def __init__(self, states: Any) -> None:
        self.states = states

    @hookimpl(wrapper=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap the primary and each fallback link while ``settings.rate_limit`` sets a budget
        (not a router's deployments: their own ``rpm`` / ``tpm`` apply; not the router)."""
        adapter = yield
        limits = settings.rate_limit
        if (
            adapter is None
            or not limits.active
            or role == "deployment"
            or config.provider == ROUTER
        ):
            return adapter
        budget = Budget(settings.state.prefix, config.key(), limits.rpm, limits.tpm)
        store = self.states.get(settings)
        cls = AsyncRateLimitAdapter if is_async else RateLimitAdapter
        return cls(adapter, budget, store, config, limits.max_wait)
