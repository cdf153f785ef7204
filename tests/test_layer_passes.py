"""A layer with nothing to do for a request is stepped over (``Layer.passes``): its flow is not
entered, the layers around it still are, and the answer is the same. The core's own
pass-through layers (structured, cache, observe) step aside only when idle."""

from __future__ import annotations

import pytest
from support.resilience import MODES, Recorder, ask, resilience_env, script

import llm_core
from llm_core.flow import run
from llm_core.layers import Layer, LayerAdapter
from llm_core.request import Request
from llm_core.types import Response


class Bare:
    """A bare adapter: answers every request with its last message's text."""

    provider, config = "bare", None

    def generate(self, request: Request, *, deadline: float | None = None) -> Response:
        return Response(content=request.messages[-1].text, model="m", provider="bare")

    def model_for(self, request: Request) -> str:
        return "m"


class Entered(LayerAdapter):
    """Notes each flow entered; passes a request whose text is ``"skip"``."""

    def __init__(self, inner, seen: list, name: str) -> None:
        super().__init__(inner)
        self.seen, self.name = seen, name

    def passes(self, request: Request) -> bool:
        return request.messages[-1].text == "skip"

    def generate_flow(self, request, call):
        self.seen.append(self.name)
        return (yield from self.inner_generate(request, call))


def test_a_layer_that_passes_is_stepped_over_and_the_others_still_run() -> None:
    seen: list[str] = []
    inner = Entered(Bare(), seen, "inner")
    middle = Entered(inner, seen, "middle")
    middle.passes = lambda request: True  # type: ignore[method-assign]
    outer = Entered(middle, seen, "outer")
    outer.passes = lambda request: False  # type: ignore[method-assign]
    for text, entered in (("work", ["outer", "inner"]), ("skip", ["outer"])):
        seen.clear()
        response = outer.generate(Request(text))
        assert (response.content, seen) == (text, entered)


def test_the_top_of_the_stack_is_stepped_over_too() -> None:
    seen: list[str] = []
    top = Entered(Entered(Bare(), seen, "inner"), seen, "top")
    call = llm_core.Call("chat")
    assert run(Layer.generate_of(top, Request("skip"), call)).content == "skip"
    assert seen == []
    assert run(Layer.generate_of(top, Request("work"), call)).content == "work"
    assert seen == ["top", "inner"]


def test_a_layer_passes_nothing_by_default() -> None:
    assert Layer(Bare()).passes(Request("hi")) is False


@pytest.fixture
def env(monkeypatch):
    with resilience_env(monkeypatch) as env:
        yield env


@pytest.mark.parametrize("mode", MODES)
def test_observing_steps_aside_only_while_nobody_watches(env, mode) -> None:
    env.pm.unregister(name="test.recorder")
    env.pm.set_blocked("llm_core.logging")
    script("a", "one", "two")
    assert ask(mode).content == "one"
    late = Recorder()
    env.pm.register(late, name="test.late")  # watching from the next call on
    assert ask(mode).content == "two"
    assert [ev[0] for ev in late.events] == ["request", "response"]


def test_the_response_cache_is_entered_when_it_is_on(env) -> None:
    s = script("a", "first", "second", "third")
    with llm_core.Client("scripted", base_url="http://a", cache={"responses": True}) as client:
        assert client.generate("hi", temperature=0).content == "first"
        assert client.generate("hi", temperature=0).cached
    with llm_core.Client("scripted", base_url="http://a") as client:  # off: stepped over
        assert client.generate("hi", temperature=0).content == "second"
        assert client.generate("hi", temperature=0).content == "third"
    assert len(s.calls) == 3
