"""Chat messages and their content parts, validated on construction.

A message's content is a string or a list of parts (:class:`TextPart`, :class:`ImagePart`).
Plain prompts, dicts in the OpenAI shape and :class:`~llm_core.images.Image` objects are all
accepted and normalised by :func:`coerce_messages`, so callers write what is natural.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from llm_core.checks import check_optional_str, check_text
from llm_core.errors import ValidationError
from llm_core.images import Image

__all__ = ["ImagePart", "Message", "Role", "TextPart", "ToolCall", "coerce_messages"]

Role = Literal["system", "user", "assistant", "tool"]
ROLES: frozenset[str] = frozenset(("system", "user", "assistant", "tool"))


@dataclass(frozen=True, slots=True)
class TextPart:
    """A piece of text inside a message."""

    text: str


@dataclass(frozen=True, slots=True)
class ImagePart:
    """An image inside a message (any source :class:`~llm_core.images.Image` accepts)."""

    image: Image


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A tool call requested by the model: ``arguments`` always a dict (decoded from the JSON
    string OpenAI-compatible servers send), ``raw`` the provider's own call object."""

    name: str
    arguments: dict[str, Any]
    id: str | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)


Part = TextPart | ImagePart


@dataclass(slots=True)
class Message:
    """One chat turn: a role and content (a string, or a list of text and image parts)."""

    role: Role
    content: str | list[Part]
    name: str | None = None
    tool_call_id: str | None = None
    tool_calls: list[ToolCall] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise ValidationError(
                f"message role {self.role!r} is not one of system, user, assistant, tool",
                hint="Use Message('user', 'text') or a dict {'role': 'user', 'content': '...'}.",
            )
        if isinstance(self.content, str):
            if not self.content.isascii():  # ASCII has no lone surrogates: no check to run
                check_text(f"{self.role} message content", self.content)
        elif isinstance(self.content, list | tuple):
            self.content = [_coerce_part(p) for p in self.content]
        else:
            raise ValidationError(
                f"{self.role} message content must be a string or a list of parts, "
                f"got {type(self.content).__name__} {self.content!r:.60}",
                hint="Pass content='text', or a list such as ['text', Image('photo.png')]; "
                "wrap a single part dict in a list.",
            )
        if self.name is not None:  # the usual case calls no check
            check_optional_str("message name", self.name)
        if self.tool_call_id is not None:
            check_optional_str("message tool_call_id", self.tool_call_id)
        if not self.content and not self.tool_calls:
            raise ValidationError(
                f"{self.role} message has empty content",
                hint="Give the message some text (or drop it from the list).",
            )

    @classmethod
    def system(cls, text: str) -> Message:
        """A system message."""
        return cls("system", text)

    @classmethod
    def user(cls, text: str, images: Iterable[Any] = ()) -> Message:
        """A user message with optional images (paths, bytes, URLs, data URLs or Image)."""
        imgs = [ImagePart(i if isinstance(i, Image) else Image(i)) for i in image_list(images)]
        return cls("user", [TextPart(text), *imgs] if imgs else text)

    @classmethod
    def assistant(cls, text: str) -> Message:
        """An assistant message (a previous answer, for multi-turn history)."""
        return cls("assistant", text)

    @classmethod
    def tool_result(cls, call: ToolCall, result: Any) -> Message:
        """The answer to a tool call: ``role: "tool"`` naming the call's id and tool name.

        A string result is sent as is; anything else as JSON (``str()`` for what JSON cannot
        hold). An empty result is sent as ``""`` quoted, since servers reject empty content.
        """
        if not isinstance(call, ToolCall):
            raise ValidationError(
                f"tool_result needs the ToolCall it answers, got {type(call).__name__}",
                hint="Pass Message.tool_result(response.tool_calls[0], result).",
            )
        if not isinstance(result, str):
            import json

            result = json.dumps(result, default=str, ensure_ascii=False)
        return cls("tool", result or '""', name=call.name, tool_call_id=call.id)

    @property
    def text(self) -> str:
        """The message's text, with text parts joined by newlines."""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content if isinstance(p, TextPart))

    @property
    def images(self) -> list[Image]:
        """The message's images, in order."""
        if isinstance(self.content, str):
            return []
        return [p.image for p in self.content if isinstance(p, ImagePart)]


