"""``client.adapter`` reaches through the layers (``llm_core.layers.reach``): a provider's
extras and a layer's own attributes are found down the stack, while a layer itself forwards
nothing (an attribute lookup on it stays the interpreter's fast one)."""

from __future__ import annotations

import pytest
from support.resilience import resilience_env, script

import llm_core
from llm_core.layers import Layer, reach
from llm_core.layers.stack import Stack


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch):
    with resilience_env(monkeypatch) as env:
        yield env


def test_client_adapter_reaches_extras_and_layer_attributes_down_the_stack(env) -> None:
    script("a", "ok")
    with llm_core.Client("scripted", base_url="http://a") as client:
        stack = client.adapter
        assert isinstance(stack, Stack) and isinstance(stack.top, Layer)
        # the cooldown layer's own method, under the structured and cache layers
        assert stack.cooldown_state() == {"state": "closed", "failures": 0, "retry_in": 0.0}
        assert stack.provider == "scripted" and stack.inner is stack.top.inner
        assert stack.generate(llm_core.Request([llm_core.Message.user("hi")])).content == "ok"
        assert "cooldown_state" in dir(stack) and "generate" in dir(stack)
        assert repr(stack) == repr(stack.top)


def test_reach_gives_the_first_adapter_that_has_the_name_or_the_default(env) -> None:
    with llm_core.Client("scripted", base_url="http://a") as client:
        top = client.adapter.top
        assert reach(top, "cooldown_refuses")() is False
        assert reach(top, "no_such_extra", None) is None
        with pytest.raises(AttributeError, match="no_such_extra"):
            reach(top, "no_such_extra")
        with pytest.raises(AttributeError, match="no_such_extra"):
            client.adapter.no_such_extra  # noqa: B018 - the lookup is the test
        bare = top
        while isinstance(bare, Layer):
            bare = bare.inner
        assert reach(bare, "provider") == "scripted"  # a bare adapter: itself only


def test_a_layer_forwards_nothing_itself(env) -> None:
    """A typo in a layer's attribute is that layer's AttributeError, not a lookup somewhere
    below it; what is below is reached on purpose, with reach."""
    with llm_core.Client("scripted", base_url="http://a") as client:
        top = client.adapter.top
        with pytest.raises(AttributeError):
            top.cooldown_state  # noqa: B018 - defined two layers down
        assert callable(reach(top, "cooldown_state"))
