"""The integration tier: a real Ollama / LM Studio of the developer's, when one answers.

Read once at import (the test fixtures clear these variables for every test):

- ``OLLAMA_HOST`` (Ollama's own rules; default ``http://127.0.0.1:11434``), and
  ``OLLAMA_TEST_MODEL`` to pick the chat model (default: the first one ``/api/tags`` lists that
  is not an embedding model);
- ``LMSTUDIO_URL`` (default ``http://localhost:1234/v1``), ``LM_API_TOKEN`` /
  ``LMSTUDIO_API_TOKEN`` when the server wants one, ``LMSTUDIO_TEST_MODEL``.

:func:`ollama` and :func:`lmstudio` probe once (2 s) and give a :class:`RealServer`, or the
reason to skip. Nothing here starts or downloads anything.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from typing import Any

import httpx2
import pytest

from llm_core.testing import AdapterContract

__all__ = ["RealServer", "RealServerContract", "lmstudio", "ollama", "tier_marks"]

_ENV = dict(os.environ)
_EMBEDDING_MARKS = ("embed", "bge", "minilm", "e5-")


@dataclass
class RealServer:
    """A server that answered: its base URL, a chat model, and what it reported."""

    url: str
    model: str | None = None
    api_key: str | None = None
    vision: bool = False
    skip: str | None = None  # why the tier skips (no server, no model)
    models: list[str] = field(default_factory=list)

    def backend(self) -> dict[str, Any]:
        """The contract kit's ``backend``: the URL, and the API token when there is one."""
        return {"base_url": self.url, **({"api_key": self.api_key} if self.api_key else {})}


def _get(url: str, headers: dict[str, str] | None = None) -> Any:
    try:
        r = httpx2.get(url, timeout=2.0, headers=headers or {})
        return r.json() if r.status_code == 200 else None
    except (httpx2.HTTPError, ValueError):
        return None


def _chat_model(names: list[str], wanted: str | None) -> str | None:
    if wanted:
        return wanted
    return next((n for n in names if not any(m in n.lower() for m in _EMBEDDING_MARKS)), None)


@functools.cache
def ollama() -> RealServer:
    """The developer's Ollama, probed once."""
    from llm_core_ollama.host import base_url_from_env

    url = base_url_from_env(_ENV)
    tags = _get(url + "/api/tags")
    if not isinstance(tags, dict):
        return RealServer(url, skip=f"no Ollama answers at {url} (start one or set OLLAMA_HOST)")
    names = [m.get("name", "") for m in tags.get("models", []) if isinstance(m, dict)]
    model = _chat_model(names, _ENV.get("OLLAMA_TEST_MODEL"))
    if model is None:
        return RealServer(url, skip=f"Ollama at {url} has no chat model (ollama pull llama3.2)")
    try:
        shown = httpx2.post(url + "/api/show", json={"model": model}, timeout=5.0).json()
    except (httpx2.HTTPError, ValueError):
        shown = {}
    vision = "vision" in (shown.get("capabilities") or [])
    return RealServer(url, model, vision=vision, models=names)


@functools.cache
def lmstudio() -> RealServer:
    """The developer's LM Studio, probed once."""
    url = _ENV.get("LMSTUDIO_URL", "http://localhost:1234/v1").rstrip("/")
    token = _ENV.get("LM_API_TOKEN") or _ENV.get("LMSTUDIO_API_TOKEN") or None
    listed = _get(url + "/models", {"Authorization": f"Bearer {token}"} if token else None)
    if not isinstance(listed, dict):
        return RealServer(url, skip=f"no LM Studio answers at {url} (start its server or set "
                          "LMSTUDIO_URL; LM_API_TOKEN if it requires one)")  # fmt: skip
    names = [m.get("id", "") for m in listed.get("data", []) if isinstance(m, dict)]
    model = _chat_model(names, _ENV.get("LMSTUDIO_TEST_MODEL"))
    if model is None:
        return RealServer(url, skip=f"LM Studio at {url} has no chat model downloaded")
    return RealServer(url, model, api_key=token, models=names)


def tier_marks(real: RealServer) -> list[Any]:
    """A module's ``pytestmark``: marked ``integration``, skipped with the reason when absent."""
    return [pytest.mark.integration, pytest.mark.skipif(real.skip is not None, reason=real.skip)]


class RealServerContract(AdapterContract):
    """The contract kit on a real server: set ``provider_under_test`` and ``real``."""

    provider_under_test: str = ""
    real: RealServer
    deterministic = False  # a real model on a busy GPU may not repeat itself token for token
    parallel_tool_calls = False  # whether a real model calls two tools at once is its choice
    max_tokens = 16

    @pytest.fixture
    def provider_name(self) -> str:
        return self.provider_under_test

    @pytest.fixture
    def backend(self) -> dict[str, Any]:
        return self.real.backend()

    @pytest.fixture
    def model(self) -> str:
        return self.real.model or ""
