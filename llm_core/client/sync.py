"""The synchronous :class:`Client`: each call runs its flow blocking."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from llm_core.client.base import DOC_ARGS, EMBED_DOC, ClientBase, Prompt
from llm_core.embeddings.types import Embeddings
from llm_core.flow import iterate, run
from llm_core.request import Request
from llm_core.streams import Stream
from llm_core.types import Health, ModelInfo, Response

__all__ = ["Client"]


class Client(ClientBase):
    """Synchronous client. Use as a context manager, or call :meth:`close`."""

    def generate(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Response:
        """Generate a complete answer."""
        return run(self._generate(prompt, images, fields))

    def stream(
        self, prompt: Prompt | Request, *, images: Iterable[Any] | None = None, **fields: Any
    ) -> Stream:
        """Stream the answer: iterate the returned :class:`Stream` for events."""
        return Stream(*self._stream(prompt, images, fields))

    def embed(self, texts: str | Sequence[str], **fields: Any) -> Embeddings:
        """Embed ``texts``: one vector per input, in order."""
        return run(self._embed(texts, fields))

    def list_models(self) -> list[ModelInfo]:
        """The models the provider can serve."""
        return run(self._list_models())

    def health_check(self) -> Health:
        """Whether the provider answers (never raises for a server that is down)."""
        return run(self._health_check())

    def run(
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
        return run(run_flow(loop))

    def run_stream(
        self,
        prompt: Prompt | Request,
        *,
        tools: list[Any],
        max_rounds: int = 8,
        approve: Callable[[Any], bool] | None = None,
        raise_tool_errors: bool = False,
        **fields: Any,
    ) -> Stream:
        """:meth:`run`, streamed: each round's text and tool-call events, one event per tool
        result (``event.tool_result``), then a done event with the final Response."""
        from llm_core.tools.loop import Loop, stream_flow

        loop = Loop(self, prompt, tools, max_rounds, approve, raise_tool_errors, fields)
        return Stream(iterate(stream_flow(loop)))

    def close(self) -> None:
        """Release connections and loaded models."""
        self._adapter.close()

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


for _method in (Client.generate, Client.stream):
    _method.__doc__ = (_method.__doc__ or "") + "\n" + DOC_ARGS

Client.embed.__doc__ = (Client.embed.__doc__ or "") + "\n" + EMBED_DOC
