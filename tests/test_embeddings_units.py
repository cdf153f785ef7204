"""The embedding job, wires and cache key without a server (sans-IO parts)."""

from __future__ import annotations

import pytest

from llm_core import errors as e
from llm_core.config import ProviderConfig
from llm_core.embeddings import Embeddings, EmbedRequest, embed_error, parse_openai
from llm_core.embeddings.cache import embedding_key
from llm_core.embeddings.plan import EmbedJob, same_space


def _answer(vectors: list[list[float]], model: str = "m", tokens: int | None = 1) -> Embeddings:
    return Embeddings(vectors, model=model, provider="p", prompt_tokens=tokens)


def test_job_cuts_batches_and_reassembles_in_order() -> None:
    job = EmbedJob(EmbedRequest(tuple("abcde")), batch_size=2)
    assert [b.texts for b in job.batches] == [("a", "b"), ("c", "d"), ("e",)]
    result = job.assemble([_answer([[1.0], [2.0]]), _answer([[3.0], [4.0]]), _answer([[5.0]])])
    assert result.vectors == [[1.0], [2.0], [3.0], [4.0], [5.0]] and result.prompt_tokens == 3


def test_tokens_unknown_when_one_batch_reports_none() -> None:
    job = EmbedJob(EmbedRequest(("a", "b")), batch_size=1)
    assert job.assemble([_answer([[1.0]]), _answer([[2.0]], tokens=None)]).prompt_tokens is None


@pytest.mark.parametrize(
    ("second", "match"),
    [(_answer([[1.0]], model="other"), "'other'"), (_answer([[1.0, 2.0]]), "2 dimensions")],
)
def test_two_vector_spaces_are_never_mixed(second: Embeddings, match: str) -> None:
    job = EmbedJob(EmbedRequest(("a", "b")), batch_size=1)
    with pytest.raises(e.EmbeddingMismatchError, match=match):
        job.assemble([_answer([[1.0]]), second])


def test_ignored_dimensions_are_a_mismatch() -> None:
    job = EmbedJob(EmbedRequest(("a",), dimensions=2))
    with pytest.raises(e.EmbeddingMismatchError, match="asked for 2 dimensions"):
        job.assemble([_answer([[1.0, 2.0, 3.0]])])


def test_fallback_link_on_another_model_is_refused() -> None:
    same_space("nomic", "nomic", "ollama")
    with pytest.raises(e.EmbeddingMismatchError, match="not comparable") as info:
        same_space("nomic", "bge", "lmstudio")
    assert isinstance(info.value, e.ProviderError)  # so the chain skips the link


def test_openai_answer_is_put_in_index_order() -> None:
    data = {"data": [{"index": 1, "embedding": [2.0]}, {"index": 0, "embedding": [1.0]}]}
    got = parse_openai(data | {"usage": {"prompt_tokens": 4}}, EmbedRequest(("a", "b")), "p", "m")
    assert got.vectors == [[1.0], [2.0]] and got.prompt_tokens == 4 and got.model == "m"


@pytest.mark.parametrize(
    "data",
    [
        {"object": "list"},
        {"data": [{"index": 0}]},
        {"data": [{"index": 0, "embedding": [1.0]}]},  # one vector for two inputs
        {"data": [{"index": 0, "embedding": "x"}, {"index": 1, "embedding": [1]}]},
        {"data": [{"index": 0, "embedding": [1.0]}, {"index": 1, "embedding": [1.0, 2.0]}]},
        {"data": [{"index": 0, "embedding": [None]}, {"index": 1, "embedding": [1.0]}]},
    ],
)
def test_wrongly_shaped_answers_are_invalid_responses(data: dict) -> None:
    with pytest.raises(e.InvalidResponseError):
        parse_openai(data, EmbedRequest(("a", "b")), "p", "m")


def test_server_errors_become_the_typed_ones() -> None:
    request = EmbedRequest(("a",), truncate=False)
    unsupported = e.ServerError("x answered 501: not_supported_error", status_code=501)
    assert isinstance(embed_error(unsupported, request), e.NotSupportedError)
    overflow = e.ValidationError("input (406 tokens) exceeds the context size", status_code=400)
    mapped = embed_error(overflow, request)
    assert isinstance(mapped, e.ContextLengthError) and "truncate=True" in (mapped.hint or "")
    other = e.ValidationError("bad field", status_code=400)
    assert embed_error(other, request) is other


def test_cache_key_names_the_vector_space_but_no_secret() -> None:
    # user-info and api_key together are refused at configuration: one credential each
    keyed = ProviderConfig(provider="openai", base_url="http://h/v1", api_key="sk-secret")
    assert "secret" not in embedding_key(keyed, "m", EmbedRequest(("a",)), "a")
    config = ProviderConfig(provider="openai", base_url="http://u:pw@h/v1")
    key = embedding_key(config, "m", EmbedRequest(("a",)), "a")
    assert key == embedding_key(config, "m", EmbedRequest(("b",)), "a")  # per text, not batch
    assert key != embedding_key(config, "m2", EmbedRequest(("a",)), "a")
    assert key != embedding_key(config, "m", EmbedRequest(("a",), dimensions=8), "a")
    assert key != embedding_key(config, "m", EmbedRequest(("a",), truncate=False), "a")
    assert "secret" not in key and "pw" not in key


def test_embeddings_is_a_sequence_with_a_numpy_view() -> None:
    np = pytest.importorskip("numpy")
    result = _answer([[1.0, 0.0], [0.0, 1.0]])
    assert len(result) == 2 and result[1] == [0.0, 1.0] and list(result) == result.vectors
    assert result.array().dtype == np.float32 and result.to_dict()["dimensions"] == 2


@pytest.mark.parametrize(
    "answer",
    [
        {"data": [{"index": 0, "embedding": [0.1]}], "model": 5},
        {"data": [{"index": 0, "embedding": [0.1]}], "usage": {"prompt_tokens": "3"}},
        {"data": [{"index": 0, "embedding": [0.1]}], "usage": "lots"},
        {"data": [{"index": 1, "embedding": [0.1]}, {"index": 1, "embedding": [0.2]}]},
    ],
)
def test_wrongly_typed_openai_embedding_fields_are_invalid_responses(answer) -> None:
    from llm_core.embeddings.wire import parse_openai

    texts = ["a"] * len(answer["data"])
    with pytest.raises(e.InvalidResponseError, match="embeddings answer"):
        parse_openai(answer, EmbedRequest(texts), "openai", "m")


@pytest.mark.parametrize(
    "answer",
    [
        {"embeddings": [[0.1]], "model": ["m"]},
        {"embeddings": [[0.1]], "prompt_eval_count": True},
    ],
)
def test_wrongly_typed_ollama_embedding_fields_are_invalid_responses(answer) -> None:
    from llm_core.embeddings.wire import parse_ollama

    with pytest.raises(e.InvalidResponseError, match="malformed"):
        parse_ollama(answer, EmbedRequest(["a"]), "ollama", "m")
