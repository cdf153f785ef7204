"""Structured output on real mlx-vlm (the tiny random-weight Qwen2-VL): mlx-vlm cannot constrain
on CPU, so the schema is an instruction and the core validates and repairs. Random weights never
answer JSON, which makes the failure path the one these tests can check end to end."""

from __future__ import annotations

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

from pydantic import BaseModel

from llm_core import StructuredOutputError

pytestmark = pytest.mark.engine


class Person(BaseModel):
    name: str
    age: int


def test_a_noise_answer_is_repaired_then_a_structured_output_error(client) -> None:
    with pytest.raises(StructuredOutputError, match="is not JSON Person") as info:
        client.generate("Invent a person.", schema=Person, max_tokens=12, repair=1)
    err = info.value
    assert err.provider == "mlx" and err.raw_text and err.errors[0]["type"] == "json_invalid"
    assert [(a.number, a.error_type) for a in err.attempts] == [
        (1, "StructuredOutputError"),
        (2, "StructuredOutputError"),
    ]  # the repair asked the model again, with the validation error


def test_a_stream_is_validated_at_its_end(client) -> None:
    events: list = []
    stream = client.stream("Invent a person.", schema=Person, max_tokens=8)
    with stream, pytest.raises(StructuredOutputError) as info:
        events.extend(stream)
    assert info.value.raw_text == stream.text != ""
    assert events and all(e.text and e.partial is None for e in events)  # noise never parses
