"""A server that stops reading the request body: the call fails with ``TimeoutError`` within
``timeouts.write`` on both transports (aiohttp has no write timeout of its own; llm-core writes a
large body in slices, each within it). A large body to a server that reads it arrives whole."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from typing import Any

import pytest
from support import transports
from support.openai_fake import OpenAIFake

import llm_core

transport = transports.fixture()
MODES = ["sync", "async", "stream", "astream"]
BIG = "word " * 2_000_000  # 10 MB: more than loopback's socket buffers hold


def ask(mode: str, url: str, prompt: str, **kwargs: Any) -> llm_core.Response:
    kwargs = {"base_url": url + "/v1", "model": "fake-model", **kwargs}
    if mode in ("sync", "stream"):
        with llm_core.Client("openai", **kwargs) as client:
            if mode == "sync":
                return client.generate(prompt, max_tokens=2)
            return client.stream(prompt, max_tokens=2).until_done()

    async def go() -> llm_core.Response:
        async with llm_core.AsyncClient("openai", **kwargs) as client:
            if mode == "async":
                return await client.generate(prompt, max_tokens=2)
            return await client.stream(prompt, max_tokens=2).until_done()

    return asyncio.run(go())


@pytest.fixture
def deaf_server():
    """Accepts connections and never reads from them."""
    listener = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for sock in held:
        sock.close()
    listener.close()


@pytest.mark.parametrize("mode", MODES)
def test_a_server_that_stops_reading_fails_the_call_within_the_write_timeout(
    mode: str, deaf_server: str
) -> None:
    started = time.monotonic()
    with pytest.raises(llm_core.TimeoutError, match="write timeout"):
        ask(mode, deaf_server, BIG, timeouts={"write": 0.5}, retry={"max_attempts": 1})
    assert time.monotonic() - started < 10  # bounded; without the write timeout it hangs


@pytest.mark.parametrize("mode", MODES)
def test_a_large_body_arrives_whole(mode: str) -> None:
    prompt = "alpha " * 50_000 + "omega"  # 300 KB: written in slices on aiohttp
    with OpenAIFake() as server:
        response = ask(mode, server.url, prompt)
        sent = server.requests[-1].json()["messages"][-1]["content"]
    assert (sent, response.content) == (prompt, "echo: alpha")
