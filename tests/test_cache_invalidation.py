"""``Client.invalidate_cache()`` forgets cached model lists and responses, sync and async."""

from __future__ import annotations

import anyio
import pytest
from support.resilience import resilience_env, script

import llm_core

CACHE = {"cache": {"responses": True}}


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.mark.parametrize("is_async", [False, True])
def test_invalidate_cache_forgets_responses_and_model_lists(env, is_async: bool) -> None:
    s = script("a", "first", "second")

    async def run(client) -> list:
        async def call(op: str):
            result = getattr(client, op)(
                *(("hi",) if op == "generate" else ()),
                **({"temperature": 0} if op == "generate" else {}),
            )
            return await result if is_async else result

        out = [(await call("generate")).content, (await call("generate")).content]
        await call("list_models")
        await call("list_models")
        assert client.invalidate_cache() is True
        out.append((await call("generate")).content)
        await call("list_models")
        return out

    cls = llm_core.AsyncClient if is_async else llm_core.Client
    answers = anyio.run(run, cls("scripted", base_url="http://a", **CACHE))
    assert answers == ["first", "first", "second"]
    assert s.calls.count("models") == 2  # one fetch, one hit, one fetch after invalidating
    assert len(s.calls) == 4


def test_invalidate_cache_on_a_client_without_caches_says_so(env) -> None:
    with llm_core.Client("scripted", base_url="http://a", cache={"models_ttl": 0}) as client:
        assert client.invalidate_cache() is False
