"""Contract checks for tool calling, run when the provider's adapter says ``supports_tools``.

The checks offer the kit's tools (:func:`contract_lookup`, :func:`contract_clock`) with
``tool_choice="required"`` and need a backend whose model calls them: override the
``tool_backend`` / ``tool_model`` fixtures when the ``backend`` fixture's model does not (a
scripted emulator that calls every offered tool, or a real engine with a tools template). What
they check: a call parsed with ``arguments`` a dict that validates against the tool, with an
id and the provider's raw call; the call and its result sent back (an assistant message with
the calls, then a ``role: "tool"`` message naming the call) and accepted; a streamed call
assembled, with ``StreamEvent.tool_call`` set and the same call on the final response; two
tools called in one answer (``parallel_tool_calls = False`` skips that one); async parity.
A provider declaring ``supports_tools = False`` skips them all, saying so.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar, Literal

import pytest

from llm_core import Message, Response, ToolCall
from llm_core.plugins import get_provider_specs
from llm_core.testing.contract.fixtures import ContractBase, run_async
from llm_core.tools import to_tool

__all__ = ["ToolChecks", "contract_clock", "contract_lookup", "request_bodies"]

RESULT = "sunny, 21 degrees"


def contract_lookup(city: Literal["Paris", "Tokyo"]) -> str:
    """Look up the weather in a city (a contract check's tool).

    Args:
        city: the city to look up.
    """
    return f"{RESULT} in {city}"


def contract_clock(zone: Literal["UTC", "CET"]) -> str:
    """The time in a time zone (the second tool of the parallel-call check)."""
    return f"12:00 {zone}"


def request_bodies(sent: bytes) -> list[Any]:
    """The JSON bodies of the HTTP requests in ``sent`` (a connection's client bytes, as
    :class:`~llm_core.testing.CountingProxy` records them); bodies that are not JSON are None."""
    bodies, rest = [], sent
    while b"\r\n\r\n" in rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value.strip())
        body, rest = rest[:length], rest[length:]
        try:
            bodies.append(json.loads(body) if body else None)
        except ValueError:
            bodies.append(None)
    return bodies


class ToolChecks(ContractBase):
    """Tool calls: parsed, sent back, streamed, parallel, async."""

    #: The tool backend's model can call two tools in one answer.
    parallel_tool_calls: ClassVar[bool] = True
    #: Tokens for an answer that is a call (a call's JSON needs more than a short answer).
    tool_max_tokens: ClassVar[int] = 64

    @pytest.fixture
    def tool_backend(self, backend: Any) -> Any:
        """A backend whose model calls the tools offered (override when ``backend``'s does
        not): a base URL or a dict of config fields, as ``backend``."""
        return backend

    @pytest.fixture
    def tool_model(self, model: str) -> str:
        """The model of ``tool_backend`` (override with it)."""
        return model

    @pytest.fixture
    def tools_on(self, tool_backend: Any, tool_model: str) -> dict[str, Any]:
        """Client settings for the tool backend; skips unless the adapter supports tools."""
        spec = get_provider_specs().get(self.provider)
        if spec is None:
            pytest.fail(f"provider {self.provider!r} is not registered: is its plugin installed?")
        adapter = spec.adapter_class(False)
        if not getattr(adapter, "supports_tools", False):
            pytest.skip(f"{adapter.__name__}.supports_tools is False: no tool checks")
        fields = {"base_url": tool_backend} if isinstance(tool_backend, str) else tool_backend
        return {**dict(fields), "model": tool_model}

    def ask(self, **overrides: Any) -> dict[str, Any]:
        """Request fields that offer the lookup tool and require a call."""
        ask = {"tools": [contract_lookup], "tool_choice": "required"}
        return self.fields(**{**ask, "max_tokens": self.tool_max_tokens, **overrides})

    def check_call(self, call: Any, tool: Any = contract_lookup) -> ToolCall:
        """Assert one parsed call of ``tool``: dict arguments that validate, an id, raw."""
        assert isinstance(call, ToolCall), f"expected a ToolCall, got {type(call).__name__}"
        assert call.name == tool.__name__, f"called {call.name!r}, not {tool.__name__!r}"
        assert type(call.arguments) is dict, (
            f"ToolCall.arguments must be a dict (decoded from the wire), got "
            f"{type(call.arguments).__name__} {call.arguments!r:.80}"
        )
        to_tool(tool).validate(call.arguments)  # a ValidationError names the bad field
        assert isinstance(call.id, str) and call.id, f"the call has no id ({call.id!r})"
        assert call.raw is not None, "ToolCall.raw should keep the provider's call object"
        return call

    def first_call(self, response: Any) -> ToolCall:
        assert isinstance(response, Response), type(response).__name__
        assert response.tool_calls, f"no tool call parsed (content {response.content!r:.80})"
        return self.check_call(response.tool_calls[0])

    def test_tool_call_is_parsed(self, tools_on: dict[str, Any]) -> None:
        """A required call comes back as a ToolCall with dict arguments, an id and raw."""
        with self.client(**tools_on) as client:
            self.first_call(client.generate("What is the weather in Paris?", **self.ask()))

    def test_tool_result_is_sent_back_with_the_tool_role(self, tools_on: dict[str, Any]) -> None:
        """Tools go out with the request; the call (on an assistant message) and its result
        (``role: "tool"``, naming the call) go back to the backend, which accepts them. Seen
        on the wire through a counting proxy (HTTP providers)."""
        if not self.http:
            self.round_trip(tools_on)
            return
        with self.proxied(tools_on["base_url"]) as (proxy, url):
            call = self.round_trip({**tools_on, "base_url": url})
            sent = b"".join(bytes(s) for s in proxy.sent)
        first, *_, last = [b for b in request_bodies(sent) if isinstance(b, dict)]
        assert contract_lookup.__name__ in json.dumps(first.get("tools")), (
            f"the tools were not sent: {first.get('tools')!r:.200}"
        )
        *_, asked, answered = last["messages"]
        assert asked["role"] == "assistant" and asked.get("tool_calls"), asked
        sent_call = json.dumps(asked["tool_calls"][0])
        assert call.name in sent_call, f"the call went back without its name: {sent_call:.200}"
        assert answered["role"] == "tool", f"the result went as role {answered['role']!r}"
        assert RESULT in json.dumps(answered.get("content")), answered
        names_it = answered.get("tool_call_id") == call.id or call.name in (
            answered.get("tool_name"),
            answered.get("name"),
        )
        assert names_it, f"the tool message names neither the call id nor the tool: {answered}"

    def round_trip(self, settings: dict[str, Any]) -> ToolCall:
        """Ask with the tool, then send the call and its result back; the call."""
        question = Message("user", "What is the weather in Paris?")
        with self.client(**settings) as client:
            call = self.first_call(client.generate([question], **self.ask()))
            history = [
                question,
                Message("assistant", "", tool_calls=[call]),
                Message.tool_result(call, contract_lookup(**call.arguments)),
            ]
            fields = self.fields(tools=[contract_lookup], max_tokens=self.tool_max_tokens)
            assert isinstance(client.generate(history, **fields), Response)
        return call

    def test_streamed_tool_call_is_assembled(self, tools_on: dict[str, Any]) -> None:
        """A streamed call ends as one ToolCall: marked on an event, listed on the response."""
        with self.client(**tools_on) as client, client.stream("Weather?", **self.ask()) as s:
            events = list(s)
        marked = [e.tool_call for e in events if e.tool_call is not None]
        final = events[-1].response
        assert final is not None, "the last event carries no response"
        assert marked, "no StreamEvent.tool_call marked a completed call"
        call = self.first_call(final)
        assert self.check_call(marked[0]).name == call.name
        assert marked[0].arguments == call.arguments

    def test_parallel_tool_calls(self, tools_on: dict[str, Any]) -> None:
        """Two tools offered, both called in one answer, in order, each with its own id."""
        if not self.parallel_tool_calls:
            pytest.skip("parallel_tool_calls = False: the tool model calls one tool at a time")
        ask = self.ask(tools=[contract_lookup, contract_clock])
        with self.client(**tools_on) as client:
            response = client.generate("Weather in Paris and the time in UTC?", **ask)
        assert len(response.tool_calls) == 2, response.tool_calls
        self.check_call(response.tool_calls[0])
        self.check_call(response.tool_calls[1], contract_clock)
        assert response.tool_calls[0].id != response.tool_calls[1].id

    def test_async_tool_call_is_parsed(self, tools_on: dict[str, Any]) -> None:
        """The async adapter parses the same call."""

        async def main() -> Response:
            async with self.async_client(**tools_on) as client:
                return await client.generate("Weather?", **self.ask())

        self.first_call(run_async(main))
