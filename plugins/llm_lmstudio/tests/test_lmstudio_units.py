"""Sans-IO parts of the LM Studio provider: error shapes, native model list, stats, options,
token lookup, URLs. No sockets here (the emulator and real engines are in the other files)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from support.lmstudio_emulator import (
    BAD_IMAGE,
    CRASHED,
    INVALID_MODEL,
    JSON_OBJECT,
    NO_MODELS,
    NO_TOKEN,
    NO_VISION,
    OVERFLOW,
    UNEXPECTED,
)

from llm_core import ProviderConfig, Request, Response, errors
from llm_core.plugins import get_provider
from llm_core_lmstudio.adapter import LMStudioAdapter
from llm_core_lmstudio.errors import is_unexpected_endpoint, lmstudio_error
from llm_core_lmstudio.native import apply_stats, parse_native_models, stats_metrics
from llm_core_lmstudio.stream import LMStudioChatStream

URL = "http://localhost:1234/v1/chat/completions"
INVALID = {
    "message": INVALID_MODEL.format("o4-mini", "qwen2.5-7b-instruct"),
    "type": "invalid_request_error",
    "param": "model",
    "code": "model_not_found",
}

# (status, body, error type, words in the hint)
SHAPES = [
    (400, {"error": NO_MODELS}, errors.ModelNotFoundError, "lms load qwen"),
    (400, {"error": {"message": NO_MODELS}}, errors.ModelNotFoundError, "lms load qwen"),
    (400, {"error": INVALID}, errors.ModelNotFoundError, "lms ls"),
    (400, {"error": {"message": "x", "code": "model_not_found"}}, errors.ModelNotFoundError, "lms"),
    (400, {"error": JSON_OBJECT}, errors.ValidationError, "JSON schema"),
    (400, {"error": BAD_IMAGE}, errors.ValidationError, "PNG or JPEG"),
    (400, {"error": NO_VISION}, errors.ValidationError, "vlm"),
    (400, {"error": CRASHED}, errors.ServerError, "crashed"),
    (400, {"error": OVERFLOW.format(5000, 4096)}, errors.ValidationError, "--context-length"),
    (200, {"error": OVERFLOW.format(5000, 4096)}, errors.ValidationError, "--context-length"),
    (
        200,
        {"error": UNEXPECTED.format("POST", "/chat/completions")},
        errors.InvalidResponseError,
        "base_url",
    ),
    (
        401,
        {"error": {"type": "invalid_request", "code": "invalid_api_key", "message": NO_TOKEN}},
        errors.AuthenticationError,
        "Manage Tokens",
    ),
    (403, {"error": "forbidden"}, errors.AuthenticationError, "permission"),
    (404, "Not Found", errors.ModelNotFoundError, "lms ls"),
    (500, {"error": "boom"}, errors.ServerError, "retried"),
    (200, {"error": "something new"}, errors.ProviderError, ""),
]


@pytest.mark.parametrize(("status", "body", "kind", "hint"), SHAPES)
def test_every_error_shape_maps_to_a_typed_error(status, body, kind, hint) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    err = lmstudio_error(status, raw.encode(), model="qwen2.5-7b-instruct", url=URL)
    assert type(err) is kind
    message = body if isinstance(body, str) else body["error"]
    message = message if isinstance(message, str) else message["message"]
    assert message in err.message  # LM Studio's own words
    assert err.status_code == status
    assert err.provider == "lmstudio"
    assert hint in (err.hint or "")


def test_auth_hint_says_where_the_token_comes_from() -> None:
    body = {"error": {"code": "invalid_api_key", "message": NO_TOKEN}}
    missing = lmstudio_error(401, body, model=None, url=URL)
    assert "LM_API_TOKEN" in missing.hint
    assert "LMSTUDIO_API_TOKEN" in missing.hint
    rejected = lmstudio_error(401, body, model=None, url=URL, token_sent=True)
    assert "rejected" in rejected.hint


def test_unexpected_endpoint_is_recognised_in_both_shapes() -> None:
    assert is_unexpected_endpoint({"error": UNEXPECTED.format("GET", "/api/v0/models")})
    assert is_unexpected_endpoint({"error": {"message": "Unexpected endpoint or method. (GET /)"}})
    assert not is_unexpected_endpoint({"error": NO_MODELS})
    assert not is_unexpected_endpoint({"data": []})


def test_native_model_list_is_parsed() -> None:
    entry = {
        "id": "qwen2-vl-7b-instruct",
        "object": "model",
        "type": "vlm",
        "arch": "qwen2_vl",
        "compatibility_type": "mlx",
        "quantization": "4bit",
        "state": "loaded",
        "max_context_length": 32768,
        "loaded_context_length": 8192,
        "capabilities": ["tool_use"],
        "publisher": "mlx-community",
    }
    bare = {"id": "future-model", "type": "llm"}
    vlm, other = parse_native_models({"object": "list", "data": [entry, bare]})
    assert (vlm.vision, vlm.loaded, vlm.type, vlm.format) == (True, True, "vlm", "mlx")
    assert (vlm.family, vlm.quantization, vlm.context_length) == ("qwen2_vl", "4bit", 32768)
    assert vlm.capabilities == ("tool_use",)
    assert vlm.raw["loaded_context_length"] == 8192
    assert (other.vision, other.loaded, other.format, other.context_length) == (
        False,
        None,
        None,
        None,
    )
    with pytest.raises(errors.InvalidResponseError, match="wrong shape"):
        parse_native_models({"data": [{"id": "x", "object": "model"}]})  # a /v1 list


def test_stats_become_metrics_and_finish_reason() -> None:
    stats = {
        "tokens_per_second": 51.4,
        "time_to_first_token": 0.111,
        "generation_time": 0.954,
        "stop_reason": "maxPredictedTokensReached",
        "accepted_draft_tokens_count": 3,
    }
    assert stats_metrics(stats) == {
        "tokens_per_second": 51.4,
        "time_to_first_token": 0.111,
        "generation_seconds": 0.954,
        "accepted_draft_tokens": 3.0,
    }
    response = apply_stats(Response("hi", "m", "lmstudio", raw={"stats": stats}))
    assert response.finish_reason == "length"
    assert response.raw["stop_reason"] == "maxPredictedTokensReached"
    assert response.metrics["generation_seconds"] == 0.954  # seconds, not milliseconds
    kept = apply_stats(Response("hi", "m", "lmstudio", finish_reason="stop", raw={"stats": stats}))
    assert kept.finish_reason == "stop"
    assert apply_stats(Response("hi", "m", "lmstudio")).metrics == {}


def test_an_error_in_the_stream_before_any_text_is_typed() -> None:
    state = LMStudioChatStream("lmstudio", "m", 0.0, URL)
    with pytest.raises(errors.ModelNotFoundError, match="No models loaded"):
        state.feed("data: " + json.dumps({"error": {"message": NO_MODELS}}))
    state = LMStudioChatStream("lmstudio", "m", 0.0, URL)
    chunk = {"choices": [{"index": 0, "delta": {"content": "Hel"}}]}
    assert state.feed("data: " + json.dumps(chunk)).text == "Hel"
    with pytest.raises(errors.GenerationError, match="crashed") as info:
        state.feed("data: " + json.dumps({"error": CRASHED}))
    assert info.value.partial_text == "Hel"


def _adapter(**kwargs):
    return LMStudioAdapter(ProviderConfig(provider="lmstudio", **kwargs))


def test_options_are_validated_and_sent() -> None:
    adapter = _adapter(model="m")
    request = Request("hi", options={"ttl": 300, "draft_model": "small", "top_k": 20})
    body = adapter.build_body(request, adapter.options_for(request), stream=False)
    assert (body["ttl"], body["draft_model"], body["top_k"], body["model"]) == (
        300,
        "small",
        20,
        "m",
    )
    with pytest.raises(errors.ValidationError, match="unknown option 'keep_alive'") as info:
        adapter.options_for(Request("hi", options={"keep_alive": 5}))
    assert "ttl" in info.value.hint
    assert "draft_model" in info.value.hint
    with pytest.raises(errors.ValidationError, match="ttl"):
        adapter.options_for(Request("hi", options={"ttl": 0}))
    schema = {"type": "object", "properties": {"a": {"type": "string"}}}
    body = adapter.build_body(Request("hi", response_format=schema), {}, stream=True)
    assert body["response_format"]["type"] == "json_schema"  # never json_object
    assert body["stream_options"] == {"include_usage": True}


def test_token_order_config_then_lm_api_token_then_lmstudio_api_token(monkeypatch) -> None:
    assert "Authorization" not in _adapter().headers()  # none set: no header at all
    monkeypatch.setenv("LMSTUDIO_API_TOKEN", "sk-lm-sdk:1")
    assert _adapter().http.headers["authorization"] == "Bearer sk-lm-sdk:1"
    monkeypatch.setenv("LM_API_TOKEN", "sk-lm-docs:2")
    assert _adapter().http.headers["authorization"] == "Bearer sk-lm-docs:2"
    adapter = _adapter(api_key="sk-lm-config:3")
    assert adapter.http.headers["authorization"] == "Bearer sk-lm-config:3"
    assert adapter.token_source == "config"
    assert "sk-lm" not in repr(adapter)


def test_a_malformed_token_is_a_configuration_error_that_hides_it(monkeypatch) -> None:
    monkeypatch.setenv("LM_API_TOKEN", "sk-lm-secret:abc\tdef")
    with pytest.raises(errors.ConfigurationError, match="LM_API_TOKEN") as info:
        _adapter()
    assert "secret" not in str(info.value)


@pytest.mark.parametrize(
    ("base_url", "chat", "native"),
    [
        (None, "http://localhost:1234/v1", "http://localhost:1234/api/v0/models"),
        ("localhost:4321", "http://localhost:4321/v1", "http://localhost:4321/api/v0/models"),
        ("http://gpu-box:1234/v1/", "http://gpu-box:1234/v1", "http://gpu-box:1234/api/v0/models"),
        (
            "https://gw.example/lms/v1",
            "https://gw.example/lms/v1",
            "https://gw.example/lms/api/v0/models",
        ),
    ],
)
def test_base_url_and_native_root(base_url, chat, native) -> None:
    adapter = _adapter(base_url=base_url)
    assert adapter.base_url() == chat
    assert adapter.native_url("/api/v0/models") == native


def test_default_timeouts_wait_for_a_jit_load_but_not_for_a_dead_server() -> None:
    timeout = _adapter().http.timeout
    assert timeout.connect <= 5
    assert timeout.read >= 300


def test_registration_is_light() -> None:
    spec = get_provider("lmstudio")
    assert spec.default_base_url == "http://localhost:1234/v1"
    assert "LM Studio" in spec.description
    code = (
        "import sys, llm_core_lmstudio.plugin; "
        "print('llm_core_lmstudio.adapter' in sys.modules, 'httpx2' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split()[0] == "False"
