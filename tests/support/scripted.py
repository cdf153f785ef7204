"""A scripted in-process provider for the resilience tests: each call plays the next step of a
script (an answer, an error, a stream that breaks after some events), sync and async."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import anyio
import anyio.lowlevel

import llm_core
from llm_core import Health, ModelInfo, Request, Response, StreamEvent
from llm_core.adapter import Adapter, AsyncAdapter

__all__ = [
    "SCRIPTS",
    "AsyncScriptedAdapter",
    "Script",
    "ScriptedAdapter",
    "ScriptedPlugin",
    "Step",
    "script",
]


@dataclass
class Step:
    """One call's behaviour: answer ``text`` (a stream sends it word by word); ``error`` raises,
    before anything when ``after`` is None, else after ``after`` stream events."""

    text: str = "ok"
    error: BaseException | None = None
    after: int | None = None


@dataclass
class Script:
    steps: deque[Step] = field(default_factory=deque)
    calls: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    models_error: BaseException | None = None

    def next(self, kind: str) -> Step:
        with self.lock:
            self.calls.append(kind)
            return self.steps.popleft() if self.steps else Step()


SCRIPTS: dict[str, Script] = {}


def script(name: str, *steps: Step | BaseException | str) -> Script:
    """The script of provider URL ``http://name``: errors and texts are shorthand Steps."""
    s = SCRIPTS[name] = Script()
    for step in steps:
        if isinstance(step, BaseException):
            step = Step(error=step)
        elif isinstance(step, str):
            step = Step(text=step)
        s.steps.append(step)
    return s


class _Scripted:
    provider = "scripted"

    def _script(self) -> Script:
        return SCRIPTS[self.config.base_url.removeprefix("http://")]

    def _answer(self, request: Request, step: Step) -> Response:
        model = self.model_for(request) or "m"
        return Response(step.text, model, self.provider, finish_reason="stop")

    def _events(self, request: Request, step: Step) -> Iterator[StreamEvent]:
        words = step.text.split(" ")
        for i, word in enumerate(words):
            if step.error is not None and step.after == i:
                raise step.error
            yield StreamEvent(word if i == 0 else " " + word)
        if step.error is not None and step.after is not None:
            raise step.error
        yield StreamEvent(done=True, response=self._answer(request, step))

    def _models(self) -> list[ModelInfo]:
        script = self._script()
        script.calls.append("models")
        if script.models_error is not None:
            raise script.models_error
        return [ModelInfo("m", self.provider)]


class ScriptedAdapter(_Scripted, Adapter):
    """A sync provider that follows its script."""

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        step = self._script().next("generate")
        if step.error is not None:
            raise step.error
        return self._answer(request, step)

    def stream(self, request: Request, *, deadline: float | None = None) -> Iterator[StreamEvent]:
        step = self._script().next("stream")
        if step.error is not None and step.after is None:
            raise step.error
        return self._events(request, step)

    def list_models(self) -> list[ModelInfo]:
        return self._models()

    def health_check(self) -> Health:
        return Health(True, self.provider)


class AsyncScriptedAdapter(_Scripted, AsyncAdapter):
    """The async twin of ScriptedAdapter."""

    async def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        await anyio.lowlevel.checkpoint()
        step = self._script().next("generate")
        if step.error is not None:
            raise step.error
        return self._answer(request, step)

    def stream(
        self, request: Request, *, deadline: float | None = None
    ) -> AsyncIterator[StreamEvent]:
        step = self._script().next("stream")
        if step.error is not None and step.after is None:
            raise step.error
        return self._aevents(request, step)

    async def _aevents(self, request: Request, step: Step) -> AsyncIterator[StreamEvent]:
        for event in self._events(request, step):
            await anyio.lowlevel.checkpoint()
            yield event

    async def list_models(self) -> list[ModelInfo]:
        await anyio.lowlevel.checkpoint()
        return self._models()

    async def health_check(self) -> Health:
        return Health(True, self.provider)


class ScriptedPlugin:
    @llm_core.hookimpl
    def llm_core_register_providers(self, register: Any) -> None:
        register(
            "scripted",
            adapter=ScriptedAdapter,
            async_adapter=AsyncScriptedAdapter,
            description="scripted test provider",
        )
