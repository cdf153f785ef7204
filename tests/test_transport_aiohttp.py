"""The aiohttp transport's own seams: selection (argument, ``LLM_CORE_TRANSPORT``), the missing
extra, a session per event loop, and no aiohttp exception reachable from an llm-core error.
The behaviour on the wire is checked by the contract kit, the fault table and the hostile-server
tests, each run on both transports; here, the one-read path of a body with a declared length."""

from __future__ import annotations

import asyncio

import pytest
from support.faults import refused_url
from support.openai_fake import OpenAIFake

import llm_core
from llm_core.http import aiohttp_session

aiohttp = pytest.importorskip("aiohttp", reason="pip install 'llm-core[aiohttp]'")


def chain(error: BaseException) -> list[BaseException]:
    seen = []
    while error is not None and error not in seen:
        seen.append(error)
        error = error.__cause__ or error.__context__
    return seen


def test_the_environment_variable_selects_aiohttp(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_TRANSPORT", "aiohttp")
    client = llm_core.AsyncClient(provider="openai", base_url="http://127.0.0.1:9/v1")
    assert client.settings.transport == "aiohttp"
    with llm_core.Client(provider="openai", base_url="http://127.0.0.1:9/v1") as sync:
        assert sync.settings.transport == "aiohttp"  # the sync client still uses httpx2


def test_an_unknown_transport_is_a_configuration_error() -> None:
    with pytest.raises(llm_core.ConfigurationError, match="transport") as info:
        llm_core.AsyncClient(provider="openai", base_url="http://a/v1", transport="curl")
    assert "LLM_CORE_TRANSPORT" in str(info.value.hint)


def test_missing_aiohttp_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiohttp_session, "aiohttp", None)
    with pytest.raises(llm_core.ConfigurationError) as info:
        llm_core.AsyncClient(provider="openai", base_url="http://a/v1", transport="aiohttp")
    assert "llm-core[aiohttp]" in str(info.value.hint)


def test_a_client_works_on_two_event_loops_in_turn() -> None:
    with OpenAIFake() as fake:
        client = llm_core.AsyncClient(
            provider="openai", base_url=fake.url + "/v1", model="m", transport="aiohttp"
        )

        async def ask(prompt: str) -> llm_core.Response:
            response = await client.generate(prompt)
            await client.aclose()  # the session of this loop; the next loop makes its own
            return response

        first, second = asyncio.run(ask("one")), asyncio.run(ask("two"))
    assert (first.content, second.content) == ("echo: one", "echo: two")


@pytest.mark.parametrize("stream", [False, True])
def test_no_aiohttp_exception_behind_a_refused_connection(stream: bool) -> None:
    async def main() -> None:
        kwargs = {"retry": {"max_attempts": 1}, "cooldown": {"cooldown": 0}}
        async with llm_core.AsyncClient(
            provider="openai", base_url=refused_url(), model="m", transport="aiohttp", **kwargs
        ) as client:
            if stream:
                await client.stream("hi").until_done()
            else:
                await client.generate("hi")

    with pytest.raises(llm_core.ConnectionError) as info:
        asyncio.run(main())
    modules = [type(exc).__module__ for exc in chain(info.value)]
    assert not [m for m in modules if m.startswith("aiohttp")], modules


class _OneAnswer:
    """A loopback server that answers every request with the same raw bytes, then closes."""

    def __init__(self, answer: bytes) -> None:
        import socket
        import threading

        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/v1"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(self.answer)

    def close(self) -> None:
        self.sock.close()


def _generate_on(server: _OneAnswer) -> llm_core.Response:
    async def main() -> llm_core.Response:
        kwargs = {"retry": {"max_attempts": 1}, "cooldown": {"cooldown": 0}}
        async with llm_core.AsyncClient(
            provider="openai", base_url=server.url, model="m", transport="aiohttp", **kwargs
        ) as client:
            return await client.generate("hi")

    try:
        return asyncio.run(main())
    finally:
        server.close()


BODY = b'{"choices":[{"message":{"role":"assistant","content":"whole"}}]}'


def test_a_declared_length_is_read_in_one_go_and_parsed() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    assert _generate_on(_OneAnswer(head % len(BODY) + BODY)).content == "whole"


def test_a_body_shorter_than_its_declared_length_is_a_typed_error() -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
    with pytest.raises(llm_core.ConnectionError) as info:  # as on httpx2: the server broke off
        _generate_on(_OneAnswer(head % (len(BODY) + 50) + BODY))  # then the server closes
    modules = [type(exc).__module__ for exc in chain(info.value)]
    assert not [m for m in modules if m.startswith("aiohttp")], modules
    assert "127.0.0.1" in str(info.value)
