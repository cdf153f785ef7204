"""``llm_core_on_call_end`` keeps its promise: exactly once per call start, with the answer --
an embed batch's Embeddings too -- and also for a stream handle dropped unfinished."""

from __future__ import annotations

import gc

import pytest
from support.ollama_emulator import OllamaEmulator

import llm_core
from llm_core import Embeddings, hookimpl


class Ends:
    def __init__(self) -> None:
        self.started: list[int] = []
        self.ended: list[tuple[int, object, object]] = []

    @hookimpl
    def llm_core_on_call_start(self, call) -> None:
        self.started.append(call.id)

    @hookimpl
    def llm_core_on_call_end(self, call, response, error) -> None:
        self.ended.append((call.id, response, error))


@pytest.fixture
def ends():
    pm, plugin = llm_core.get_plugin_manager(), Ends()
    pm.register(plugin, name="test-ends")
    yield plugin
    pm.unregister(name="test-ends")


def test_an_embed_call_ends_with_its_embeddings(ends) -> None:
    with (
        OllamaEmulator() as server,
        llm_core.Client("ollama", base_url=server.url, model="nomic-embed-text") as client,
    ):
        client.embed(["a", "b"])
    ((_, response, error),) = ends.ended
    assert isinstance(response, Embeddings)
    assert error is None


def test_a_dropped_stream_ends_its_call_once(ends) -> None:
    with (
        OllamaEmulator() as server,
        llm_core.Client("ollama", base_url=server.url, model="llama3.2") as client,
    ):
        stream = client.stream("Hi", max_tokens=20)
        next(iter(stream))
        del stream
        gc.collect()
    assert [i for i, _, _ in ends.ended] == ends.started
    assert ends.ended[0][1:] == (None, None)
