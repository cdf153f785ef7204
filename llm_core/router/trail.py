"""What one routed call went through: the deployments that failed, and its attempt trail.

Every :class:`~llm_core.types.Attempt` a deployment's retry layer records gets the deployment's
name (``Attempt.deployment``, so ``Attempt.label`` reads ``ollama:llama3.2@gpu-a:11434``). A
failure moves on to the next deployment by the fallback rules
(:func:`~llm_core.resilience.fallback.should_fall_back`); when none is left the call raises
:class:`~llm_core.router.errors.DeploymentsExhaustedError` listing each.
"""

from __future__ import annotations

from typing import Any

from llm_core import errors as e
from llm_core.layers import reach
from llm_core.resilience.fallback import should_fall_back
from llm_core.resilience.retry.policy import error_text
from llm_core.router.deployments import Deployment
from llm_core.router.errors import DeploymentsExhaustedError
from llm_core.tools.support import refuse_tools
from llm_core.types import Attempt, Response

__all__ = ["RouterRun", "label_of"]


def label_of(d: Deployment) -> str:
    """``provider[:model]@name``: how messages and hooks name a deployment."""
    return f"{d.config.label()}@{d.name}"


class RouterRun:
    """The routing state of one call (sans-IO)."""

    __slots__ = ("call", "failures", "observer", "on_auth", "order", "request", "tried")

    def __init__(self, call: Any, observer: Any, on_auth: bool, request: Any = None) -> None:
        self.call, self.observer, self.on_auth = call, observer, on_auth
        self.request = request if getattr(request, "tools", None) else None  # with tools only
        self.failures: list[tuple[Deployment, e.LLMError]] = []
        self.tried: set[int] = set()
        self.order: list[int] | None = None  # the policy's order for this request

    def skips(self, d: Deployment, adapter: Any, left: int) -> bool:
        """Whether ``d`` cannot take this request (tools to a provider without them): then it
        is skipped unsent and recorded as its NotSupportedError, as the fallback layer does;
        ``left`` deployments remain untried after it."""
        if self.request is None or reach(adapter, "supports_tools", False):
            return False
        try:
            refuse_tools(adapter, self.request, label_of(d))
        except e.NotSupportedError as exc:
            self.tried.add(d.index)
            self.failed(d, exc, left)
        return True

    def claimed(self, d: Deployment) -> None:
        """Deployment ``d`` gets the request now (after a failure: ``on_fallback``)."""
        self.tried.add(d.index)
        if self.failures:
            failed, error = self.failures[-1]
            self.observer.emit(
                "llm_core_on_fallback",
                call=self.call,
                failed=label_of(failed),
                error=error,
                next_provider=label_of(d),
            )

    def failed(self, d: Deployment, error: e.LLMError, left: int) -> None:
        """Record ``d``'s failure; raise when the call must stop or no deployment is left."""
        _tag(getattr(error, "attempts", None) or [], d.name)
        if not should_fall_back(error, self.on_auth):
            raise error
        self.failures.append((d, error))
        if left == 0:
            exhausted: e.LLMError = DeploymentsExhaustedError(
                [(label_of(f), err) for f, err in self.failures],
                provider="router",
                model=d.config.model,
            )
            if all(isinstance(err, e.NotSupportedError) for _, err in self.failures):
                why = "; ".join(f"{label_of(f)}: {err.message}" for f, err in self.failures)
                exhausted = e.NotSupportedError(
                    f"no deployment of the router can serve this: {why}",
                    provider="router",
                    model=d.config.model,
                    hint=error.hint,
                )
            exhausted.attempts = self._prior()  # type: ignore[attr-defined]
            raise exhausted from error

    def answered(self, response: Response, d: Deployment) -> Response:
        """Name ``d`` on the answer's attempts; list the failed deployments before them."""
        _tag(response.attempts, d.name)
        if self.failures:
            response.fallbacks = [
                _attempt(f, err, n) for n, (f, err) in enumerate(self.failures, 1)
            ]
            response.attempts = self._prior() + response.attempts
        return response

    def _prior(self) -> list[Attempt]:
        out: list[Attempt] = []
        for d, err in self.failures:
            out.extend(getattr(err, "attempts", None) or [_attempt(d, err, 1)])
        return out


def _attempt(d: Deployment, error: BaseException, number: int) -> Attempt:
    return Attempt(
        d.config.provider,
        number,
        error_text(error),
        type(error).__name__,
        model=d.config.model,
        deployment=d.name,
    )


def _tag(attempts: list[Attempt], name: str) -> None:
    for attempt in attempts:
        if attempt.deployment is None:
            attempt.deployment = name
