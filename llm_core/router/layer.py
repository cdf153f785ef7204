"""The :class:`Router` layer: one logical provider over its deployments, written once as flows.

Per request it asks the :class:`~.policy.Policy` for an order (healthy first: not cooling
down, under its limits), takes a slot at the first deployment with room
(:class:`~.capacity.Capacity`, waiting up to ``router.queue_timeout`` when none has room:
:class:`~.errors.NoCapacityError`), and sends the request to that deployment's own stack
(cooldown, retry with ``router.attempts`` tries, observe). A failure moves on to the next
deployment by the fallback rules; a stream only until its first event. Latency (TTFT for a
stream) feeds the policy's EWMA.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from llm_core import errors as e
from llm_core.call import Call
from llm_core.layers import Flow, Layer, Opened, broke_off, reach
from llm_core.request import Request
from llm_core.resilience.ratelimit.policy import estimate_tokens
from llm_core.router.capacity import Capacity
from llm_core.router.deployments import Deployment
from llm_core.router.errors import NoCapacityError
from llm_core.router.policy import DeploymentStats, Policy
from llm_core.router.trail import RouterRun, label_of
from llm_core.types import Health, ModelInfo, Response

__all__ = ["Router"]

_CLOSED = {"state": "closed", "failures": 0, "retry_in": 0.0}


def _never() -> bool:
    return False


class Router(Layer):
    """Routes each request to one of ``deployments`` (``inner`` is the unused placeholder)."""

    io: Callable[..., Any]  # from the shell's SyncStateIO / AsyncStateIO

    def __init__(
        self,
        inner: Any,
        deployments: list[Deployment],
        settings: Any,
        capacity: Capacity,
        observer: Any,
        resolve: Callable[[Deployment], Any],
    ) -> None:
        super().__init__(inner)
        router = settings.router
        self.deployments, self.capacity, self.observer = deployments, capacity, observer
        self.policy = Policy(
            [DeploymentStats(d.weight, d.max_in_flight) for d in deployments],
            router.strategy,
            router.ewma_alpha,
            router.explore_every,
        )
        self.queue_timeout, self.on_auth = router.queue_timeout, settings.fallback_on_auth_errors
        self._adapters: list[Any] = [None] * len(deployments)
        self._cooldowns: list[Callable[[], dict[str, Any]]] = [dict] * len(deployments)
        self._refuses: list[Callable[[], bool]] = [_never] * len(deployments)
        self._resolve, self._lock = resolve, threading.Lock()

    @property
    def provider(self) -> str:
        """``router``."""
        return "router"

    @property
    def supports_tools(self) -> bool:
        """Whether any deployment's provider sends tools: a request with tools goes only to
        those (the others are skipped, recorded as NotSupportedError); the placeholder the
        router wraps says nothing about its deployments."""
        return any(reach(self.link(i), "supports_tools", False) for i in range(len(self._adapters)))

    def __repr__(self) -> str:
        names = ", ".join(label_of(d) for d in self.deployments)
        return f"{type(self).__name__}({self.policy.strategy}: {names})"

    def link(self, i: int) -> Any:
        """Deployment ``i``'s adapter stack, resolved through the hook on first use."""
        adapter = self._adapters[i]
        if adapter is None:
            with self._lock:
                adapter = self._adapters[i]
                if adapter is None:
                    adapter = self._resolve(self.deployments[i])
                    self._cooldowns[i] = reach(adapter, "cooldown_state", None) or dict
                    self._refuses[i] = reach(adapter, "cooldown_refuses", None) or _never
                    self._adapters[i] = adapter
        return adapter

    def _request(self, request: Request, d: Deployment) -> Request:
        model = d.own_model
        return request if model is None or model == request.model else request.with_model(model)

    def _tokens(self, request: Request) -> int:
        """The request's estimated tokens, when some deployment has a ``tpm`` budget."""
        return estimate_tokens(request) if self.capacity.counts_tokens else 0

    def _claim(self, run: RouterRun, call: Call, tokens: int) -> Flow[tuple[int, str]]:
        """A slot at the best untried deployment with room, waiting while none has any."""
        capacity = self.capacity
        if capacity.shared:  # (each step below is skipped unsent when it has nothing to do)
            yield from capacity.sync(self.io, self.policy)
        # Cooling: open, or half-open with its one probe in flight -- its breaker would refuse
        # the request unsent (a lock-free check per deployment; healthy ones have no breaker).
        for stats, refuses in zip(self.policy.stats, self._refuses, strict=True):
            stats.cooling = refuses()
        until, pause = None, 0.005
        while True:
            if run.order is None:  # once per request (and after each wait): failures move on
                run.order = self.policy.order()
            for i in run.order:
                if i in run.tried:
                    continue
                left = len(self.deployments) - len(run.tried) - 1
                if run.request is not None and run.skips(self.deployments[i], self.link(i), left):
                    continue  # a request with tools, a deployment without: skipped unsent
                member = (
                    (yield from capacity.take(self.io, i, tokens)) if capacity.leased[i] else ""
                )
                if member is not None:
                    run.claimed(self.deployments[i])
                    self.policy.started(i)
                    return i, member
            now, left = time.monotonic(), call.time_left
            if until is None:
                until = now + min(self.queue_timeout, self.queue_timeout if left is None else left)
            if now >= until:
                raise NoCapacityError(
                    f"no deployment of the router had room for {self.queue_timeout:g} s "
                    f"({', '.join(label_of(d) for d in self.deployments)})",
                    provider="router",
                    hint="Raise max_in_flight, rpm or tpm of the deployments, add deployments, "
                    "or raise router.queue_timeout.",
                )
            run.order = None
            yield self.sleep(min(pause, until - now))
            pause = min(pause * 2, 0.1)

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        run, tokens = RouterRun(call, self.observer, self.on_auth, request), self._tokens(request)
        while True:
            i, member = yield from self._claim(run, call, tokens)
            d, started, latency = self.deployments[i], time.perf_counter(), None
            try:
                response = yield from self.generate_of(
                    self.link(i), self._request(request, d), call
                )
                latency = time.perf_counter() - started
            except e.LLMError as exc:
                if tokens:
                    yield from self.capacity.settle(self.io, i, tokens, None)  # refund its tokens
                run.failed(d, exc, len(self.deployments) - len(run.tried))
                continue
            finally:
                self.policy.finished(i, latency)
                if member:
                    yield from self.capacity.release(self.io, i, member)
            if tokens:
                yield from self.capacity.settle(self.io, i, tokens, response)
            return run.answered(response, d)

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        run, tokens = RouterRun(call, self.observer, self.on_auth, request), self._tokens(request)
        while True:
            i, member = yield from self._claim(run, call, tokens)
            d, started = self.deployments[i], time.perf_counter()
            try:
                opened = yield from self.open_of(self.link(i), self._request(request, d), call)
            except BaseException as exc:
                self.policy.finished(i)
                yield from self.capacity.release(self.io, i, member)
                if not isinstance(exc, e.LLMError):
                    raise
                yield from self.capacity.settle(self.io, i, tokens, None)
                run.failed(d, exc, len(self.deployments) - len(run.tried))
                continue
            self.policy.measured(i, time.perf_counter() - started)  # time to the first event
            self._watch(opened, run, i, member, tokens)
            return opened

    def _watch(self, opened: Opened, run: RouterRun, i: int, member: str, tokens: int) -> None:
        def end(response: Response | None = None) -> None:
            self.policy.finished(i)
            self.capacity.release_soon(i, member)
            if response is not None:  # a stream that broke or was left keeps its estimate
                self.capacity.settle_soon(i, tokens, response)

        def failed(error: e.LLMError) -> e.LLMError:
            end()
            return broke_off(error, opened.text)

        opened.watch(
            done=lambda response: (end(response), run.answered(response, self.deployments[i])),
            failed=failed,
            closed=end,
        )

    def list_models_flow(self, call: Call) -> Flow[list[ModelInfo]]:
        error: e.LLMError | None = None
        for i in self.policy.order():
            adapter = self.link(i)
            try:
                if isinstance(adapter, Layer):
                    return (yield from adapter.list_models_flow(call))
                return (yield adapter.list_models())
            except e.LLMError as exc:
                error = exc
        raise error  # type: ignore[misc]

    def health_check_flow(self) -> Flow[Health]:
        started = time.perf_counter()
        figures = yield from self.capacity.figures(self.io, self.policy)
        rows = []
        for i, d in enumerate(self.deployments):
            try:
                health = yield self.link(i).health_check()
                ok, detail = health.ok, health.detail
            except e.LLMError as exc:
                ok, detail = False, exc.message
            cooldown = self._cooldowns[i]() or _CLOSED
            state = "cooldown" if cooldown["state"] == "open" else ("up" if ok else "down")
            rows.append(
                {"name": d.name, "provider": d.config.provider, "url": d.config.base_url}
                | {"state": state, **figures[i], "cooldown": cooldown, "detail": detail}
            )
        up = sum(row["state"] == "up" for row in rows)
        return Health(
            up > 0,
            "router",
            time.perf_counter() - started,
            detail=f"{up}/{len(rows)} deployments up ({self.policy.strategy})",
            extra={"deployments": rows},
        )

    def close_flow(self) -> Flow[None]:
        for adapter in [self.inner, *(a for a in self._adapters if a is not None)]:
            yield self.close_of(adapter)
