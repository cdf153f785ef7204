"""``llm-core chat --tool module:function``: run the tool loop and show each call and result."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable
from typing import Any

from llm_core.cli.inventory import client_of
from llm_core.cli.output import print_json
from llm_core.errors import ValidationError
from llm_core.types import StreamEvent

__all__ = ["load_tool", "run_tools"]


def load_tool(target: str) -> Callable[..., Any]:
    """The function ``module:function`` names (``package.module:name``, dotted attributes ok)."""
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValidationError(
            f"--tool {target!r} is not module:function",
            hint="Pass --tool package.module:function, e.g. --tool mytools:get_weather.",
        )
    try:
        value: Any = importlib.import_module(module_name)
    except Exception as exc:  # ImportError, or whatever the module raised on import
        raise ValidationError(
            f"--tool {target!r}: cannot import module {module_name!r}: {type(exc).__name__}: {exc}",
            hint="Check the module name and that it is importable (on PYTHONPATH).",
        ) from None
    for part in attribute.split("."):
        if not hasattr(value, part):
            raise ValidationError(
                f"--tool {target!r}: {module_name!r} has no attribute {attribute!r}",
                hint="Check the function's name after the colon.",
            )
        value = getattr(value, part)
    if not callable(value):
        raise ValidationError(
            f"--tool {target!r} is a {type(value).__name__}, not a function",
            hint="Name a function (or another callable) after the colon.",
        )
    return value


def run_tools(args: argparse.Namespace, messages: list, fields: dict[str, Any]) -> int:
    """Run the loop with ``args.tool``; print each call, its result, then the answer."""
    tools = [load_tool(t) for t in args.tool]
    options = {"tools": tools, "max_rounds": args.max_rounds, **fields}
    with client_of(args) as client:
        if args.no_stream or args.json:
            response = client.run(messages, **options)
            if args.json:
                print_json(response)
                return 0
            for message in response.messages[len(messages) :]:
                _show(message)
            print(response.content)
            return 0
        with client.run_stream(messages, **options) as stream:
            for event in stream:
                if event.tool_calls or event.tool_result is not None:
                    _show(event)
                elif event.text:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
        sys.stdout.write("\n")
    return 0


def _show(item: Any) -> None:
    """A call (``> name {arguments}``) or a result (``< name: result``), one line each; ``item``
    is a loop event or a message of the conversation."""
    for call in item.tool_calls or ():
        print(f"> {call.name} {json.dumps(call.arguments, ensure_ascii=False)}", flush=True)
    result = item.tool_result if isinstance(item, StreamEvent) else item
    if result is not None and result.role == "tool":
        print(f"< {result.name}: {result.content}", flush=True)
