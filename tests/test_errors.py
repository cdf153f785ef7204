"""The error tree: builtins compatibility, context, hints, pickling."""

from __future__ import annotations

import builtins
import pickle

import llm_core.errors as e


def test_tree_matches_the_docstring() -> None:
    for name in e.__all__:
        if not isinstance(getattr(e, name), type):  # the secret helpers: named in the docstring
            assert f":func:`{name}`" in e.__doc__, name
            continue
        assert f" {name} " in e.__doc__ or f"── {name}" in e.__doc__, name
        assert issubclass(getattr(e, name), e.LLMError)
    assert issubclass(e.ConnectionError, builtins.ConnectionError)
    assert issubclass(e.TimeoutError, builtins.TimeoutError)
    for name in (
        "ConnectionError",
        "TimeoutError",
        "AuthenticationError",
        "ModelNotFoundError",
        "RateLimitError",
        "ServerError",
        "InvalidResponseError",
        "GenerationError",
    ):
        assert issubclass(getattr(e, name), e.ProviderError)


def test_context_and_hint_in_str() -> None:
    err = e.ModelNotFoundError(
        "model 'x' not found",
        provider="ollama",
        model="x",
        url="http://h/api/chat",
        hint="ollama pull x",
        status_code=404,
    )
    text = str(err)
    assert "provider=ollama" in text and "model=x" in text and "Hint: ollama pull x" in text
    assert err.status_code == 404


def test_errors_pickle_with_their_fields() -> None:
    err = e.RateLimitError("slow down", retry_after=2.5, provider="p", status_code=429)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.retry_after, copy.provider, copy.status_code) == (2.5, "p", 429)
    partial = pickle.loads(pickle.dumps(e.GenerationError("x", partial_text="abc")))
    assert partial.partial_text == "abc"


def test_fallback_exhausted_lists_every_provider() -> None:
    err = e.FallbackExhaustedError(
        [("ollama", e.ConnectionError("refused")), ("lmstudio", e.ModelNotFoundError("no model"))]
    )
    assert "1. ollama: ConnectionError: refused" in str(err)
    assert "2. lmstudio: ModelNotFoundError: no model" in str(err)
    assert len(err.failures) == 2
