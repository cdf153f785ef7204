"""What the property tests of bad input share: hypothesis strategies for values no field
accepts, and the tally of outcomes (typed / other / accepted) over every module that uses it."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from llm_core import LLMError

__all__ = [
    "PROPS",
    "TALLY",
    "_report",
    "lone_surrogate",
    "not_json",
    "not_text",
    "ollama_fixture",
    "outcome",
]

TALLY: Counter[str] = Counter()
PROPS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

lone_surrogate = st.builds(lambda a, b: a + "\ud800" + b, st.text(max_size=5), st.text(max_size=5))
not_json = st.one_of(
    st.just(math.nan),
    st.just(math.inf),
    st.builds(set, st.lists(st.integers(), max_size=3)),
    st.builds(object),
    st.binary(max_size=4),
    lone_surrogate,
)
not_text = st.one_of(
    st.none(), st.integers(), st.floats(), st.booleans(), st.builds(set, st.lists(st.integers()))
)


def outcome(call: Any) -> str:
    """'typed', 'other' or 'accepted', tallied; ``other`` keeps the exception for the assert."""
    try:
        result = call()
    except LLMError:
        TALLY["typed"] += 1
        return "typed"
    except Exception as exc:  # the point is to catch what leaked
        TALLY["other"] += 1
        return f"other: {type(exc).__name__}: {exc!r:.200}"
    TALLY["accepted"] += 1
    return f"accepted: {result!r:.200}"


@pytest.fixture(name="ollama", scope="module")
def ollama_fixture() -> Iterator[Any]:
    """The Ollama emulator (the ``ollama`` fixture of the modules importing this)."""
    from support.ollama_emulator import OllamaEmulator

    with OllamaEmulator() as server:
        yield server


@pytest.fixture(scope="module", autouse=True)
def _report() -> Iterator[None]:
    yield
    print(f"\nbad input tally: {dict(TALLY)}")
