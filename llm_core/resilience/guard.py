"""The ``llm_core.cooldown`` plugin: skip a provider while its breaker is open.

It wraps each link of the chain (primary and fallbacks) outside the retry layer, so one call
with all its retries counts once. See :mod:`llm_core.resilience.cooldown` for the rules.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core.adapter import AsyncWrappingAdapter, WrappingAdapter
from llm_core.config import CooldownSettings, ProviderConfig
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.http_errors import redact_url
from llm_core.resilience.common import aclosing_events, closing_events, key_of, label_of
from llm_core.resilience.cooldown import COOLDOWNS, Admission, CooldownError, CooldownRegistry
from llm_core.types import Health, Request, Response, StreamEvent

__all__ = ["AsyncCooldownAdapter", "CooldownAdapter", "CooldownGate", "CooldownPlugin"]


class CooldownGate:
    """One provider's entry to the registry: admit a call or raise, then record its outcome."""

    __slots__ = ("config", "key", "label", "registry", "settings")

    def __init__(
        self, registry: CooldownRegistry, config: ProviderConfig, settings: CooldownSettings
    ) -> None:
        self.registry, self.config, self.settings = registry, config, settings
        self.key, self.label = key_of(config), label_of(config)

    def enter(self) -> Admission:
        """Admit a call, or raise :class:`CooldownError` while the provider cools down."""
        admission = self.registry.admit(self.key, self.settings)
        if admission.allowed:
            return admission
        if admission.retry_in > 0:
            why = f"skipped for {admission.retry_in:.1f} s more"
        else:
            why = "a probe call is already testing it"
        s = self.settings
        raise CooldownError(
            f"{self.label} failed {admission.failures} times within {s.window:g} s and is "
            f"cooling down: {why}",
            retry_in=admission.retry_in,
            provider=self.config.provider,
            model=self.config.model,
            url=redact_url(self.config.base_url) if self.config.base_url else None,
            hint="Check that the provider is up, or tune cooldown.failures, cooldown.window "
            "and cooldown.cooldown (0 disables the cooldown).",
        )

    def leave(
        self, admission: Admission, error: BaseException | None, finished: bool = True
    ) -> None:
        """Record how the admitted call ended."""
        self.registry.record(self.key, self.settings, admission, error, finished=finished)

    def state(self) -> dict[str, Any]:
        """This provider's breaker state (for ``Health.extra["cooldown"]``)."""
        return self.registry.state(self.key, self.settings)


class CooldownAdapter(WrappingAdapter):
    """Refuses calls while the provider cools down; records every call's outcome."""

    def __init__(self, inner: Any, gate: CooldownGate) -> None:
        super().__init__(inner)
        self.gate = gate

    def cooldown_state(self) -> dict[str, Any]:
        """This provider's breaker state."""
        return self.gate.state()

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        admission = self.gate.enter()
        try:
            response = self.inner.generate(request, deadline=deadline)
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:
            self.gate.leave(admission, None, finished=False)
            raise
        self.gate.leave(admission, None)
        return response

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        return self._stream(request, deadline)

    def _stream(self, request: Request, deadline: float | None) -> Iterator[StreamEvent]:
        admission, answered = self.gate.enter(), False
        try:
            with closing_events(iter(self.inner.stream(request, deadline=deadline))) as events:
                for event in events:
                    answered = True
                    yield event
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:  # closed or cancelled by the caller
            self.gate.leave(admission, None, finished=answered)
            raise
        self.gate.leave(admission, None)

    def health_check(self) -> Health:
        health = self.inner.health_check()
        health.extra["cooldown"] = self.gate.state()
        return health


class AsyncCooldownAdapter(AsyncWrappingAdapter):
    """The async twin of :class:`CooldownAdapter`."""

    def __init__(self, inner: Any, gate: CooldownGate) -> None:
        super().__init__(inner)
        self.gate = gate

    def cooldown_state(self) -> dict[str, Any]:
        """This provider's breaker state."""
        return self.gate.state()

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        admission = self.gate.enter()
        try:
            response = await self.inner.generate(request, deadline=deadline)
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:
            self.gate.leave(admission, None, finished=False)
            raise
        self.gate.leave(admission, None)
        return response

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        return self._stream(request, deadline)

    async def _stream(self, request: Request, deadline: float | None) -> AsyncIterator[StreamEvent]:
        admission, answered = self.gate.enter(), False
        try:
            async with aclosing_events(aiter(self.inner.stream(request, deadline=deadline))) as ev:
                async for event in ev:
                    answered = True
                    yield event
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:
            self.gate.leave(admission, None, finished=answered)
            raise
        self.gate.leave(admission, None)

    async def health_check(self) -> Health:
        health = await self.inner.health_check()
        health.extra["cooldown"] = self.gate.state()
        return health


class CooldownPlugin:
    """``llm_core.cooldown``: a breaker around each link (``registry`` injectable for tests)."""

    def __init__(self, registry: CooldownRegistry | None = None) -> None:
        self.registry = COOLDOWNS if registry is None else registry

    @hookimpl(wrapper=True)
    def llm_core_resolve_adapter(
        self, config: Any, settings: Any, is_async: bool, role: str
    ) -> Any:
        """Wrap each link unless ``settings.cooldown.cooldown`` is 0."""
        adapter = yield
        if adapter is None or settings.cooldown.cooldown == 0:
            return adapter
        gate = CooldownGate(self.registry, config, settings.cooldown)
        return (AsyncCooldownAdapter if is_async else CooldownAdapter)(adapter, gate)
