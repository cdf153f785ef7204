"""Secrets never leak: keys are checked at configuration without being quoted, scrubbed from
every text the library produces (even when a server echoes them), a base URL's user-info becomes
an ``Authorization: Basic`` header, no raw transport exception hangs off a raised error, and
LM Studio's environment token goes only to this machine. Real loopback servers throughout.
"""

from __future__ import annotations

import base64
import logging
import socket
import time
from typing import Any

import anyio
import pytest
from support.httpserver import HTTPServer, Reply, sse_reply

import llm_core
from llm_core import LLMError
from llm_core.cli import main
from llm_core.layers import reach

KEY = "sk-live-7c1f9e0d2b"
PASSWORD = "pa55-w0rd-9x"


def echo_401(req: Any) -> Reply:
    """A server that quotes the credential it got back in its error body."""
    sent = req.headers.get("authorization", "")
    return Reply(401, body={"error": {"message": f"key {sent!r} is not valid ({KEY})"}})


@pytest.fixture
def echoing():
    with HTTPServer(fallback=echo_401) as server:
        yield server


def texts_of(error: BaseException) -> str:
    return " ".join([str(error), repr(error), str(getattr(error, "hint", "")), repr(vars(error))])


def test_a_key_echoed_in_a_401_body_is_scrubbed_everywhere(
    echoing, caplog, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    with llm_core.Client("openai", base_url=echoing.url, api_key=KEY) as client:
        with pytest.raises(llm_core.AuthenticationError) as info:
            client.generate("hi")
        health = client.health_check()
    assert "[redacted]" in str(info.value)
    assert KEY not in texts_of(info.value)
    assert not health.ok and KEY not in health.detail and "[redacted]" in health.detail
    assert KEY not in caplog.text
    monkeypatch.setenv("LLM_CORE_API_KEY", KEY)
    code = main(["health", "-p", "openai", "--base-url", echoing.url])
    out, err = capsys.readouterr()
    assert code == 1 and KEY not in out + err


def test_user_info_moves_into_a_basic_auth_header(caplog) -> None:
    caplog.set_level(logging.DEBUG)  # httpx2's and httpcore2's own loggers included
    with HTTPServer(fallback=echo_401) as server:
        url = server.url.replace("://", f"://alice:{PASSWORD}@") + "/v1"
        with llm_core.Client("openai", base_url=url) as client:
            assert client.settings.base_url == server.url + "/v1"
            with pytest.raises(llm_core.AuthenticationError) as info:
                client.list_models()
            shown = repr(client.settings) + repr(client.adapter)
        sent = server.requests[0].headers["authorization"]
    assert sent == "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()
    everything = texts_of(info.value) + shown + caplog.text
    assert PASSWORD not in everything and sent.split()[1] not in everything


@pytest.mark.parametrize(
    ("kwargs", "bad"),
    [
        ({"base_url": f"http://u:{PASSWORD}@h:99999"}, PASSWORD),
        ({"base_url": f"http://u:{PASSWORD}@h", "api_key": KEY}, PASSWORD),
        ({"base_url": f"http://h/v1?key={KEY}"}, KEY),
        ({"api_key": KEY + "\n"}, KEY),
        ({"api_key": KEY + "é"}, KEY),
    ],
)
def test_bad_credentials_are_configuration_errors_that_quote_nothing(kwargs, bad) -> None:
    with pytest.raises(llm_core.ConfigurationError) as info:
        llm_core.Client("openai", **kwargs)
    assert bad not in texts_of(info.value)


def test_a_key_with_a_newline_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_API_KEY", KEY + "\n")
    with pytest.raises(llm_core.ConfigurationError, match="newline") as info:
        llm_core.Client("openai")
    assert KEY not in texts_of(info.value)


# ---------------------------------------------------------------------- no raw exceptions


def chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [error]
    while todo:
        item = todo.pop()
        if item is not None and item not in seen:
            seen.append(item)
            todo += [item.__context__, item.__cause__]
    return seen


def closed_port() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/v1"


def broken_stream(req: Any) -> Reply:
    def events():
        yield {"choices": [{"index": 0, "delta": {"content": "partial"}}]}
        raise ConnectionResetError  # the server drops the connection mid-stream

    return sse_reply(events())


def slow(req: Any) -> Reply:
    time.sleep(1.0)
    return Reply(200, body={"data": []})


CASES = ["refused", "read timeout", "broken stream"]


def run_case(case: str, is_async: bool, url: str) -> BaseException:
    kwargs: dict[str, Any] = {"base_url": url, "api_key": KEY, "retry": {"max_attempts": 1}}
    if case == "read timeout":
        kwargs["timeouts"] = {"read": 0.2}

    def call(client: Any) -> Any:
        if case == "broken stream":
            return client.stream("hi").until_done()
        return client.list_models()

    async def acall() -> None:
        async with llm_core.AsyncClient("openai", **kwargs) as client:
            await call(client)

    def sync() -> None:
        with llm_core.Client("openai", **kwargs) as client:
            call(client)

    with pytest.raises(LLMError) as info:
        anyio.run(acall) if is_async else sync()
    return info.value


@pytest.mark.parametrize("is_async", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("case", CASES)
def test_no_raw_transport_error_hangs_off_a_raised_error(case: str, is_async: bool) -> None:
    server = HTTPServer()
    server.route("GET", "/v1/models")(slow)
    server.route("POST", "/v1/chat/completions")(broken_stream)
    with server:
        error = run_case(case, is_async, closed_port() if case == "refused" else server.url + "/v1")
    linked = chain(error)
    assert all(isinstance(item, LLMError) for item in linked), [type(i) for i in linked]
    assert KEY not in " ".join(texts_of(item) for item in linked)


# ---------------------------------------------------------------------- LM Studio's token


def test_lm_api_token_goes_only_to_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("llm_core_lmstudio", reason="the lmstudio plugin is not installed")
    monkeypatch.setenv("LM_API_TOKEN", KEY)
    with HTTPServer(fallback=lambda req: Reply(200, body={"data": []})) as server:
        with llm_core.Client("lmstudio", base_url=server.url + "/v1") as local:
            local.list_models()
        assert server.requests[-1].headers["authorization"] == f"Bearer {KEY}"
    remote = llm_core.Client(
        "lmstudio", base_url="http://192.0.2.1:1234/v1", timeouts={"connect": 0.2}
    )
    with remote:
        assert "authorization" not in remote.adapter.http.headers
    # and an lmstudio fallback on another host does not get it either
    with llm_core.Client(
        "ollama", fallbacks=[{"provider": "lmstudio", "base_url": "http://192.0.2.1:1234/v1"}]
    ) as client:
        layer = client.adapter.top
        while not hasattr(type(layer), "link"):
            layer = layer.inner
        assert "authorization" not in reach(layer.link(1), "http").headers
