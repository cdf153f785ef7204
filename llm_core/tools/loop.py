"""The tool loop behind ``client.run`` and ``client.run_stream``: ask, run the calls the model
makes, send the results back, and ask again until it answers without calls or ``max_rounds``.

Both are flows written once for the sync and async clients (:class:`Loop` holds what they
share); ``run_stream`` is a streaming flow (:func:`llm_core.flow.iterate` / ``aiterate``) that
passes each round's text and tool-call events on, adds one event per tool result, and ends with
a done event whose response has every round and the whole conversation.
"""

from __future__ import annotations

import copy
from dataclasses import replace
from typing import Any

from llm_core.errors import GenerationError, ValidationError
from llm_core.flow import Closing, Emit, Flow
from llm_core.messages import Message
from llm_core.request import Request
from llm_core.tools.execute import Calls
from llm_core.tools.spec import to_tools
from llm_core.types import Response, StreamEvent

__all__ = ["Loop", "run_flow", "stream_flow"]


class Loop:
    """One tool loop's state: the request, the conversation so far, the rounds."""

    def __init__(
        self,
        client: Any,
        prompt: Any,
        tools: Any,
        max_rounds: Any,
        approve: Any,
        raise_tool_errors: Any,
        fields: dict[str, Any],
    ) -> None:
        _check(tools, max_rounds, approve, raise_tool_errors)
        usable = to_tools(tools)
        self.client, self.max_rounds = client, max_rounds
        self.calls = Calls(usable, approve, raise_tool_errors)
        self.request: Request = client._request(prompt, None, {**fields, "tools": usable})
        self.messages = list(self.request.messages)
        self.rounds: list[Response] = []

    def next_request(self) -> Request:
        """The request of the next round: the conversation so far (a shallow copy: the first
        request's fields were checked once, the messages are Messages already)."""
        request = copy.copy(self.request)
        request.messages = list(self.messages)
        return request

    def over(self, response: Response) -> bool:
        """Record a round; whether the loop ends with it (no calls, or out of rounds: the last
        calls are then left on the response, not run)."""
        self.rounds.append(response)
        return not response.tool_calls or len(self.rounds) >= self.max_rounds

    def answer(self, response: Response) -> Flow[list[Message]]:
        """Run the round's calls; append the assistant message and one result per call."""
        calls = response.tool_calls
        values = yield from self.calls.run(calls, self.client._is_async)
        results = [Message.tool_result(c, v) for c, v in zip(calls, values, strict=True)]
        self.messages += [Message("assistant", response.content, tool_calls=calls), *results]
        return results

    def result(self, response: Response) -> Response:
        """The last round's response with every round and the whole conversation (a copy:
        ``rounds[-1]`` is that round alone, so no response contains itself)."""
        return replace(response, rounds=self.rounds, messages=self.messages)


def run_flow(loop: Loop) -> Flow[Response]:
    """``client.run``: the last round's response."""
    client = loop.client
    while True:
        response = yield from client._generate(loop.next_request(), None, {})
        if loop.over(response):
            return loop.result(response)
        yield from loop.answer(response)


def stream_flow(loop: Loop) -> Flow[None]:
    """``client.run_stream``: each round's events, one per tool result, then the final done."""
    client, handle = loop.client, None
    pull: Any = anext if client._is_async else next
    try:
        while True:
            handle = client.stream(loop.next_request())
            while (event := (yield pull(handle, None))) is not None and not event.done:
                yield Emit(event)
            handle, response = None, event.response if event is not None else None
            if response is None:
                raise GenerationError("a round's stream ended without a final event")
            if loop.over(response):
                break
            for message in (yield from loop.answer(response)):
                yield Emit(StreamEvent(tool_result=message))
    except (Closing, Exception):
        if handle is not None:  # stopped early or failed mid-round: close that round's stream
            yield handle.aclose() if client._is_async else handle.close()
        raise
    yield Emit(StreamEvent(done=True, response=loop.result(response)))


def _check(tools: Any, max_rounds: Any, approve: Any, raise_tool_errors: Any) -> None:
    if tools is None:
        raise ValidationError(
            "tools is None: the tool loop needs tools", hint="Pass tools=[my_function, ...]."
        )
    if type(max_rounds) is not int or max_rounds < 1:
        raise ValidationError(
            f"max_rounds must be a positive integer, got {max_rounds!r}",
            hint="Pass max_rounds=N with N >= 1 (an int; the default is 8).",
        )
    if approve is not None and not callable(approve):
        raise ValidationError(
            f"approve must be callable, got {type(approve).__name__} {approve!r:.40}",
            hint="Pass approve=lambda call: True/False (it gets the ToolCall), or leave it out.",
        )
    if type(raise_tool_errors) is not bool:
        raise ValidationError(
            f"raise_tool_errors must be True or False, got {raise_tool_errors!r:.40}",
            hint="Pass raise_tool_errors=True to let a tool's exception propagate.",
        )
