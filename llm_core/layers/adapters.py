"""The two shells of every layer: :class:`LayerAdapter` runs its flows blocking,
:class:`AsyncLayerAdapter` awaits them; each relays a stream's events once, for the whole stack.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio

from llm_core.call import Call
from llm_core.flow import Flow, arun, run
from llm_core.layers.layer import Layer
from llm_core.layers.stream import Opened
from llm_core.request import Request
from llm_core.types import Health, ModelInfo, Response, StreamEvent

__all__ = ["AsyncLayerAdapter", "LayerAdapter"]


def _call(call: Call | None, request: Request | None, operation: str) -> Call:
    return call if call is not None else Call(operation, request=request)


class LayerAdapter(Layer):
    """The sync shell: runs the flows blocking."""

    sleep: Callable[[float], Any] = staticmethod(time.sleep)
    #: Runs a flow to its result (for callbacks that take a function, such as single-flight).
    drive = staticmethod(run)

    def generate(self, request: Request, call: Call | None = None) -> Response:
        """Generate a complete answer."""
        return run(self.generate_flow(request, _call(call, request, "chat")))

    def embed(self, request: Any, call: Call | None = None) -> Any:
        """Embed one batch (an EmbedRequest) into Embeddings."""
        return run(self.embed_flow(request, _call(call, request, "embed")))

    def stream(self, request: Request, call: Call | None = None) -> Iterator[StreamEvent]:
        """Stream the answer: the one relay of the whole stack of layers."""
        return self._relay(self.stream_flow(request, _call(call, request, "chat")))

    def list_models(self, call: Call | None = None) -> list[ModelInfo]:
        """The models the provider can serve."""
        return run(self.list_models_flow(_call(call, None, "models")))

    def health_check(self) -> Health:
        """Whether the provider answers."""
        return run(self.health_check_flow())

    def close(self) -> None:
        """Release connections and other resources."""
        run(self.close_flow())

    def first_event(self, events: Any) -> Opened:
        """Read the first event of a bare adapter's stream (closing it if that fails)."""
        events = iter(events)
        try:
            return Opened(events, next(events, None))
        except BaseException:
            getattr(events, "close", lambda: None)()
            raise

    def close_of(self, adapter: Any) -> None:
        """Close ``adapter`` now."""
        adapter.close()

    def __enter__(self) -> LayerAdapter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @staticmethod
    def _relay(flow: Flow[Opened]) -> Iterator[StreamEvent]:
        opened = run(flow)
        try:
            event, events, note = opened.first, opened.events, opened.parts.append
            while event is not None:  # hot: per event only a text note, the rest at the end
                yield opened.relayed(event) if event.done else note(event.text) or event
                event = next(events, None)
        except BaseException as exc:
            raise opened.stopped(exc)  # noqa: B904 - the cause is set where it changes
        finally:
            getattr(opened.events, "close", lambda: None)()


class AsyncLayerAdapter(Layer):
    """The async shell: runs the flows on the event loop."""

    sleep: Callable[[float], Any] = staticmethod(anyio.sleep)
    #: Runs a flow to its result: a coroutine here.
    drive = staticmethod(arun)

    async def generate(self, request: Request, call: Call | None = None) -> Response:
        """Generate a complete answer."""
        return await arun(self.generate_flow(request, _call(call, request, "chat")))

    async def embed(self, request: Any, call: Call | None = None) -> Any:
        """Embed one batch (an EmbedRequest) into Embeddings."""
        return await arun(self.embed_flow(request, _call(call, request, "embed")))

    def stream(self, request: Request, call: Call | None = None) -> AsyncIterator[StreamEvent]:
        """Stream the answer: the one relay of the whole stack of layers."""
        return self._relay(self.stream_flow(request, _call(call, request, "chat")))

    async def list_models(self, call: Call | None = None) -> list[ModelInfo]:
        """The models the provider can serve."""
        return await arun(self.list_models_flow(_call(call, None, "models")))

    async def health_check(self) -> Health:
        """Whether the provider answers."""
        return await arun(self.health_check_flow())

    async def aclose(self) -> None:
        """Release connections and other resources."""
        await arun(self.close_flow())

    async def first_event(self, events: Any) -> Opened:
        """Read the first event of a bare adapter's stream (closing it if that fails)."""
        events = aiter(events)
        try:
            return Opened(events, await anext(events, None))
        except BaseException:
            aclose = getattr(events, "aclose", None)
            if aclose is not None:
                await aclose()
            raise

    def close_of(self, adapter: Any) -> Any:
        """An awaitable that closes ``adapter``."""
        return adapter.aclose()

    async def __aenter__(self) -> AsyncLayerAdapter:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    @staticmethod
    async def _relay(flow: Flow[Opened]) -> AsyncIterator[StreamEvent]:
        opened = await arun(flow)
        try:
            event, events, note = opened.first, opened.events, opened.parts.append
            while event is not None:  # hot: per event only a text note, the rest at the end
                yield opened.relayed(event) if event.done else note(event.text) or event
                event = await anext(events, None)
        except BaseException as exc:
            raise opened.stopped(exc)  # noqa: B904 - the cause is set where it changes
        finally:
            aclose = getattr(opened.events, "aclose", None)
            if aclose is not None:
                await aclose()
