"""Checks for a request's ``tools`` and ``tool_choice`` (run by ``Request.__post_init__``)."""

from __future__ import annotations

from typing import Any

from llm_core.errors import ValidationError
from llm_core.tools.spec import to_tools

__all__ = ["check_tools"]

_CHOICES = ("auto", "none", "required")


def check_tools(request: Any) -> None:
    """Turn functions and Tools in ``request.tools`` into specs; normalise ``tool_choice``."""
    if request.tools is not None:
        if not isinstance(request.tools, list | tuple):
            raise ValidationError(
                f"tools must be a list, got {type(request.tools).__name__}",
                hint="Pass tools=[my_function, ...] or leave it out.",
            )
        request.tools = [t.spec() for t in to_tools(request.tools)]
    choice = request.tool_choice
    if choice is None:
        return
    names = [t["function"]["name"] for t in request.tools or () if "function" in t]
    if isinstance(choice, str) and choice not in _CHOICES:
        if choice not in names:
            raise ValidationError(
                f"tool_choice {choice!r} is neither auto, none, required nor a tool's name",
                hint=f"Pass one of {', '.join(_CHOICES)} or a name from {names}.",
            )
        choice = request.tool_choice = {"type": "function", "function": {"name": choice}}
    if not isinstance(choice, str | dict):
        raise ValidationError(f"tool_choice must be a string or a dict, got {choice!r:.60}")
    if choice != "none" and not request.tools:
        raise ValidationError(
            f"tool_choice {choice!r:.60} needs tools", hint="Pass tools=[...] as well."
        )
