"""Run a module's async cases on both HTTP transports of the async client.

``transport = transports.fixture()`` in a test module parametrizes every test over httpx2 and
aiohttp through ``LLM_CORE_TRANSPORT``; a case whose ``mode`` parameter is not async runs on
httpx2 only (the sync client always uses httpx2), and aiohttp cases skip without aiohttp.
"""

from __future__ import annotations

import importlib.util

import pytest

__all__ = ["HAVE_AIOHTTP", "fixture"]

HAVE_AIOHTTP = importlib.util.find_spec("aiohttp") is not None


def fixture():
    """An autouse fixture over both transports, for a module-level name."""

    @pytest.fixture(autouse=True, params=["httpx2", "aiohttp"])
    def transport(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
        if request.param == "aiohttp":
            callspec = getattr(request.node, "callspec", None)
            mode = str(callspec.params.get("mode", "")) if callspec else ""
            if not mode.startswith("a"):  # "async", "astream", "async generate", ...
                pytest.skip("only async calls have a choice of transport")
            if not HAVE_AIOHTTP:
                pytest.skip("the aiohttp transport needs pip install 'llm-core[aiohttp]'")
            monkeypatch.setenv("LLM_CORE_TRANSPORT", "aiohttp")
        return request.param

    return transport
