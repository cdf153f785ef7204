"""What every contract check stands on: the fixtures an author overrides, the capability flags,
and helpers that build clients for the author's backend.

An author overrides four fixtures (``provider_name``, ``backend``, ``model`` and, optionally,
``unknown_model``) and sets class attributes for what the provider can do (``http``,
``supports_images``, ...). Everything else comes from the kit.
"""

from __future__ import annotations

import asyncio
import os
import struct
import zlib
from collections.abc import Callable, Coroutine, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar, TypeVar

import pytest

from llm_core import AsyncClient, Client
from llm_core.testing.servers import (
    LOOPBACK,
    CountingProxy,
    RefusedPort,
    SilentServer,
    with_address,
)

__all__ = ["BOGUS_OPTION", "ONE_TRY", "ContractBase", "run_async", "tiny_png"]

T = TypeVar("T")

#: An option name no provider accepts; config and requests carrying it must be refused.
BOGUS_OPTION = "llm_core_contract_no_such_option"
#: Retry settings for checks that expect an error: one attempt, so it surfaces at once.
ONE_TRY = {"max_attempts": 1}


def run_async(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run one coroutine on a fresh event loop (no async test plugin needed)."""
    return asyncio.run(factory())


def tiny_png(width: int = 16, height: int = 16, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A valid PNG of one solid colour, built with the standard library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


class ContractBase:
    """Fixtures to override, capability flags, and client helpers for the contract checks."""

    #: The provider talks HTTP to a server (False for in-process engines such as MLX): the checks
    #: that need a URL (refused port, silent server, proxy) skip when this is False.
    http: ClassVar[bool] = True
    #: The provider comes from an installed plugin's entry point (False only for the core's
    #: built-in providers).
    entry_point: ClassVar[bool] = True
    #: The model reads images: a request with a small PNG must succeed.
    supports_images: ClassVar[bool] = False
    #: ``list_models()`` lists the configured model by the name the ``model`` fixture gives.
    model_listed: ClassVar[bool] = True
    #: The same request at temperature 0 with a seed gives the same text every time.
    deterministic: ClassVar[bool] = True
    #: Tokens per generation in the checks: small, so the suite stays fast.
    max_tokens: ClassVar[int] = 8
    #: Prompt used by the checks.
    prompt: ClassVar[str] = "Say hello to the world"
    #: How long (seconds) a closed stream's connection may take to be seen closed.
    release_timeout: ClassVar[float] = 5.0
    #: A call still running after this many seconds, when it should have stopped within a
    #: fraction of one, is reported as hanging (a generous bound, not a speed check).
    hang_limit: ClassVar[float] = 10.0
    #: Read timeout (seconds) for the checks that talk to the silent server.
    silent_read_timeout: ClassVar[float] = 0.3
    #: An API key configured by the leak checks: it must never appear in any repr, error or log.
    secret: ClassVar[str] = "sk-llm-core-contract-5e3b9d17c2a4"
    #: The async client's transport the checks run on ("httpx2" or "aiohttp"); subclass a
    #: contract with ``transport = "aiohttp"`` to run it on both (sync checks always use httpx2).
    transport: ClassVar[str] = "httpx2"

    # ----------------------------------------------------------------- fixtures to override

    @pytest.fixture
    def provider_name(self) -> str:
        """The provider name your plugin registers (override)."""
        pytest.fail("override the `provider_name` fixture: the name your plugin registers")

    @pytest.fixture
    def backend(self) -> Any:
        """Start your backend and return (or yield) its base URL, or a dict of config fields
        (``base_url``, ``options``, ``timeouts``, ...). In-process providers return ``{}``."""
        pytest.fail("override the `backend` fixture: start your backend, return its base_url")

    @pytest.fixture
    def model(self) -> str:
        """A model your backend serves (override)."""
        pytest.fail("override the `model` fixture: a model name your backend serves")

    @pytest.fixture
    def unknown_model(self) -> str | None:
        """A model name the backend does not have; None when any name is served."""
        return "llm-core-contract-no-such-model"

    # ----------------------------------------------------------------- the kit's own setup

    @pytest.fixture(autouse=True)
    def _contract_setup(
        self,
        provider_name: str,
        backend: Any,
        model: str,
        unknown_model: str | None,
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
    ) -> None:
        """Record the target; run each check without the caller's LLM_CORE_* settings."""
        for name in list(os.environ):
            if name.startswith("LLM_CORE_") and name != "LLM_CORE_PLUGINS":
                monkeypatch.delenv(name)
        monkeypatch.chdir(tmp_path)  # no stray .env
        self.provider = provider_name
        self.model_id = model
        self.unknown = unknown_model
        self.backend_config = {"base_url": backend} if isinstance(backend, str) else dict(backend)
        if self.transport != "httpx2":
            pytest.importorskip(self.transport, reason="pip install 'llm-core[aiohttp]'")
            self.backend_config["transport"] = self.transport
        if self.http and not self.backend_config.get("base_url"):
            pytest.fail(
                "an HTTP provider's `backend` fixture must give a base_url "
                "(or set `http = False` for an in-process provider)"
            )

    # ----------------------------------------------------------------- helpers for the checks

    def config(self, **overrides: Any) -> dict[str, Any]:
        """Client keyword arguments for the author's backend, with ``overrides`` on top.

        Cooldown is off so that a check provoking failures cannot make later checks skip the
        provider; the retry layer keeps its defaults unless a check says otherwise.
        """
        base = {
            "provider": self.provider,
            "model": self.model_id,
            "cooldown": {"cooldown": 0},
            **self.backend_config,
        }
        return {**base, **overrides}

    def client(self, **overrides: Any) -> Client:
        """A Client for the author's backend (use it in a ``with`` block)."""
        return Client(**self.config(**overrides))

    def async_client(self, **overrides: Any) -> AsyncClient:
        """An AsyncClient for the author's backend (create it inside a running event loop)."""
        return AsyncClient(**self.config(**overrides))

    def fields(self, **overrides: Any) -> dict[str, Any]:
        """Request fields for a short deterministic generation."""
        return {"max_tokens": self.max_tokens, "temperature": 0, "seed": 7, **overrides}

    def require_http(self, what: str) -> None:
        """Skip a check that needs a URL when the provider runs in-process."""
        if not self.http:
            pytest.skip(f"in-process provider (http = False): no URL to {what}")

    @contextmanager
    def refused(self) -> Iterator[str]:
        """A base URL (same path as the backend's) on a port that refuses connections."""
        with RefusedPort() as port:
            yield self._on(port.port)

    @contextmanager
    def silent(self) -> Iterator[str]:
        """A base URL on a server that accepts and never answers."""
        with SilentServer() as server:
            yield self._on(server.port)

    @contextmanager
    def proxied(self, base_url: str | None = None) -> Iterator[tuple[CountingProxy, str]]:
        """A counting proxy in front of the backend (or ``base_url``), and the base URL that
        goes through it."""
        base_url = base_url or self.backend_config["base_url"]
        with CountingProxy(base_url) as proxy:
            yield proxy, proxy.url_for(base_url)

    def _on(self, port: int) -> str:
        return with_address(self.backend_config["base_url"], LOOPBACK, port)
