"""The adapter contract: what every provider implements, as sync and async twins.

An adapter serves one provider config. ``generate`` returns a :class:`~llm_core.types.Response`;
``stream`` returns a generator of :class:`~llm_core.types.StreamEvent` whose last event has
``done=True`` and the finished Response; closing the generator early must release the
connection (or stop the in-process generation) at once. ``deadline`` is an absolute
``time.monotonic()`` instant the call must not outlive (None: only the per-phase timeouts).

Adapters never retry on their own: the core's retry layer is the only one. They translate every
failure into the :mod:`llm_core.errors` tree.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from llm_core.config import ProviderConfig
from llm_core.errors import ConfigurationError, ValidationError
from llm_core.types import Health, ModelInfo, Request, Response, StreamEvent

__all__ = ["Adapter", "AsyncAdapter", "ProviderOptions", "WrappingAdapter", "AsyncWrappingAdapter"]


class ProviderOptions(BaseModel):
    """Base for a provider's options model: unknown names are errors, never silently dropped."""

    # Built on first validation, not at import: most requests carry no options.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class _AdapterBase:
    """What sync and async adapters share: name, config, option validation."""

    #: Registered provider name (set by each adapter class).
    provider: ClassVar[str] = ""
    #: The provider's options model; None means the provider takes no options.
    options_model: ClassVar[type[ProviderOptions] | None] = None

    def __init__(self, config: ProviderConfig) -> None:
        self.config = config
        self.default_options = self._check_options(config.options, ConfigurationError)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(provider={self.provider!r}, model={self.config.model!r})"

    def model_for(self, request: Request) -> str | None:
        """The model a request should run on: its own, else the configured one."""
        return request.model or self.config.model

    def options_for(self, request: Request) -> dict[str, Any]:
        """Configured options overlaid with the request's, validated by ``options_model``."""
        if not request.options:
            return self.default_options
        return {**self.default_options, **self._check_options(request.options, ValidationError)}

    def _check_options(self, options: dict[str, Any], error: type[Exception]) -> dict[str, Any]:
        if not options:
            return {}
        if self.options_model is None:
            raise error(
                f"provider {self.provider!r} takes no options, got {sorted(options)}",
                provider=self.provider,
            )
        import pydantic

        try:
            parsed = self.options_model.model_validate(options)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            name = ".".join(str(p) for p in first["loc"])
            valid = ", ".join(sorted(self.options_model.model_fields))
            if first["type"] == "extra_forbidden":
                message = f"unknown option {name!r} for provider {self.provider!r}"
            else:
                message = f"invalid option {name} = {first.get('input')!r}: {first['msg']}"
            raise error(message, provider=self.provider, hint=f"Valid options: {valid}.") from None
        return parsed.model_dump(exclude_unset=True)


class Adapter(_AdapterBase, ABC):
    """A synchronous provider adapter."""

    @abstractmethod
    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        """Run the request to completion."""

    @abstractmethod
    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        """Yield text deltas, then a final ``done`` event carrying the Response."""

    @abstractmethod
    def list_models(self) -> list[ModelInfo]:
        """The models this provider can serve."""

    @abstractmethod
    def health_check(self) -> Health:
        """Whether the provider answers; never raises for an unreachable server."""

    def close(self) -> None:
        """Release connections and other resources."""

    def __enter__(self) -> Adapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAdapter(_AdapterBase, ABC):
    """An asynchronous provider adapter (the twin of :class:`Adapter`)."""

    @abstractmethod
    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        """Run the request to completion."""

    @abstractmethod
    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        """An async generator of text deltas, then a final ``done`` event with the Response."""

    @abstractmethod
    async def list_models(self) -> list[ModelInfo]:
        """The models this provider can serve."""

    @abstractmethod
    async def health_check(self) -> Health:
        """Whether the provider answers; never raises for an unreachable server."""

    async def aclose(self) -> None:
        """Release connections and other resources."""

    async def __aenter__(self) -> AsyncAdapter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class _Delegating:
    """Delegates name, config and options to the wrapped adapter."""

    inner: Any

    @property
    def provider(self) -> str:  # type: ignore[override]
        return self.inner.provider

    @property
    def config(self) -> ProviderConfig:
        return self.inner.config

    def model_for(self, request: Request) -> str | None:
        return self.inner.model_for(request)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.inner!r})"

    def __getattr__(self, name: str) -> Any:
        # Provider-specific extras (pull, load, ...) stay reachable through the wrappers.
        if name == "inner":
            raise AttributeError(name)
        return getattr(self.inner, name)


class WrappingAdapter(_Delegating, Adapter):
    """A sync adapter that wraps another one; override what you change (retry, cache, ...)."""

    def __init__(self, inner: Adapter) -> None:
        self.inner = inner

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        return self.inner.generate(request, deadline=deadline)

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        return self.inner.stream(request, deadline=deadline)

    def list_models(self) -> list[ModelInfo]:
        return self.inner.list_models()

    def health_check(self) -> Health:
        return self.inner.health_check()

    def close(self) -> None:
        self.inner.close()


class AsyncWrappingAdapter(_Delegating, AsyncAdapter):
    """An async adapter that wraps another one; override what you change."""

    def __init__(self, inner: AsyncAdapter) -> None:
        self.inner = inner

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        return await self.inner.generate(request, deadline=deadline)

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        return self.inner.stream(request, deadline=deadline)

    async def list_models(self) -> list[ModelInfo]:
        return await self.inner.list_models()

    async def health_check(self) -> Health:
        return await self.inner.health_check()

    async def aclose(self) -> None:
        await self.inner.aclose()
