"""The response cache and requests with tools (OpenAI fake, real socket): not cached unless
``cache.tools`` says so."""

from __future__ import annotations

import pytest

import llm_core
from tests.support.openai_fake import OpenAIFake


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.mark.parametrize(("opt_in", "sent"), [(False, 4), (True, 2)])
def test_requests_with_tools_are_cached_only_when_told(opt_in: bool, sent: int) -> None:
    with OpenAIFake() as fake:
        cache = {"responses": True, "tools": opt_in}
        kwargs = {"base_url": fake.url + "/v1", "model": "fake-model", "cache": cache}
        with llm_core.Client("openai", **kwargs) as c:
            answers = [c.generate("hi", tools=[add], temperature=0) for _ in range(2)]
            streamed = [
                c.stream("hi again", tools=[add], temperature=0).until_done() for _ in range(2)
            ]
            plain = [c.generate("hi", temperature=0) for _ in range(2)]
        chats = fake.count("/v1/chat/completions")
    assert [a.cached for a in answers] == [False, opt_in]
    assert [a.cached for a in streamed] == [False, opt_in]
    assert [a.cached for a in plain] == [False, True]  # without tools: cached as always
    assert chats == sent + 1
