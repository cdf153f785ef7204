"""The ``mlx`` provider: vision-language models in-process with mlx-vlm.

:class:`MLXAdapter` and :class:`AsyncMLXAdapter` are thin shells around the process-wide engine
(:mod:`llm_core_mlx._engine`): they turn a request into mlx-vlm inputs in the caller's thread
(images decoded there, off the worker), hand it to the single MLX worker thread, and wait: sync
callers on a future, async callers by awaiting it, so the event loop never blocks. Streams get
their text through a queue; closing a stream or cancelling the task stops generation within a
token. The model is the request's, else the config's, else the ``VISION_MODEL`` variable.
"""

from __future__ import annotations

import asyncio
import builtins
import concurrent.futures
import queue
from collections.abc import AsyncIterator, Iterator
from typing import Any

from llm_core import GenerationError, Health, LLMError, ModelInfo, Request, Response, StreamEvent
from llm_core.adapter import Adapter, AsyncAdapter

from ._async_channel import AsyncChannel
from ._base import END, VISION_MODEL_ENV, MLXBase, remaining
from ._generation import Call
from ._prompt import prepare

__all__ = ["AsyncMLXAdapter", "MLXAdapter", "VISION_MODEL_ENV"]


class MLXAdapter(MLXBase, Adapter):
    """Synchronous mlx adapter; safe to share between threads (requests queue in order)."""

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        """Generate on the MLX worker and wait for the answer."""
        call = self._call(request)
        job = self._submit(call, deadline)
        try:
            return job.future.result(remaining(deadline))
        except LLMError:
            raise
        except concurrent.futures.CancelledError:
            raise GenerationError(
                "the request was cancelled before it ran", provider=self.provider, model=call.model
            ) from None
        except builtins.TimeoutError:
            job.cancel()
            raise self._deadline_error(call) from None
        except BaseException:
            job.cancel()
            raise

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        """Yield text as the worker generates it; closing the generator stops generation."""
        call = self._call(request)
        events: queue.SimpleQueue[Any] = queue.SimpleQueue()
        call.sink = events.put
        job = self._submit(call, deadline)
        job.future.add_done_callback(lambda _f: events.put(END))
        try:
            while True:
                try:
                    item = events.get(timeout=remaining(deadline))
                except queue.Empty:
                    raise self._deadline_error(call) from None
                if item is END:
                    break
                yield StreamEvent(text=item)
            try:
                response = job.future.result()
            except concurrent.futures.CancelledError:
                raise GenerationError(
                    "the stream was cancelled before it ran",
                    provider=self.provider,
                    model=call.model,
                ) from None
            yield StreamEvent(done=True, response=response)
        finally:
            if not job.future.done():
                job.cancel()

    def list_models(self) -> list[ModelInfo]:
        """Models in the Hugging Face cache and ``model_dirs`` that mlx-vlm can load."""
        return self._list()

    def health_check(self) -> Health:
        """MLX importable, device (Metal, CUDA or CPU), memory; never raises."""
        return self._health()

    def load(self, model: str | None = None) -> bool:
        """Load ``model`` (default: the configured one) now; True if it was not loaded."""
        call = self._call(Request("load", model=model))
        return self._engine.load(call.model, call.options)

    def unload(self) -> int:
        """Unload every model in this process and free the memory; returns how many."""
        return self._engine.unload()

    def close(self) -> None:
        """Cancel this adapter's requests; the last adapter to close unloads every model."""
        self._shutdown()


class AsyncMLXAdapter(MLXBase, AsyncAdapter):
    """Asynchronous mlx adapter: awaits the worker, never blocks the event loop."""

    async def _acall(self, request: Request) -> Call:
        if any(m.images for m in request.messages):  # reading/fetching images blocks
            prepared = await asyncio.to_thread(prepare, request)
            return self._call(request, prepared)
        return self._call(request)

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        """Generate on the MLX worker; cancelling the task stops the generation."""
        call = await self._acall(request)
        job = self._submit(call, deadline)
        try:
            async with asyncio.timeout(remaining(deadline)):
                return await asyncio.wrap_future(job.future)
        except LLMError:
            raise
        except builtins.TimeoutError:
            job.cancel()
            raise self._deadline_error(call) from None
        except BaseException:
            job.cancel()
            raise

    async def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        """Yield text as the worker generates it; closing or cancelling stops generation."""
        call = await self._acall(request)
        channel = AsyncChannel(asyncio.get_running_loop())
        call.sink = channel.put
        job = self._submit(call, deadline)
        channel.on_closed_loop = job.cancel
        job.future.add_done_callback(lambda _f: channel.put(END))
        try:
            async with asyncio.timeout(remaining(deadline)):
                while (item := await channel.get()) is not END:
                    yield StreamEvent(text=item)
            try:
                response = job.future.result()
            except concurrent.futures.CancelledError:
                raise GenerationError(
                    "the stream was cancelled before it ran",
                    provider=self.provider,
                    model=call.model,
                ) from None
            yield StreamEvent(done=True, response=response)
        except builtins.TimeoutError as exc:
            if isinstance(exc, LLMError):
                raise
            raise self._deadline_error(call) from None
        finally:
            if not job.future.done():
                job.cancel()

    async def list_models(self) -> list[ModelInfo]:
        """Models in the Hugging Face cache and ``model_dirs`` that mlx-vlm can load."""
        return await asyncio.to_thread(self._list)

    async def health_check(self) -> Health:
        """MLX importable, device (Metal, CUDA or CPU), memory; never raises."""
        return await asyncio.to_thread(self._health)

    async def load(self, model: str | None = None) -> bool:
        """Load ``model`` (default: the configured one) now; True if it was not loaded."""
        call = self._call(Request("load", model=model))
        return await asyncio.to_thread(self._engine.load, call.model, call.options)

    async def unload(self) -> int:
        """Unload every model in this process and free the memory; returns how many."""
        return await asyncio.to_thread(self._engine.unload)

    async def aclose(self) -> None:
        """Cancel this adapter's requests; the last adapter to close unloads every model."""
        await asyncio.to_thread(self._shutdown)
