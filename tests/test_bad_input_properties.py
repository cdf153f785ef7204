"""Property-based bad input: hypothesis generates malformed values for every public entry point
(Client / AsyncClient generate and stream, Request, Message, settings, environment variables;
``embed`` in test_bad_input_embed)
and each must raise a typed llm_core error, never a ``TypeError`` or a silent acceptance.

The calls go to the Ollama and OpenAI emulators on real loopback sockets, so a value that slips
past the checks would reach the wire (and the tally would count it as accepted).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import anyio
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="property tests need pip install hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from support.bad_input import (  # noqa: E402
    PROPS,
    TALLY,
    _report,  # noqa: F401 - prints the tally after the module
    lone_surrogate,
    not_json,
    not_text,
    ollama_fixture,  # noqa: F401 - the `ollama` emulator fixture
    outcome,
)

import llm_core  # noqa: E402
from llm_core import Message, Request  # noqa: E402

# One malformed keyword per example: (field, value). Every value here is wrong for its field.
BAD_FIELDS = st.one_of(
    st.tuples(st.just("stop"), st.one_of(st.integers(), st.builds(set, st.lists(st.text())))),
    st.tuples(st.just("stop"), st.lists(st.one_of(st.integers(), st.just("")), min_size=1)),
    st.tuples(st.just("temperature"), st.one_of(st.floats(min_value=2.01), st.just(math.nan))),
    st.tuples(st.just("temperature"), st.one_of(st.text(), st.booleans())),
    st.tuples(st.just("top_p"), st.floats(max_value=-0.01)),
    st.tuples(st.just("max_tokens"), st.one_of(st.integers(max_value=0), st.floats(), st.text())),
    st.tuples(st.just("seed"), st.one_of(st.floats(), st.text(), st.booleans())),
    st.tuples(
        st.just("model"), st.one_of(st.integers(), st.booleans(), st.just(""), st.lists(st.text()))
    ),
    st.tuples(
        st.just("tools"), st.one_of(st.text(), st.integers(), st.lists(st.integers(), min_size=1))
    ),
    st.tuples(st.just("response_format"), st.one_of(st.text(), st.lists(st.integers()))),
    st.tuples(st.just("response_format"), st.dictionaries(st.just("x"), not_json, min_size=1)),
    st.tuples(st.just("options"), st.one_of(st.text(), st.lists(st.integers()))),
    st.tuples(st.just("options"), st.dictionaries(st.just("temperature"), not_json, min_size=1)),
    st.tuples(st.just("options"), st.sampled_from([{"num_ctx": True}, {"num_ctx": "8"}])),
    st.tuples(
        st.just("images"), st.one_of(st.text(min_size=1), st.integers(), st.binary(min_size=1))
    ),
    st.tuples(st.just("images"), st.lists(st.one_of(st.integers(), st.none()), min_size=1)),
    st.tuples(st.text(min_size=1).filter(lambda s: s not in _KNOWN), st.integers()),
)
_KNOWN = {
    "model", "temperature", "max_tokens", "top_p", "stop", "seed",
    "response_format", "options", "tools", "images",
}  # fmt: skip
BAD_PROMPTS = st.one_of(
    not_text,
    lone_surrogate,
    st.just([]),
    st.builds(lambda c: [{"role": "user", "content": c}], not_text),
    st.builds(lambda c: [{"role": "user", "content": {"type": "text", "text": c}}], st.text()),
    st.builds(
        lambda r: [{"role": r, "content": "hi"}], st.text().filter(lambda r: r not in _ROLES)
    ),
    st.builds(lambda n: [{"role": "user", "content": "hi", "name": n}], st.integers()),
    st.builds(lambda i: [{"role": "tool", "content": "x", "tool_call_id": i}], st.integers()),
    st.builds(lambda x: [{"role": "user", "content": "hi", "images": x}], st.text(min_size=1)),
)
_ROLES = {"system", "user", "assistant", "tool"}


def _entry_points(client: Any, url: str) -> dict[str, Any]:
    # A fresh AsyncClient per call: each anyio.run is a new event loop.
    async def agen(p: Any, **kw: Any) -> Any:
        async with llm_core.AsyncClient("ollama", base_url=url, model="llama3.2") as aclient:
            return await aclient.generate(p, **kw)

    async def astream(p: Any, **kw: Any) -> Any:
        async with llm_core.AsyncClient("ollama", base_url=url, model="llama3.2") as aclient:
            return await aclient.stream(p, **kw).until_done()

    return {
        "generate": client.generate,
        "stream": lambda p, **kw: client.stream(p, **kw).until_done(),
        "agenerate": lambda p, **kw: anyio.run(lambda: agen(p, **kw)),
        "astream": lambda p, **kw: anyio.run(lambda: astream(p, **kw)),
    }


@pytest.fixture(scope="module")
def entry(ollama: Any) -> Iterator[dict[str, Any]]:
    with llm_core.Client("ollama", base_url=ollama.url, model="llama3.2") as client:
        yield _entry_points(client, ollama.url)


ENTRIES = ["generate", "stream", "agenerate", "astream"]


@pytest.mark.parametrize("name", ENTRIES)
@PROPS
@given(bad=BAD_FIELDS)
def test_bad_field_is_typed(entry: dict[str, Any], name: str, bad: tuple[str, Any]) -> None:
    field, value = bad
    assert outcome(lambda: entry[name]("hi", **{field: value})) == "typed", (field, value)


@pytest.mark.parametrize("name", ENTRIES)
@PROPS
@given(prompt=BAD_PROMPTS)
def test_bad_prompt_is_typed(entry: dict[str, Any], name: str, prompt: Any) -> None:
    assert outcome(lambda: entry[name](prompt)) == "typed", prompt


@PROPS
@given(bad=BAD_FIELDS, prompt=BAD_PROMPTS)
def test_request_and_message_constructors(bad: tuple[str, Any], prompt: Any) -> None:
    field, value = bad
    provider_checked = field == "options" and "num_ctx" in value  # the adapter knows num_ctx
    if field != "images" and field in _KNOWN and not provider_checked:
        assert outcome(lambda: Request("hi", **{field: value})) == "typed", bad
    if not isinstance(prompt, list):
        assert outcome(lambda: Message("user", prompt)) == "typed", prompt


@PROPS
@given(field=st.sampled_from(sorted(_KNOWN - {"images"})), value=st.integers())
def test_keyword_beside_request_is_typed(entry: dict[str, Any], field: str, value: int) -> None:
    assert outcome(lambda: entry["generate"](Request("hi"), **{field: value})) == "typed"


bad_urls = st.one_of(
    st.sampled_from(["", "   ", "not a url", "http://", "https:///x", "ftp://h", "http://h:99999"]),
    st.builds(lambda s: "http://h" + s + "x", st.sampled_from([" ", "\n", "\t", "é"])),
)
bad_keys = st.builds(
    lambda k, e: k + e,
    st.text("abc", min_size=6).map(lambda s: "sk-" + s),
    st.sampled_from(["\n", " ", "é", "\x00"]),
)


@PROPS
@given(url=bad_urls)
def test_bad_base_url_is_configuration_error(url: str) -> None:
    assert outcome(lambda: llm_core.Client("ollama", base_url=url)) == "typed", url


@PROPS
@given(key=bad_keys)
def test_bad_api_key_is_configuration_error_never_quoted(key: str) -> None:
    with pytest.raises(llm_core.ConfigurationError) as info:
        llm_core.Client("openai", base_url="http://127.0.0.1:9", api_key=key)
    TALLY["typed"] += 1
    assert key.strip() not in str(info.value)


@PROPS
@given(
    var=st.sampled_from(["OPTIONS", "RETRY", "CACHE", "FALLBACKS", "TIMEOUTS"]),
    text=st.sampled_from(["{", "[", "{bad}", "nope", '{"a":']),
)
def test_env_not_json_is_configuration_error(var: str, text: str) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("LLM_CORE_" + var, text)
        assert outcome(lambda: llm_core.Client("ollama")) == "typed", (var, text)


def test_fallbacks_object_never_quotes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_FALLBACKS", '{"provider": "openai", "api_key": "sk-SECRET-1"}')
    with pytest.raises(llm_core.ConfigurationError) as info:
        llm_core.Client("ollama")
    assert "sk-SECRET-1" not in str(info.value)


@pytest.mark.parametrize(
    ("options", "needle"),
    [({"num_ctx": True}, "num_ctx"), ({"keep_alive": True}, "keep_alive")],
)
def test_wrong_typed_provider_options_are_named(entry: Any, options: dict, needle: str) -> None:
    with pytest.raises(llm_core.ValidationError, match=needle):
        entry["generate"]("hi", options=options)


def test_extra_body_may_not_replace_messages(openai_fake: Any) -> None:
    with (
        llm_core.Client("openai", base_url=openai_fake.url) as client,
        pytest.raises(llm_core.ValidationError, match="messages"),
    ):
        client.generate("hi", options={"extra_body": {"messages": []}})
