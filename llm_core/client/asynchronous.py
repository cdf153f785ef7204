"""The asynchronous :class:`AsyncClient`: each call awaits its flow on the event loop."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from llm_core.client.base import DOC_ARGS, EMBED_DOC, ClientBase, Prompt
from llm_core.embeddings.types import Embeddings
from llm_core.flow import aiterate, arun
from llm_core.request import Request
from llm_core.streams import AsyncStream
from llm_core.types import Health, ModelInfo, Response

__all__ = ["AsyncClient"]


class AsyncClient(ClientBase):
    """Asynchronous client. Use ``async with``, or ``await client.aclose()``."""

    _is_async = True

    async def generate(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Response:
        """Generate a complete answer."""
        return await arun(self._generate(prompt, images, fields))

    def stream(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> AsyncStream:
        """Stream the answer: ``async for`` over the returned :class:`AsyncStream`."""
        return AsyncStream(*self._stream(prompt, images, fields))

    async def embed(self, texts: str | Sequence[str], **fields: Any) -> Embeddings:
        """Embed ``texts``: one vector per input, in order."""
        return await arun(self._embed(texts, fields))

    async def list_models(self) -> list[ModelInfo]:
        """The models the provider can serve."""
        return await arun(self._list_models())

    async def health_check(self) -> Health:
        """Whether the provider answers (never raises for a server that is down)."""
        return await arun(self._health_check())

    async def run(
        self,
        prompt: Prompt | Request,
        *,
        tools: list[Any],
        max_rounds: int = 8,
        approve: Callable[[Any], bool] | None = None,
        raise_tool_errors: bool = False,
        **fields: Any,
    ) -> Response:
        """Ask with ``tools``, run the calls the model makes and ask again, until it answers
        without calls or ``max_rounds`` is reached (``specs/tools.md``)."""
        from llm_core.tools.loop import Loop, run_flow

        loop = Loop(self, prompt, tools, max_rounds, approve, raise_tool_errors, fields)
        return await arun(run_flow(loop))

    def run_stream(
        self,
        prompt: Prompt | Request,
        *,
        tools: list[Any],
        max_rounds: int = 8,
        approve: Callable[[Any], bool] | None = None,
        raise_tool_errors: bool = False,
        **fields: Any,
    ) -> AsyncStream:
        """:meth:`run`, streamed: each round's text and tool-call events, one event per tool
        result (``event.tool_result``), then a done event with the final Response."""
        from llm_core.tools.loop import Loop, stream_flow

        loop = Loop(self, prompt, tools, max_rounds, approve, raise_tool_errors, fields)
        return AsyncStream(aiterate(stream_flow(loop)))

    async def ainvalidate_cache(self) -> bool:
        """:meth:`invalidate_cache`, awaiting a shared store (False if nothing is cached)."""
        from llm_core.resilience.cache.invalidate import ainvalidate_cache

        return await ainvalidate_cache(self._adapter)

    async def aclose(self) -> None:
        """Release connections and loaded models."""
        await self._adapter.aclose()

    close = aclose

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


for _method in (AsyncClient.generate, AsyncClient.stream):
    _method.__doc__ = (_method.__doc__ or "") + "\n" + DOC_ARGS

AsyncClient.embed.__doc__ = (AsyncClient.embed.__doc__ or "") + "\n" + EMBED_DOC
