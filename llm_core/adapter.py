"""The adapter contract: what every provider implements, as sync and async twins.

An adapter serves one provider config. ``generate`` returns a :class:`~llm_core.types.Response`;
``stream`` returns a generator of :class:`~llm_core.types.StreamEvent` whose last event has
``done=True`` and the finished Response; closing the generator early must release the
connection (or stop the in-process generation) at once. ``deadline`` is an absolute
``time.monotonic()`` instant the call must not outlive (None: only the per-phase timeouts).

Adapters never retry on their own: the core's retry layer is the only one. They translate every
failure into the :mod:`llm_core.errors` tree.

An HTTP provider need not write these classes: it writes one
:class:`~llm_core.http.HTTPProtocol` and the core provides both adapters. Wrappers of adapters
(retry, rate limits) are :class:`~llm_core.layers.Layer` subclasses.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Iterator
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from llm_core.checks import check_json
from llm_core.config import ProviderConfig
from llm_core.errors import ConfigurationError, NotSupportedError, ValidationError
from llm_core.request import Request
from llm_core.structured.prompt import with_json_instruction
from llm_core.types import Health, ModelInfo, Response, StreamEvent

__all__ = ["Adapter", "AdapterBase", "AsyncAdapter", "ProviderOptions", "with_json_instruction"]


class ProviderOptions(BaseModel):
    """Base for a provider's options model: unknown names are errors, never silently dropped."""

    # Built on first validation, not at import: most requests carry no options.
    # strict: num_ctx=True or "8" is a mistake to name, not a value to coerce.
    model_config = ConfigDict(extra="forbid", defer_build=True, strict=True)


class AdapterBase:
    """What sync and async adapters share: name, config, option validation, model choice.

    ``self.default_options`` holds the configured options, validated once at construction;
    ``options_for(request)`` overlays a request's options on them.
    """

    #: Registered provider name (set by each adapter class).
    provider: ClassVar[str] = ""
    #: The provider's options model; None means the provider takes no options.
    options_model: ClassVar[type[ProviderOptions] | None] = None
    #: Whether the provider sends ``Request.tools`` and parses the model's tool calls. A request
    #: with tools never reaches a provider that says False (fallback skips it, saying why).
    supports_tools: ClassVar[bool] = False
    #: Why a provider without tool support has none and what to use instead (the hint of the
    #: NotSupportedError a request with tools gets); None: a generic hint.
    tools_hint: ClassVar[str | None] = None

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
            check_json("options", options)
        except ValidationError as exc:
            raise error(exc.message, provider=self.provider, hint=exc.hint) from None
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

    #: Why this provider has no embeddings, and what to use instead (None: the generic hint).
    embed_hint: ClassVar[str | None] = None

    def embed_unsupported(self, model: str | None = None) -> NotSupportedError:
        """The error of an adapter that has no ``embed`` (the contract's default)."""
        return NotSupportedError(
            f"provider {self.provider!r} does not support embeddings",
            provider=self.provider,
            model=model,
            hint=self.embed_hint
            or "Use a provider that embeds (ollama, openai, lmstudio): llm-core providers.",
        )


class Adapter(AdapterBase, ABC):
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

    def embed(self, request: Any, *, deadline: float | None = None) -> Any:
        """Embed ``request.texts`` (an EmbedRequest) into Embeddings; default: not supported."""
        raise self.embed_unsupported(request.model or self.config.model)

    def close(self) -> None:
        """Release connections and other resources."""

    def __enter__(self) -> Adapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncAdapter(AdapterBase, ABC):
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

    async def embed(self, request: Any, *, deadline: float | None = None) -> Any:
        """Embed ``request.texts`` (an EmbedRequest) into Embeddings; default: not supported."""
        raise self.embed_unsupported(request.model or self.config.model)

    async def aclose(self) -> None:
        """Release connections and other resources."""

    async def __aenter__(self) -> AsyncAdapter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
