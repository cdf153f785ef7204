"""Client and AsyncClient: the one API applications use.

Both resolve their adapter once, through the plugin manager (so the core's retry, fallback and
cache wrappers apply), and are safe to share: a Client across threads, an AsyncClient across
the tasks of one event loop.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterable, Sequence
from typing import Any

from llm_core.config import Settings, load_settings
from llm_core.errors import ValidationError
from llm_core.messages import Message, coerce_messages
from llm_core.streams import AsyncStream, Stream
from llm_core.types import Health, ModelInfo, Request, Response

__all__ = ["AsyncClient", "Client"]

Prompt = str | Message | dict | Sequence[Any]
_REQUEST_FIELDS = {f.name for f in dataclasses.fields(Request)} - {"messages"}


class _ClientBase:
    """Configuration and request building shared by Client and AsyncClient."""

    _is_async = False

    def __init__(
        self,
        provider: str | None = None,
        *,
        model: str | None = None,
        base_url: str | None = None,
        api_key: str | None = None,
        fallbacks: Sequence[Any] | None = None,
        settings: Settings | None = None,
        **overrides: Any,
    ) -> None:
        """Configure from arguments, then ``LLM_CORE_*`` environment variables, then ``.env``.

        :param provider: registered provider name (``ollama``, ``lmstudio``, ``mlx``, ``openai``).
        :param model: default model for requests that name none.
        :param base_url: server URL for HTTP providers.
        :param api_key: bearer token (kept as a secret: never in repr, logs or errors).
        :param fallbacks: providers to try in order when this one fails: names, dicts or
            ProviderConfig objects.
        :param settings: a complete Settings object (the other arguments are then ignored).
        :param overrides: any other Settings field (``timeouts``, ``retry``, ``cache``, ...).
        """
        from llm_core.plugins import get_plugin_manager

        if settings is None:
            settings = load_settings(
                provider=provider,
                model=model,
                base_url=base_url,
                api_key=api_key,
                fallbacks=fallbacks,
                **overrides,
            )
        self.settings = settings
        self._adapter = get_plugin_manager().hook.llm_core_resolve_adapter(
            config=settings.primary(), settings=settings, is_async=self._is_async, role="primary"
        )

    @property
    def adapter(self) -> Any:
        """The resolved (wrapped) adapter; provider-specific extras are reachable through it."""
        return self._adapter

    @property
    def provider(self) -> str:
        """The primary provider's name."""
        return self.settings.provider

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(provider={self.settings.provider!r}, "
            f"model={self.settings.model!r})"
        )

    def _request(
        self, prompt: Prompt | Request, images: Iterable[Any] | None, fields: dict[str, Any]
    ) -> Request:
        if isinstance(prompt, Request):
            return prompt
        unknown = set(fields) - _REQUEST_FIELDS
        if unknown:
            raise ValidationError(
                f"unknown request field {sorted(unknown)[0]!r}",
                hint="Request fields: " + ", ".join(sorted(_REQUEST_FIELDS)) + ".",
            )
        messages = coerce_messages(prompt)
        if images:
            last = messages[-1]
            if last.role != "user":
                messages.append(Message.user("", images))
            else:
                messages[-1] = Message.user(last.text, [*last.images, *images])
        return Request(messages, **{k: v for k, v in fields.items() if v is not None})

    def _deadline(self) -> float | None:
        total = self.settings.timeouts.total
        return None if total is None else time.monotonic() + total


_DOC_ARGS = """
        :param prompt: a prompt string, a Message, a dict, a list of these, or a Request.
        :param images: images for the last user message (paths, bytes, URLs, data URLs).
        :param model: the model (default: the configured one).
        :param temperature, max_tokens, top_p, stop, seed: sampling settings.
        :param response_format: a JSON schema the answer must follow.
        :param options: provider-specific options (validated by the provider).
"""


class Client(_ClientBase):
    """Synchronous client. Use as a context manager, or call :meth:`close`."""

    def generate(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Response:
        """Generate a complete answer."""
        request = self._request(prompt, images, fields)
        return self._adapter.generate(request, deadline=self._deadline())

    def stream(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Stream:
        """Stream the answer: iterate the returned :class:`Stream` for events."""
        request = self._request(prompt, images, fields)
        return Stream(iter(self._adapter.stream(request, deadline=self._deadline())))

    def list_models(self) -> list[ModelInfo]:
        """The models the provider can serve."""
        return self._adapter.list_models()

    def health_check(self) -> Health:
        """Whether the provider answers (never raises for a server that is down)."""
        return self._adapter.health_check()

    def close(self) -> None:
        """Release connections and loaded models."""
        self._adapter.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncClient(_ClientBase):
    """Asynchronous client. Use ``async with``, or ``await client.aclose()``."""

    _is_async = True

    async def generate(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Response:
        """Generate a complete answer."""
        request = self._request(prompt, images, fields)
        return await self._adapter.generate(request, deadline=self._deadline())

    def stream(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> AsyncStream:
        """Stream the answer: ``async for`` over the returned :class:`AsyncStream`."""
        request = self._request(prompt, images, fields)
        return AsyncStream(aiter(self._adapter.stream(request, deadline=self._deadline())))

    async def list_models(self) -> list[ModelInfo]:
        """The models the provider can serve."""
        return await self._adapter.list_models()

    async def health_check(self) -> Health:
        """Whether the provider answers (never raises for a server that is down)."""
        return await self._adapter.health_check()

    async def aclose(self) -> None:
        """Release connections and loaded models."""
        await self._adapter.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


for _method in (Client.generate, Client.stream, AsyncClient.generate, AsyncClient.stream):
    _method.__doc__ = (_method.__doc__ or "") + "\n" + _DOC_ARGS
