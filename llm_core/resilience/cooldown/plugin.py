"""The ``llm_core.cooldown`` plugin: skip a provider while its breaker is open.

It wraps each link of the chain (primary and fallbacks) outside the retry layer, so one call
with all its retries counts once. The rules are in :mod:`.breaker`.
"""

from __future__ import annotations

from typing import Any

from llm_core.call import Call
from llm_core.config import CooldownSettings, ProviderConfig
from llm_core.errors import LLMError
from llm_core.hookspecs import hookimpl
from llm_core.layers import AsyncLayerAdapter, Flow, Layer, LayerAdapter, Opened
from llm_core.request import Request
from llm_core.resilience.cooldown.breaker import (
    COOLDOWNS,
    Admission,
    CooldownError,
    CooldownRegistry,
)
from llm_core.resilience.cooldown.shared import SharedCooldowns
from llm_core.resilience.state.protocol import AsyncStateIO, SyncStateIO
from llm_core.types import Health, Response

__all__ = ["AsyncCooldownAdapter", "Cooldown", "CooldownAdapter", "CooldownGate", "CooldownPlugin"]


class CooldownGate:
    """One provider's entry to the registry: admit a call or raise, then record its outcome."""

    __slots__ = ("config", "key", "label", "registry", "settings", "shared")

    def __init__(
        self,
        registry: CooldownRegistry,
        config: ProviderConfig,
        settings: CooldownSettings,
        shared: SharedCooldowns | None = None,
    ) -> None:
        self.registry, self.config, self.settings = registry, config, settings
        self.key, self.label, self.shared = config.key(), config.label(), shared

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
            url=self.config.base_url,
            hint="Check that the provider is up, or tune cooldown.failures, cooldown.window "
            "and cooldown.cooldown (0 disables the cooldown).",
        )

    def leave(
        self, admission: Admission, error: BaseException | None, finished: bool = True
    ) -> None:
        """Record how the admitted call ended (and publish a breaker that opened or closed)."""
        turned = self.registry.record(self.key, self.settings, admission, error, finished=finished)
        if turned is not None and self.shared is not None:
            failures = self.registry.state(self.key, self.settings)["failures"]
            left = self.settings.cooldown if turned == "open" else 0.0
            self.shared.publish(self.key, left, failures)

    def state(self) -> dict[str, Any]:
        """This provider's breaker state (for ``Health.extra["cooldown"]``)."""
        return self.registry.state(self.key, self.settings)

    def refuses(self) -> bool:
        """Whether a call would be refused now (open, or its half-open probe in flight)."""
        return self.registry.refuses(self.key, self.settings)


class Cooldown(Layer):
    """Refuses calls while the provider cools down; records every call's outcome."""

    def __init__(self, inner: Any, gate: CooldownGate) -> None:
        super().__init__(inner)
        self.gate = gate

    def cooldown_state(self) -> dict[str, Any]:
        """This provider's breaker state."""
        return self.gate.state()

    def cooldown_refuses(self) -> bool:
        """Whether the next call would be refused without being sent (the router skips it)."""
        return self.gate.refuses()

    def enter_flow(self) -> Flow[Admission]:
        """Adopt what other processes published (now and then), then admit the call."""
        gate, shared = self.gate, self.gate.shared
        if shared is not None and shared.due(gate.key):
            seen = shared.decode((yield self.io(shared.store, "get", shared.prefix + gate.key)))
            if seen is not None:
                gate.registry.adopt(gate.key, gate.settings, *seen)
        return gate.enter()

    def generate_flow(self, request: Request, call: Call) -> Flow[Response]:
        gate = self.gate  # no store to read (the usual case): admitted without a flow
        admission = gate.enter() if gate.shared is None else (yield from self.enter_flow())
        try:
            response = yield from self.generate_of(self.inner, request, call)
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:  # cancelled or interrupted: no verdict
            self.gate.leave(admission, None, finished=False)
            raise
        self.gate.leave(admission, None)
        return response

    def stream_flow(self, request: Request, call: Call) -> Flow[Opened]:
        admission = yield from self.enter_flow()
        try:
            opened = yield from self.open_inner(request, call)
        except LLMError as exc:
            self.gate.leave(admission, exc)
            raise
        except BaseException:
            self.gate.leave(admission, None, finished=False)
            raise

        def failed(error: LLMError) -> None:
            self.gate.leave(admission, error)

        opened.watch(
            done=lambda _response: self.gate.leave(admission, None),
            failed=failed,
            closed=lambda: self.gate.leave(admission, None),  # it answered, then the caller left
        )
        return opened

    def health_check_flow(self) -> Flow[Health]:
        health = yield self.inner.health_check()
        health.extra["cooldown"] = self.gate.state()
        return health


class CooldownAdapter(Cooldown, SyncStateIO, LayerAdapter):
    """Sync shell of :class:`Cooldown`."""


class AsyncCooldownAdapter(Cooldown, AsyncStateIO, AsyncLayerAdapter):
    """Async shell of :class:`Cooldown`."""

    async def aclose(self) -> None:
        """Close the chain, then wait for (or cancel) this loop's pending publications."""
        try:
            await super().aclose()
        finally:
            if self.gate.shared is not None:
                await self.gate.shared.drain()


class CooldownPlugin:
    """``llm_core.cooldown``: a breaker around each link (``registry`` injectable for tests);
    with a shared ``state.url``, breakers are shared through ``states`` (:mod:`.shared`)."""

    def __init__(self, registry: CooldownRegistry | None = None, states: Any = None) -> None:
        self.registry = COOLDOWNS if registry is None else registry
        self.states = states
        self._shared: dict[int, SharedCooldowns] = {}

    @hookimpl(wrapper=True)
    def llm_core_resolve_adapter(self, config: Any, settings: Any, is_async: bool) -> Any:
        """Wrap each link unless ``settings.cooldown.cooldown`` is 0."""
        adapter = yield
        if adapter is None or settings.cooldown.cooldown == 0:
            return adapter
        gate = CooldownGate(self.registry, config, settings.cooldown, self._shared_of(settings))
        return (AsyncCooldownAdapter if is_async else CooldownAdapter)(adapter, gate)

    def _shared_of(self, settings: Any) -> SharedCooldowns | None:
        if self.states is None or not self.states.shared(settings):
            return None
        store = self.states.get(settings)
        found = self._shared.get(id(store))
        if found is None:
            state = settings.state
            found = self._shared[id(store)] = SharedCooldowns(
                store, state.prefix, state.sync_interval, max(4 * state.timeout, 0.5)
            )
        return found
