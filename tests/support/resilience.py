"""Helpers for the resilience tests: fake time in the core's plugins, a scripted in-process
provider (in scripted.py), an observer that records every hook, and an open-socket counter."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import anyio
import anyio.lowlevel
import pytest

import llm_core
from llm_core import Response
from llm_core import errors as e
from llm_core.plugins import get_plugin_manager, reset_plugin_manager
from llm_core.resilience.cooldown import CooldownRegistry

from .fake_clock import FakeClock
from .scripted import (
    SCRIPTS,
    AsyncScriptedAdapter,
    ScriptedAdapter,
    ScriptedPlugin,
    Step,
    script,
)


def install_fake_time(monkeypatch: pytest.MonkeyPatch, random: float = 1.0) -> FakeClock:
    """Fake sleep/clock/random in the registered retry plugin and a fresh cooldown registry on
    the same clock (so tests never share breaker state). Affects clients created afterwards."""
    clock = FakeClock()
    pm = get_plugin_manager()
    retry = pm.get_plugin("llm_core.retry")
    for name, value in (
        ("sleep", clock.sleep),
        ("async_sleep", clock.async_sleep),
        ("clock", clock.now),
        ("random", lambda: random),
    ):
        monkeypatch.setattr(retry, name, value)
    monkeypatch.setattr(
        pm.get_plugin("llm_core.cooldown"), "registry", CooldownRegistry(clock=clock.now)
    )
    return clock


def install_no_wait(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Retry waits return at once (recorded) while time stays real: for many concurrent callers,
    whose waits must not add up on one shared fake clock. A fresh cooldown registry too."""
    waits: list[float] = []

    async def async_sleep(seconds: float) -> None:
        waits.append(seconds)
        await anyio.lowlevel.checkpoint()

    pm = get_plugin_manager()
    retry = pm.get_plugin("llm_core.retry")
    monkeypatch.setattr(retry, "sleep", waits.append)
    monkeypatch.setattr(retry, "async_sleep", async_sleep)
    monkeypatch.setattr(pm.get_plugin("llm_core.cooldown"), "registry", CooldownRegistry())
    return waits


def open_sockets() -> int:
    """Sockets this process holds open (Linux: /proc/self/fd)."""
    count = 0
    for fd in os.listdir("/proc/self/fd"):
        try:
            if os.readlink(f"/proc/self/fd/{fd}").startswith("socket:"):
                count += 1
        except OSError:
            pass
    return count


class Recorder:
    """Records every observation hook call as (hook, details...)."""

    def __init__(self) -> None:
        self.events: list[tuple] = []

    def of(self, kind: str) -> list[tuple]:
        return [ev for ev in self.events if ev[0] == kind]

    @llm_core.hookimpl
    def llm_core_on_request(self, provider: str, model: str | None, attempt: int) -> None:
        self.events.append(("request", provider, attempt))

    @llm_core.hookimpl
    def llm_core_on_response(self, provider: str, response: Response) -> None:
        self.events.append(("response", provider, response.content))

    @llm_core.hookimpl
    def llm_core_on_retry(
        self, provider: str, attempt: int, error: BaseException, wait: float
    ) -> None:
        self.events.append(("retry", provider, attempt, type(error).__name__, wait))

    @llm_core.hookimpl
    def llm_core_on_fallback(self, failed: str, error: BaseException, next_provider: str) -> None:
        self.events.append(("fallback", failed, type(error).__name__, next_provider))

    @llm_core.hookimpl
    def llm_core_on_cache_hit(self, provider: str, model: str | None, kind: str) -> None:
        self.events.append(("cache_hit", provider, kind))

    @llm_core.hookimpl
    def llm_core_on_error(self, provider: str, error: BaseException) -> None:
        self.events.append(("error", provider, type(error).__name__))


@dataclass
class Env:
    pm: Any
    recorder: Recorder
    clock: FakeClock


@contextmanager
def resilience_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[Env]:
    """A fresh plugin manager with the scripted provider, a Recorder and fake time; the
    manager is rebuilt afterwards so blocked or replaced plugins do not leak."""
    reset_plugin_manager()
    pm = get_plugin_manager()
    pm.register(ScriptedPlugin(), name="test.scripted")
    recorder = Recorder()
    pm.register(recorder, name="test.recorder")
    try:
        yield Env(pm, recorder, install_fake_time(monkeypatch))
    finally:
        SCRIPTS.clear()
        reset_plugin_manager()


MODES = ["sync", "async", "stream", "astream"]


def ask(
    mode: str,
    prompt: Any = "hi",
    client_kwargs: dict | None = None,
    provider: str = "scripted",
    **fields: Any,
) -> Response:
    """One request through a new Client/AsyncClient (provider ``scripted`` by default), in
    ``mode``: generate or a stream consumed to its end (the stream's final Response)."""
    kwargs = {"base_url": "http://a", **(client_kwargs or {})}
    if mode in ("sync", "stream"):
        with llm_core.Client(provider, **kwargs) as client:
            if mode == "sync":
                return client.generate(prompt, **fields)
            return client.stream(prompt, **fields).until_done()

    async def main() -> Response:
        async with llm_core.AsyncClient(provider, **kwargs) as client:
            if mode == "async":
                return await client.generate(prompt, **fields)
            return await client.stream(prompt, **fields).until_done()

    return anyio.run(main)


def down(n: int = 3) -> list[BaseException]:
    """``n`` refused connections: a provider that is down for ``n`` attempts."""
    return [e.ConnectionError("refused") for _ in range(n)]


__all__ = [
    "AsyncScriptedAdapter",
    "FakeClock",
    "Recorder",
    "SCRIPTS",
    "ScriptedAdapter",
    "ScriptedPlugin",
    "Step",
    "ask",
    "down",
    "e",
    "install_fake_time",
    "install_no_wait",
    "open_sockets",
    "resilience_env",
    "script",
]
