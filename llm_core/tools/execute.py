"""Running the calls of one round: look the tool up, validate, ask ``approve``, call it.

A call that cannot run (an unknown name, a spec-only tool, arguments that are not a JSON object
or fail validation, a vetoed call) becomes an ``error: ...`` result the model can recover from;
so does a tool that raises, unless ``raise_tool_errors`` is set: then its exception propagates
unchanged. Async tools of one round run concurrently on ``AsyncClient``.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

from llm_core.errors import ValidationError
from llm_core.flow import Flow
from llm_core.messages import ToolCall
from llm_core.tools.spec import Tool

__all__ = ["Calls"]

Approve = Callable[[ToolCall], bool]


class Calls:
    """The tools of a loop and how their calls are run."""

    __slots__ = ("approve", "by_name", "raise_errors")

    def __init__(self, tools: list[Tool], approve: Approve | None, raise_errors: bool) -> None:
        self.by_name = {t.name: t for t in tools}
        self.approve, self.raise_errors = approve, raise_errors

    def run(self, calls: list[ToolCall], is_async: bool) -> Flow[list[Any]]:
        """Each call's result (or error text), in order: ``values = yield from calls.run()``."""
        outcomes = [self._start(c) for c in calls]
        if is_async:
            return (yield self._gather(outcomes))
        return [asyncio.run(self._settle(o)) if inspect.isawaitable(o) else o for o in outcomes]

    def _start(self, call: ToolCall) -> Any:
        """The call's result, a coroutine for an async tool, or an error string."""
        tool = self.by_name.get(call.name)
        if tool is None or tool.function is None:
            return f"error: no tool named {call.name!r}; tools: {', '.join(self.by_name)}"
        if "_raw" in call.arguments:
            return f"error: arguments are not a JSON object: {call.arguments['_raw']!r:.200}"
        try:
            kwargs = tool.validate(call.arguments)
        except ValidationError as exc:
            return f"error: {exc.message}"
        if self.approve is not None and not self.approve(call):
            return f"error: the user refused the call to {call.name!r}"
        try:
            return tool.function(**kwargs)
        except Exception as exc:  # a raising tool answers the model, it does not crash the loop
            if self.raise_errors:
                raise
            return _error(exc)

    async def _settle(self, outcome: Any) -> Any:
        if not inspect.isawaitable(outcome):
            return outcome
        try:
            return await outcome
        except Exception as exc:
            if self.raise_errors:
                raise
            return _error(exc)

    async def _gather(self, outcomes: list[Any]) -> list[Any]:
        tasks = [asyncio.ensure_future(self._settle(o)) for o in outcomes]
        try:
            return await asyncio.gather(*tasks)
        finally:  # one raised (raise_tool_errors) or we were cancelled: stop the others
            for task in tasks:
                task.cancel()


def _error(exc: Exception) -> str:
    return f"error: {type(exc).__name__}: {exc}"
