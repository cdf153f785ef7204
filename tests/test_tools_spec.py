"""Tools from callables and specs: the schema pydantic builds, argument validation, bad input."""

from __future__ import annotations

import asyncio
from typing import Literal

import pytest

from llm_core import Message, ToolCall
from llm_core.errors import ValidationError
from llm_core.tools import Tool, to_tool, to_tools


def get_weather(city: str, unit: Literal["c", "f"] = "c", days: int = 1) -> str:
    """Current weather for a city.

    Args:
        city: The city name, e.g. Paris.
        unit: Temperature unit.
    """
    return f"{city}: 20{unit} for {days} day(s)"


async def slow_add(a: int, b: int) -> int:
    """Add two numbers."""
    await asyncio.sleep(0)
    return a + b


class Opaque:
    """A type pydantic cannot describe."""


def test_function_becomes_schema_with_docstring_descriptions() -> None:
    tool = to_tool(get_weather)
    spec = tool.spec()
    assert spec["type"] == "function"
    fn = spec["function"]
    assert fn["name"] == "get_weather"
    assert fn["description"] == "Current weather for a city."
    params = fn["parameters"]
    assert params["type"] == "object"
    assert params["required"] == ["city"]
    assert params["properties"]["city"] == {
        "type": "string",
        "description": "The city name, e.g. Paris.",
    }
    assert params["properties"]["unit"]["enum"] == ["c", "f"]
    assert params["properties"]["days"]["default"] == 1
    assert not tool.is_async


def test_async_function_is_marked_and_validated() -> None:
    tool = to_tool(slow_add)
    assert tool.is_async
    assert tool.validate({"a": "2", "b": 3}) == {"a": 2, "b": 3}


def test_validate_names_bad_field() -> None:
    tool = to_tool(get_weather)
    with pytest.raises(ValidationError, match=r"get_weather.*days"):
        tool.validate({"city": "Paris", "days": "many"})
    with pytest.raises(ValidationError, match="city"):
        tool.validate({})
    assert tool.validate({"city": "Oslo"}) == {"city": "Oslo", "unit": "c", "days": 1}


def test_explicit_spec_both_shapes() -> None:
    inner = {"name": "lookup", "description": "Find", "parameters": {"type": "object"}}
    for spec in (inner, {"type": "function", "function": inner}):
        tool = to_tool(spec)
        assert tool.function is None
        assert tool.spec() == {"type": "function", "function": inner}
        assert tool.validate({"anything": 1}) == {"anything": 1}


def test_bad_tools_are_typed_errors() -> None:
    def varargs(*items: int) -> None:
        """No names."""

    def opaque(x: Opaque) -> None:
        """Not JSON."""

    with pytest.raises(ValidationError, match=r"varargs.*items"):
        to_tool(varargs)
    with pytest.raises(ValidationError, match=r"opaque.*JSON schema"):
        to_tool(opaque)
    with pytest.raises(ValidationError, match="as a tool"):
        to_tool(42)
    with pytest.raises(ValidationError, match="two tools"):
        to_tools([get_weather, get_weather])
    with pytest.raises(ValidationError, match="function name"):
        to_tool({"type": "function", "function": {}})
    with pytest.raises(ValidationError, match="tool name"):
        Tool("has space", "", {"type": "object"})


def test_tool_result_message() -> None:
    call = ToolCall("get_weather", {"city": "Paris"}, id="call_1")
    msg = Message.tool_result(call, {"temp": 20})
    assert (msg.role, msg.name, msg.tool_call_id, msg.content) == (
        "tool",
        "get_weather",
        "call_1",
        '{"temp": 20}',
    )
    assert Message.tool_result(call, "").content == '""'
    with pytest.raises(ValidationError, match="ToolCall"):
        Message.tool_result({"id": "x"}, "r")  # type: ignore[arg-type]
