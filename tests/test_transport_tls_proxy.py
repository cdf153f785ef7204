"""TLS and proxies, the same on both transports of the async client and on the sync client.

A server whose CA is in ``SSL_CERT_FILE`` is trusted and one whose CA is not is refused with
``ConnectionError`` (the CAs httpx2 trusts, on aiohttp too). ``HTTP_PROXY`` carries every
request, its credentials sent as ``Proxy-Authorization`` (on the CONNECT of an https server's
tunnel); ``NO_PROXY`` exempts a host. Real
sockets: the OpenAI fake over TLS with a trustme certificate, and a forwarding proxy.
"""

from __future__ import annotations

import asyncio
import base64
import ssl
from typing import Any

import pytest
from support import transports
from support.openai_fake import OpenAIFake
from support.proxy import ForwardProxy

import llm_core

trustme = pytest.importorskip("trustme", reason="the TLS tests need trustme (pip install trustme)")

transport = transports.fixture()
MODES = ["sync", "async", "stream", "astream"]
ONE_TRY = {"retry": {"max_attempts": 1}}


def ask(mode: str, url: str, **kwargs: Any) -> llm_core.Response:
    """One chat request to the OpenAI-compatible server at ``url``, in ``mode``."""
    kwargs = {"base_url": url + "/v1", "model": "fake-model", **kwargs}
    if mode == "sync":
        with llm_core.Client("openai", **kwargs) as client:
            return client.generate("hello there", max_tokens=4)
    if mode == "stream":
        with llm_core.Client("openai", **kwargs) as client:
            return client.stream("hello there", max_tokens=4).until_done()

    async def go() -> llm_core.Response:
        async with llm_core.AsyncClient("openai", **kwargs) as client:
            if mode == "async":
                return await client.generate("hello there", max_tokens=4)
            return await client.stream("hello there", max_tokens=4).until_done()

    return asyncio.run(go())


@pytest.fixture(scope="module")
def ca() -> Any:
    return trustme.CA()


@pytest.fixture
def tls_server(ca: Any) -> Any:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    with OpenAIFake(tls=context) as server:
        yield server


@pytest.fixture
def trusted(ca: Any, tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test CA in ``SSL_CERT_FILE``."""
    pem = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(pem))
    monkeypatch.setenv("SSL_CERT_FILE", str(pem))


@pytest.fixture
def no_env_trust(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SSL_CERT_FILE", "SSL_CERT_DIR"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("mode", MODES)
def test_a_server_whose_ca_is_in_ssl_cert_file_is_trusted(
    mode: str, tls_server: Any, trusted: None
) -> None:
    assert tls_server.url.startswith("https://")
    assert ask(mode, tls_server.url).content == "echo: hello there"
    assert tls_server.count("/v1/chat/completions") == 1


@pytest.mark.parametrize("mode", MODES)
def test_a_server_whose_ca_is_unknown_is_refused(
    mode: str, tls_server: Any, no_env_trust: None
) -> None:
    with pytest.raises(llm_core.ConnectionError) as caught:
        ask(mode, tls_server.url, **ONE_TRY)
    assert "certificate" in str(caught.value).lower()
    assert tls_server.count("/v1/chat/completions") == 0  # nothing was sent in clear


@pytest.mark.parametrize("mode", MODES)
def test_http_proxy_carries_the_request_with_its_credentials(
    mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    with OpenAIFake() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", f"http://user:s3cret@127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        assert ask(mode, server.url).content == "echo: hello there"
        auth = "Basic " + base64.b64encode(b"user:s3cret").decode()
        assert proxy.seen == [(server.url + "/v1/chat/completions", auth)]
        assert server.count("/v1/chat/completions") == 1


@pytest.mark.parametrize("mode", MODES)
def test_no_proxy_exempts_a_host(mode: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with OpenAIFake() as server, ForwardProxy() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert ask(mode, server.url).content == "echo: hello there"
        assert (proxy.seen, server.count("/v1/chat/completions")) == ([], 1)


@pytest.mark.parametrize("mode", MODES)
def test_https_proxy_tunnels_to_a_tls_server_with_its_credentials_on_connect(
    mode: str, tls_server: Any, trusted: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ForwardProxy() as proxy:
        monkeypatch.setenv("HTTPS_PROXY", f"http://user:s3cret@127.0.0.1:{proxy.port}")
        monkeypatch.delenv("NO_PROXY", raising=False)
        assert ask(mode, tls_server.url).content == "echo: hello there"
        auth = "Basic " + base64.b64encode(b"user:s3cret").decode()
        assert proxy.seen == [(f"127.0.0.1:{tls_server.port}", auth)]  # the CONNECT alone
        assert tls_server.count("/v1/chat/completions") == 1
