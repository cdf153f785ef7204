"""Property-based bad input for ``embed``: hypothesis generates malformed texts and arguments
for ``Client.embed`` and ``AsyncClient.embed`` against the Ollama emulator on a real socket;
each must raise a typed llm_core error (the tally is shared with test_bad_input_properties).
"""

from __future__ import annotations

from typing import Any

import anyio
import pytest

hypothesis = pytest.importorskip("hypothesis", reason="property tests need pip install hypothesis")
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from support.bad_input import (  # noqa: E402
    PROPS,
    _report,  # noqa: F401 - prints the tally after the module
    lone_surrogate,
    not_text,
    ollama_fixture,  # noqa: F401 - the `ollama` emulator fixture
    outcome,
)

import llm_core  # noqa: E402

BAD_EMBED_TEXTS = st.one_of(
    not_text,
    st.binary(),
    st.just([]),
    st.builds(lambda t: [t], lone_surrogate),
    st.lists(st.one_of(st.integers(), st.none(), st.binary()), min_size=1),
    st.dictionaries(st.text(), st.text(), min_size=1),
)
BAD_EMBED_FIELDS = st.one_of(
    st.tuples(
        st.just("dimensions"),
        st.one_of(st.integers(max_value=0), st.booleans(), st.text(), st.floats()),
    ),
    st.tuples(
        st.just("truncate"), st.one_of(st.integers(), st.text(), st.none().map(lambda _: []))
    ),
    st.tuples(st.just("keep_alive"), st.one_of(st.booleans(), st.floats(), st.lists(st.text()))),
    st.tuples(st.just("model"), st.one_of(st.integers(), st.just(""), st.booleans())),
    st.tuples(
        st.sampled_from(["batch_size", "concurrency"]),
        st.one_of(st.integers(max_value=0), st.booleans(), st.text(), st.floats()),
    ),
    st.tuples(st.text(min_size=1).filter(lambda s: s not in _EMBED_KNOWN), st.integers()),
)
_EMBED_KNOWN = {
    "model", "dimensions", "truncate", "keep_alive", "batch_size", "concurrency", "progress",
}  # fmt: skip


def _embed_entry_points(url: str) -> dict[str, Any]:
    async def aembed(texts: Any, **kw: Any) -> Any:
        async with llm_core.AsyncClient("ollama", base_url=url, model="nomic-embed-text") as c:
            return await c.embed(texts, **kw)

    def embed(texts: Any, **kw: Any) -> Any:
        with llm_core.Client("ollama", base_url=url, model="nomic-embed-text") as client:
            return client.embed(texts, **kw)

    return {"embed": embed, "aembed": lambda t, **kw: anyio.run(lambda: aembed(t, **kw))}


@pytest.mark.parametrize("name", ["embed", "aembed"])
@PROPS
@given(texts=BAD_EMBED_TEXTS)
def test_bad_embed_texts_are_typed(ollama: Any, name: str, texts: Any) -> None:
    call = _embed_entry_points(ollama.url)[name]
    assert outcome(lambda: call(texts)) == "typed", texts


@pytest.mark.parametrize("name", ["embed", "aembed"])
@PROPS
@given(bad=BAD_EMBED_FIELDS)
def test_bad_embed_field_is_typed(ollama: Any, name: str, bad: tuple[str, Any]) -> None:
    field, value = bad
    call = _embed_entry_points(ollama.url)[name]
    assert outcome(lambda: call(["a text"], **{field: value})) == "typed", bad
