"""Request validation, Response helpers and the output types."""

from __future__ import annotations

import pytest

from llm_core import Request, Response, StreamEvent, Usage, ValidationError


def test_request_accepts_a_prompt_and_normalises_stop() -> None:
    req = Request("Hi", temperature=0, stop="END", seed=3, max_tokens=5, top_p=0.5)
    assert req.messages[0].text == "Hi"
    assert req.stop == ["END"]
    assert req.is_deterministic


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("temperature", -1),
        ("temperature", 3),
        ("temperature", float("nan")),
        ("top_p", 2),
        ("max_tokens", 0),
        ("max_tokens", 1.5),
        ("max_tokens", True),
        ("seed", "x"),
        ("stop", [""]),
        ("response_format", "json"),
        ("options", ["x"]),
        ("temperature", "hot"),
    ],
)
def test_bad_fields_name_themselves(field: str, value: object) -> None:
    with pytest.raises(ValidationError, match=field):
        Request("Hi", **{field: value})


def test_cache_key_material_is_stable_and_has_no_secrets() -> None:
    a = Request("Hi", temperature=0, options={"b": 1, "a": 2})
    b = Request("Hi", temperature=0, options={"a": 2, "b": 1})
    assert a.cache_key_material() == b.cache_key_material()
    assert a.cache_key_material() != Request("Hi", temperature=0.5).cache_key_material()
    assert not Request("Hi").is_deterministic


def test_with_model_copies() -> None:
    req = Request("Hi", model="a")
    assert req.with_model("b").model == "b"
    assert req.model == "a"


def test_response_json_and_usage() -> None:
    resp = Response('{"x": 1}', "m", "p", usage=Usage(2, 3))
    assert resp.json() == {"x": 1}
    assert resp.text == resp.content
    assert resp.usage.total_tokens == 5
    assert Usage(None, 3).total_tokens is None
    with pytest.raises(ValidationError, match="not JSON"):
        Response("nope", "m", "p").json()


def test_stream_event_final_carries_usage_and_finish_reason() -> None:
    final = StreamEvent(done=True, response=Response("x", "m", "p", finish_reason="stop"))
    assert final.finish_reason == "stop"
    assert final.usage == Usage()
    assert StreamEvent("a").finish_reason is None
    assert StreamEvent("a").usage is None
