"""Sans-IO error mapping, model names and the model catalogue parsers."""

from __future__ import annotations

import json

import pytest

from llm_core import errors as e
from llm_core_ollama.catalog import normalise_name, parse_ps, parse_show, parse_tags, same_model
from llm_core_ollama.errors import ollama_error

URL = "http://127.0.0.1:11434/api/chat"


def _err(status: int, body: bytes, model: str | None = "llama9") -> e.LLMError:
    return ollama_error(status, body, {}, model=model, url=URL)


def test_404_json_is_model_not_found_with_the_pull_hint() -> None:
    err = _err(404, b'{"error":"model \'llama9\' not found"}')
    assert isinstance(err, e.ModelNotFoundError)
    assert err.status_code == 404
    assert "model 'llama9' not found" in err.message
    assert "ollama pull llama9" in (err.hint or "")


def test_plain_text_404_and_405_pages_are_clear_errors_about_the_url() -> None:
    for status, text in ((404, b"404 page not found"), (405, b"405 method not allowed")):
        err = _err(status, text)
        assert isinstance(err, e.InvalidResponseError)
        assert not isinstance(err, e.ModelNotFoundError)
        assert text.decode() in err.message
        assert "base_url" in (err.hint or "")


def test_400_keeps_ollamas_message_and_unwraps_nested_llamacpp_errors() -> None:
    err = _err(400, b'{"error":"\\"llama9\\" does not support thinking"}')
    assert isinstance(err, e.ValidationError)
    assert '"llama9" does not support thinking' in err.message
    assert "think" in (err.hint or "")
    inner = {
        "error": {
            "code": 400,
            "type": "invalid_request_error",
            "message": "Multimodal data provided, but model does not support multimodal requests.",
        }
    }
    nested = json.dumps({"error": json.dumps(inner)}).encode()
    err = _err(400, nested)
    assert isinstance(err, e.ValidationError)
    assert err.message.endswith("does not support multimodal requests.")
    assert "vision model" in (err.hint or "")


def test_403_with_an_empty_body_explains_the_host_check() -> None:
    err = _err(403, b"")
    assert isinstance(err, e.AuthenticationError)
    assert "Host" in err.message
    assert "127.0.0.1" in (err.hint or "")


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (500, e.ServerError),
        (502, e.ServerError),
        (503, e.ServerError),
        (429, e.RateLimitError),
        (499, e.ProviderError),
    ],
)
def test_other_statuses(status: int, cls: type) -> None:
    err = _err(
        status, b'{"error":"server busy, please try again.  maximum pending requests exceeded"}'
    )
    assert type(err) is cls
    assert err.status_code == status


def test_names_are_compared_with_latest_normalised() -> None:
    assert normalise_name("llama3.2") == "llama3.2:latest"
    assert normalise_name("llama3.2:3b") == "llama3.2:3b"
    assert normalise_name("user/model") == "user/model:latest"
    assert normalise_name("host:5000/ns/model") == "host:5000/ns/model:latest"
    assert same_model("llama3.2", "llama3.2:latest")
    assert not same_model("llama3.2", "llama3.2:1b")


TAG = {
    "name": "llava:latest",
    "model": "llava:latest",
    "modified_at": "2025-05-04T17:37:44.7-07:00",
    "size": 4_700_000_000,
    "digest": "a80c",
    "details": {
        "parent_model": "",
        "format": "gguf",
        "family": "llama",
        "families": ["llama"],
        "parameter_size": "7B",
        "quantization_level": "Q4_0",
    },
}


def test_tags_give_size_family_parameters_quantization_and_time() -> None:
    old, new = TAG, dict(TAG, name="x:1b", capabilities=["completion", "vision"])
    models = parse_tags({"models": [old, new]})
    assert [m.id for m in models] == ["llava:latest", "x:1b"]
    m = models[0]
    assert (m.size_bytes, m.family, m.parameter_size, m.quantization, m.format) == (
        4_700_000_000,
        "llama",
        "7B",
        "Q4_0",
        "gguf",
    )
    assert m.modified_at == TAG["modified_at"]
    assert m.vision is None
    assert m.capabilities == ()
    assert models[1].vision is True
    assert parse_tags({"models": None}) == [] == parse_tags({"models": []})
    with pytest.raises(e.InvalidResponseError):
        parse_tags({"data": []})


def test_show_gives_capabilities_and_context_length() -> None:
    data = {
        "details": TAG["details"],
        "capabilities": ["completion", "vision"],
        "model_info": {"general.architecture": "llama", "llama.context_length": 8192},
    }
    info = parse_show(data, "llava")
    assert info.id == "llava:latest"
    assert info.vision is True
    assert info.context_length == 8192
    assert info.capabilities == ("completion", "vision")


def test_ps_lists_loaded_models() -> None:
    loaded = parse_ps({"models": [dict(TAG, size_vram=1, expires_at="x", context_length=4096)]})
    assert loaded[0].loaded is True
    assert loaded[0].context_length == 4096


def test_mistyped_model_metadata_is_dropped_not_passed_on() -> None:
    shown = parse_show(
        {
            "capabilities": ["completion", 5, None, "vision"],
            "details": {"family": 7, "parameter_size": "1B", "format": ["gguf"]},
            "modified_at": 123,
        },
        "tiny",
    )
    assert shown.capabilities == ("completion", "vision") and shown.vision is True
    assert (shown.family, shown.parameter_size, shown.format, shown.modified_at) == (
        None,
        "1B",
        None,
        None,
    )
    (loaded,) = parse_ps({"models": [{"name": "tiny", "size": "big", "context_length": -1}]})
    assert (loaded.size_bytes, loaded.context_length, loaded.loaded) == (None, None, True)
