"""Fixtures for the Ollama provider's tests.

- ``ollama``: a fresh Ollama emulator (tests/support/ollama_emulator.py) per test, on a real
  loopback socket; after the test, no handler may have failed inside it.
- ``client`` / ``aclient``: llm-core clients for provider ``ollama`` pointed at it, model
  ``llama3.2`` (stored as ``llama3.2:latest``), with fast retry backoff; ``make_client`` /
  ``make_aclient`` build more (``make_client(server, **settings)``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from support.ollama_emulator import OllamaEmulator

from llm_core import AsyncClient, Client

FAST_RETRY = {"backoff_base": 0.01, "backoff_cap": 0.02, "jitter": False}


@pytest.fixture
def ollama() -> Iterator[OllamaEmulator]:
    """An Ollama emulator with four local models and one pullable model."""
    with OllamaEmulator() as server:
        yield server
    assert not server.errors, server.errors


def _settings(server: OllamaEmulator | str, kwargs: dict[str, Any]) -> dict[str, Any]:
    url = server if isinstance(server, str) else server.url
    return {"model": "llama3.2", "base_url": url, "retry": FAST_RETRY, **kwargs}


@pytest.fixture
def make_client() -> Iterator[Callable[..., Client]]:
    """``make_client(server_or_url, **settings)``: a sync client, closed after the test."""
    made: list[Client] = []

    def make(server: OllamaEmulator | str, **kwargs: Any) -> Client:
        made.append(Client("ollama", **_settings(server, kwargs)))
        return made[-1]

    yield make
    for c in made:
        c.close()


@pytest.fixture
async def make_aclient() -> AsyncIterator[Callable[..., AsyncClient]]:
    """``make_aclient(server_or_url, **settings)``: an async client, closed after the test."""
    made: list[AsyncClient] = []

    def make(server: OllamaEmulator | str, **kwargs: Any) -> AsyncClient:
        made.append(AsyncClient("ollama", **_settings(server, kwargs)))
        return made[-1]

    yield make
    for c in made:
        await c.aclose()


@pytest.fixture
def client(ollama: OllamaEmulator, make_client: Callable[..., Client]) -> Client:
    """A sync llm-core client on the emulator."""
    return make_client(ollama)


@pytest.fixture
async def aclient(ollama: OllamaEmulator, make_aclient: Callable[..., AsyncClient]) -> AsyncClient:
    """An async llm-core client on the emulator."""
    return make_aclient(ollama)