def _coerce_part(part: Any) -> Part:
    if isinstance(part, TextPart | ImagePart):
        return part
    if isinstance(part, str):
        check_text("message content", part)
        return TextPart(part)
    if isinstance(part, Image | bytes | bytearray | os.PathLike):
        return ImagePart(part if isinstance(part, Image) else Image(part))
    if isinstance(part, dict):
        kind = part.get("type")
        if kind == "text" and isinstance(part.get("text"), str):
            return TextPart(part["text"])
        if kind == "image_url":
            url = part.get("image_url")
            url = url.get("url") if isinstance(url, dict) else url
            if isinstance(url, str):
                return ImagePart(Image(url))
        if kind == "image":
            source = part.get("image") or part.get("path") or part.get("url") or part.get("data")
            if source is not None:
                return ImagePart(Image(source))
    raise ValidationError(
        f"cannot use {part!r:.80} as message content",
        hint="Content parts are strings, Image objects, {'type':'text','text':...} or "
        "{'type':'image_url','image_url':{'url':...}}.",
    )


def image_list(images: Any) -> list[Any]:
    """``images`` as a list; a lone string, bytes or Image is a mistake named with its fix."""
    if isinstance(images, str | bytes | bytearray | Image | os.PathLike):
        raise ValidationError(
            f"images must be a list of images, got a single {type(images).__name__}",
            hint="Wrap it in a list: images=['photo.png'].",
        )
    if not isinstance(images, Iterable):
        raise ValidationError(
            f"images must be a list of images, got {type(images).__name__} {images!r:.60}",
            hint="Pass images=['photo.png', png_bytes] (paths, bytes, URLs or Image).",
        )
    return list(images)


def coerce_messages(value: str | Message | dict | Sequence[Any]) -> list[Message]:
    """Turn a prompt string, a Message, a dict or a list of these into a list of Messages."""
    if isinstance(value, str):
        return [Message("user", value)]
    if type(value) is list and value:
        for m in value:  # a loop, not all(): once per request
            if type(m) is not Message:
                break
        else:
            return value  # already Messages (a Request of Messages, a copy of a Request)
    if isinstance(value, Message | dict):
        value = [value]
    if not isinstance(value, Sequence) or not value:
        raise ValidationError(
            "messages must be a prompt string or a non-empty list of messages",
            hint="Pass 'Hello' or [{'role': 'user', 'content': 'Hello'}].",
        )
    out: list[Message] = []
    for i, item in enumerate(value):
        if isinstance(item, Message):
            out.append(item)
        elif isinstance(item, dict):
            unknown = set(item) - {"role", "content", "name", "tool_call_id", "images"}
            if unknown or "role" not in item:
                raise ValidationError(
                    f"messages[{i}] must have 'role' and 'content'"
                    + (f"; unknown keys {sorted(unknown)}" if unknown else ""),
                    hint="Each message is {'role': 'user', 'content': '...'}.",
                )
            content = item.get("content", "")
            if item.get("images"):
                content = [TextPart(content)] if isinstance(content, str) else list(content)
                content += [ImagePart(Image(x)) for x in image_list(item["images"])]
            out.append(
                Message(
                    item["role"],
                    content,
                    name=item.get("name"),
                    tool_call_id=item.get("tool_call_id"),
                )
            )
        elif isinstance(item, str):
            out.append(Message("user", item))
        else:
            raise ValidationError(
                f"messages[{i}] is a {type(item).__name__}, not a Message, dict or string"
            )
    return out
