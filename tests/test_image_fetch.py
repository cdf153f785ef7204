"""Remote image URLs: fetched by the client (awaited on AsyncClient, so the event loop keeps
running), within the call's deadline, under a size cap, with few redirects, fetched once per call
(not per retry), and refused altogether with ``images.remote = False``. Real loopback servers:
an image host and the Ollama emulator's vision model, which checks the base64 it receives.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from support.httpserver import HTTPServer, Reply
from support.ollama_emulator import OllamaEmulator

import llm_core
from llm_core.testing import tiny_png

PNG = tiny_png(8, 8)


@pytest.fixture(scope="module")
def ollama() -> Iterator[Any]:
    with OllamaEmulator() as server:
        yield server


@pytest.fixture
def images() -> Iterator[HTTPServer]:
    server = HTTPServer()
    server.route("GET", "/cat.png")(lambda req: Reply(200, body=PNG, content_type="image/png"))
    server.route("GET", "/slow.png")(slow_png)
    server.route("GET", "/drip.png")(drip)
    server.route("GET", "/big.png")(lambda req: Reply(body=(PNG + b"\0" * 512 for _ in range(8))))
    for hop in range(5):  # /r0 -> /r1 -> ... -> /r4 -> /cat.png
        target = f"/r{hop + 1}" if hop < 4 else "/cat.png"
        server.route("GET", f"/r{hop}")(lambda req, t=target: Reply(302, {"location": t}))
    with server:
        yield server


def slow_png(req: Any) -> Reply:
    time.sleep(0.3)
    return Reply(200, body=PNG, content_type="image/png")


def drip(req: Any) -> Reply:
    def chunks():
        yield PNG[:8]
        while True:  # one byte every 50 ms, forever: only the deadline ends it
            time.sleep(0.05)
            yield b"\0"

    return Reply(200, body=chunks(), content_type="image/png")


def ask(url: str, is_async: bool, image: str, stream: bool = False, **settings: Any) -> Any:
    kwargs = {"base_url": url, "model": "llava:7b", **settings}

    async def agen() -> Any:
        async with llm_core.AsyncClient("ollama", **kwargs) as client:
            if stream:
                return await client.stream("What is it?", images=[image]).until_done()
            return await client.generate("What is it?", images=[image])

    if is_async:
        return anyio.run(agen)
    with llm_core.Client("ollama", **kwargs) as client:
        if stream:
            return client.stream("What is it?", images=[image]).until_done()
        return client.generate("What is it?", images=[image])


def sent_images(ollama: Any) -> list[str]:
    return ollama.requests[-1].json()["messages"][-1]["images"]


MODES = pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])


@MODES
@pytest.mark.parametrize("stream", [False, True], ids=["generate", "stream"])
def test_a_remote_image_is_fetched_and_sent(ollama, images, is_async, stream) -> None:
    response = ask(ollama.url, is_async, images.url + "/cat.png", stream=stream)
    assert "1 image" in response.content
    assert sent_images(ollama) == [base64.b64encode(PNG).decode()]
    assert images.count("/cat.png") == 1


def test_async_fetch_leaves_the_event_loop_running(ollama, images) -> None:
    ticks = []

    async def main() -> None:
        async def ticker() -> None:
            while True:
                ticks.append(1)
                await anyio.sleep(0.01)

        async with (
            anyio.create_task_group() as tg,
            llm_core.AsyncClient("ollama", base_url=ollama.url, model="llava:7b") as client,
        ):
            tg.start_soon(ticker)
            await client.generate("hi", images=[images.url + "/slow.png"])
            tg.cancel_scope.cancel()

    anyio.run(main)
    assert len(ticks) >= 5  # the 0.3 s fetch did not block the loop (a blocking one: 1 tick)


@MODES
def test_an_image_over_the_cap_is_refused(ollama, images, is_async) -> None:
    with pytest.raises(llm_core.ValidationError, match="max_bytes"):
        ask(ollama.url, is_async, images.url + "/big.png", images={"max_bytes": 2048})


@MODES
def test_redirects_are_limited(ollama, images, is_async) -> None:
    assert "1 image" in ask(ollama.url, is_async, images.url + "/r2").content  # 3 hops: allowed
    with pytest.raises(llm_core.ValidationError, match="too many redirects"):
        ask(ollama.url, is_async, images.url + "/r0")  # 5 hops
    with pytest.raises(llm_core.ValidationError, match="302"):
        ask(ollama.url, is_async, images.url + "/r4", images={"max_redirects": 0})


@MODES
def test_a_dripping_image_host_cannot_outlast_the_deadline(ollama, images, is_async) -> None:
    with pytest.raises(llm_core.TimeoutError) as info:
        ask(ollama.url, is_async, images.url + "/drip.png", timeouts={"total": 0.5})
    assert info.value.phase == "deadline"


@MODES
def test_remote_fetches_can_be_forbidden(ollama, images, is_async, monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_IMAGES__REMOTE", "false")
    with pytest.raises(llm_core.ValidationError, match=r"images\.remote"):
        ask(ollama.url, is_async, images.url + "/cat.png?sig=SECRET")
    assert images.count() == 0


def test_fetched_once_per_call_not_per_retry(ollama, images) -> None:
    from support.faults import Fault

    ollama.faults.push(Fault.error(503), path="/api/chat")
    response = ask(ollama.url, False, images.url + "/cat.png", retry={"backoff_base": 0})
    assert "1 image" in response.content and len(response.attempts) == 2
    assert images.count("/cat.png") == 1


def test_errors_never_show_the_query_string(ollama, images) -> None:
    with pytest.raises(llm_core.ValidationError) as info:
        ask(ollama.url, False, images.url + "/missing.png?token=SECRET")
    assert "404" in str(info.value) and "SECRET" not in str(info.value)
