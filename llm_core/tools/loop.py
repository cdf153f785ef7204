"""The tool loop behind ``client.run``: ask, run the calls the model
makes, send the results back, and ask again until it answers without calls or ``max_rounds``.

Written once as a flow; the sync client runs tools one by one, the async one runs async tools
concurrently (``asyncio.gather``). A tool that raises, an unknown name, bad arguments and a
vetoed call each become a tool-result message the model can recover from.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from llm_core.errors import ValidationError
from llm_core.flow import Flow
from llm_core.messages import Message, ToolCall
from llm_core.tools.spec import Tool, to_tools
from llm_core.types import Response

__all__ = ["loop_flow"]

Approve = Callable[[ToolCall], bool]


def loop_flow(
    client: Any,
    prompt: Any,
    tools: list[Any],
    *,
    max_rounds: int,
    approve: Approve | None,
    fields: dict[str, Any],
) -> Flow[Response]:
    """The last round's response, with every round on ``rounds`` and the conversation on
    ``messages``."""
    if not isinstance(max_rounds, int) or isinstance(max_rounds, bool) or max_rounds < 1:
        raise ValidationError(f"max_rounds must be a positive integer, got {max_rounds!r}")
    usable = to_tools(tools)
    by_name = {t.name: t for t in usable}
    request = client._request(prompt, None, {**fields, "tools": usable})
    messages = list(request.messages)
    rounds: list[Response] = []
    for number in range(1, max_rounds + 1):
        response = yield from client._generate(replace(request, messages=messages), None, {})
        rounds.append(response)
        if not response.tool_calls or number == max_rounds:
            break  # out of rounds: the last calls are left on the response, not run
        messages.append(Message("assistant", response.content, tool_calls=response.tool_calls))
        outcomes = [_start(by_name, c, approve) for c in response.tool_calls]
        if client._is_async:
            values = yield _gather(outcomes)
        else:
            values = [_finish_sync(o) for o in outcomes]
        messages += [
            Message.tool_result(c, v) for c, v in zip(response.tool_calls, values, strict=True)
        ]
    response.rounds, response.messages = rounds, messages
    return response


def _start(by_name: dict[str, Tool], call: ToolCall, approve: Approve | None) -> Any:
    """The call's result, a coroutine for an async tool, or an error string."""
    tool = by_name.get(call.name)
    if tool is None or tool.function is None:
        return f"error: no tool named {call.name!r}; tools: {', '.join(by_name)}"
    if "_raw" in call.arguments:
        return f"error: arguments are not a JSON object: {call.arguments['_raw']!r:.200}"
    try:
        kwargs = tool.validate(call.arguments)
    except ValidationError as exc:
        return f"error: {exc.message}"
    if approve is not None and not approve(call):
        return f"error: the user refused the call to {call.name!r}"
    try:
        return tool.function(**kwargs)
    except Exception as exc:  # a raising tool answers the model, it does not crash the loop
        return f"error: {type(exc).__name__}: {exc}"


def _finish_sync(outcome: Any) -> Any:
    return asyncio.run(_settle(outcome)) if inspect.isawaitable(outcome) else outcome


async def _settle(outcome: Any) -> Any:
    try:
        return await outcome
    except Exception as exc:
        return f"error: {type(exc).__name__}: {exc}"


async def _gather(outcomes: list[Any]) -> list[Any]:
    return await asyncio.gather(
        *(_settle(o) if inspect.isawaitable(o) else _done(o) for o in outcomes)
    )


async def _done(value: Any) -> Any:
    return value
