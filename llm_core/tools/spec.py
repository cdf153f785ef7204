"""A tool: a name, a description and a JSON schema for its arguments, plus the callable.

:func:`to_tool` accepts a plain function (sync or async; type hints and the docstring become the
schema and description through pydantic, the same machinery as ``schema=``), an explicit spec in
the OpenAI shape (``{"type": "function", "function": {...}}`` or just the inner object), or a
:class:`Tool`. Arguments from the model are validated with :meth:`Tool.validate`.
"""

from __future__ import annotations

import inspect
import re
import weakref
from collections.abc import Callable, Iterable
from typing import Any

import pydantic

from llm_core.errors import ValidationError
from llm_core.structured.schema import Schema, to_schema

__all__ = ["Tool", "to_tool", "to_tools"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_ARG_LINE = re.compile(r"^\s*(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.+)$")


class Tool:
    """One tool: ``name``, ``description``, ``parameters`` (a JSON schema of an object) and
    ``function`` (None for a spec-only tool the caller runs). ``is_async`` is True for a
    coroutine function."""

    __slots__ = ("description", "function", "is_async", "name", "parameters", "schema")

    def __init__(
        self,
        name: str,
        description: str,
        parameters: dict[str, Any],
        function: Callable[..., Any] | None = None,
        schema: Schema | None = None,
    ) -> None:
        if not isinstance(name, str) or not _NAME.match(name):
            raise ValidationError(
                f"tool name {name!r:.80} must be 1 to 64 letters, digits, _ or -",
                hint="Rename the function or pass an explicit spec with a valid name.",
            )
        if not isinstance(parameters, dict) or parameters.get("type", "object") != "object":
            raise ValidationError(
                f"tool {name!r} parameters must be a JSON schema of an object, "
                f"got {parameters!r:.80}",
                hint='Pass {"type": "object", "properties": {...}}.',
            )
        self.name, self.description, self.parameters = name, description or "", parameters
        self.function, self.schema = function, schema
        self.is_async = function is not None and inspect.iscoroutinefunction(function)

    def __repr__(self) -> str:
        return f"Tool({self.name!r})"

    def spec(self) -> dict[str, Any]:
        """The tool in the OpenAI wire shape (Ollama and LM Studio take the same)."""
        function: dict[str, Any] = {"name": self.name, "parameters": self.parameters}
        if self.description:
            function["description"] = self.description
        return {"type": "function", "function": function}

    def validate(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """The model's arguments checked against the signature, as keyword arguments.

        Raises :class:`~llm_core.errors.ValidationError` naming the tool and the first bad field
        (the tool loop turns it into a tool-result message the model can recover from).
        """
        if not isinstance(arguments, dict):
            raise ValidationError(
                f"tool {self.name!r} arguments must be an object, got {arguments!r:.80}"
            )
        if self.schema is None or self.schema.adapter is None:
            return arguments
        try:
            model = self.schema.adapter.validate_python(arguments)
        except pydantic.ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first.get("loc", ())) or "arguments"
            raise ValidationError(
                f"tool {self.name!r} got bad arguments: {where}: {first.get('msg')}",
                hint="Call the tool again with arguments matching its parameters schema.",
            ) from None
        return {k: getattr(model, k) for k in type(model).model_fields}


def to_tool(source: Any) -> Tool:
    """A :class:`Tool` from a callable, an explicit spec dict or a Tool (unchanged)."""
    if isinstance(source, Tool):
        return source
    if isinstance(source, dict):
        return _from_spec(source)
    if callable(source):
        try:  # building the schema costs ~1 ms: once per function, not once per request
            return _BUILT[source]
        except (KeyError, TypeError):  # TypeError: not weakly referenceable (a bound method)
            pass
        tool = _from_function(source)
        try:
            _BUILT[source] = tool
        except TypeError:
            pass
        return tool
    raise ValidationError(
        f"cannot use {type(source).__name__} {source!r:.60} as a tool",
        hint="Pass a function with type hints, or a spec "
        '{"type": "function", "function": {"name": ..., "parameters": {...}}}.',
    )


#: The Tool built from each function (dropped with the function).
_BUILT: weakref.WeakKeyDictionary[Any, Tool] = weakref.WeakKeyDictionary()


def to_tools(sources: Iterable[Any]) -> list[Tool]:
    """Tools from a list; a duplicate name is a ValidationError."""
    if isinstance(sources, str | bytes | dict) or not isinstance(sources, Iterable):
        raise ValidationError(
            f"tools must be a list, got {type(sources).__name__}",
            hint="Pass tools=[my_function, ...].",
        )
    tools = [to_tool(s) for s in sources]
    names = [t.name for t in tools]
    for name in names:
        if names.count(name) > 1:
            raise ValidationError(
                f"two tools are named {name!r}", hint="Give every tool its own name."
            )
    return tools


def _from_spec(spec: dict[str, Any]) -> Tool:
    function = spec.get("function", spec) if spec.get("type", "function") == "function" else None
    if not isinstance(function, dict) or "name" not in function:
        raise ValidationError(
            f"tool spec {spec!r:.80} has no function name",
            hint='Pass {"type": "function", "function": {"name": ..., "parameters": {...}}}.',
        )
    params = function.get("parameters") or {"type": "object", "properties": {}}
    return Tool(function["name"], function.get("description") or "", params)


def _from_function(function: Callable[..., Any]) -> Tool:
    name = getattr(function, "__name__", None) or type(function).__name__
    doc = inspect.getdoc(function) or ""
    summary, described = _docstring(doc)
    try:
        signature = inspect.signature(function)
        hints = _hints(function)
    except (TypeError, ValueError, NameError) as exc:
        raise ValidationError(
            f"tool {name!r}: its signature cannot be read: {exc}",
            hint="Give the function plain parameters with type hints.",
        ) from None
    fields: dict[str, Any] = {}
    for param in signature.parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD, param.POSITIONAL_ONLY):
            raise ValidationError(
                f"tool {name!r}: parameter {param.name!r} ({param.kind.description}) cannot "
                "be passed by name from a JSON object",
                hint="Use ordinary named parameters with type hints.",
            )
        annotation = hints.get(param.name, Any)
        default = ... if param.default is param.empty else param.default
        fields[param.name] = (
            annotation,
            pydantic.Field(default, description=described.get(param.name)),
        )
    try:
        model = pydantic.create_model(f"{name}_arguments", **fields)
    except (pydantic.PydanticSchemaGenerationError, pydantic.PydanticUserError, TypeError) as e:
        raise ValidationError(
            f"tool {name!r}: its signature cannot be turned into a JSON schema: "
            f"{str(e).splitlines()[0]}",
            hint="Use JSON-friendly parameter types (str, int, float, bool, list, dict, models).",
        ) from None
    try:
        schema = to_schema(model)
    except ValidationError as exc:
        raise ValidationError(f"tool {name!r}: {exc.message}", hint=exc.hint) from None
    parameters = dict(schema.json_schema)
    parameters.pop("title", None)
    for prop in parameters.get("properties", {}).values():
        prop.pop("title", None)
    return Tool(name, summary, parameters, function, schema)


def _hints(function: Callable[..., Any]) -> dict[str, Any]:
    import typing

    target = function if inspect.isfunction(function) or inspect.ismethod(function) else None
    target = target or getattr(function, "__call__", function)  # noqa: B004 - callable objects
    return typing.get_type_hints(target, include_extras=True)


def _docstring(doc: str) -> tuple[str, dict[str, str]]:
    """The summary paragraph and ``Args:``/``Parameters`` descriptions of a docstring."""
    paragraphs = doc.split("\n\n")
    summary = " ".join(paragraphs[0].split()) if paragraphs and paragraphs[0] else ""
    described: dict[str, str] = {}
    in_args = False
    for line in doc.splitlines():
        head = line.strip().rstrip(":").lower()
        if head in ("args", "arguments", "parameters", "params"):
            in_args = True
            continue
        if in_args:
            if not line.strip() or line.strip().startswith("---"):
                continue
            match = _ARG_LINE.match(line)
            if match:
                described[match.group(1).lstrip("*")] = match.group(2).strip()
            elif not line.startswith((" ", "\t")):
                in_args = False
    if summary.lower().startswith(("args:", "parameters")):
        summary = ""
    return summary, described
