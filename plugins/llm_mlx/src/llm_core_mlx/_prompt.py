"""llm-core messages to mlx-vlm inputs: chat messages with image markers, and PIL images.

Images (paths, bytes, http(s) URLs, data URLs) are decoded into RGB ``PIL.Image`` objects in the
caller's thread, before the request reaches the MLX worker: mlx-vlm takes PIL images as they are
(it does not take bare base64), nothing is written to disk, a URL is fetched once by llm-core's
client (within the call's deadline and ``images`` limits) instead of by mlx-vlm, and a broken
image fails fast with a ValidationError naming
it. Each user message keeps its images in place through ``{"type": "image"}`` content parts, so
``apply_chat_template`` puts the image tokens in the message that carried them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from llm_core import ImagePart, Message, NotSupportedError, Request, ValidationError
from llm_core.adapter import with_json_instruction

__all__ = ["Prepared", "check_images", "prepare", "render_prompt"]

_PROVIDER = "mlx"


@dataclass(slots=True)
class Prepared:
    """A request turned into what mlx-vlm takes: chat messages and decoded images."""

    chat: list[dict[str, Any]]
    images: list[Any] = field(default_factory=list)


def prepare(request: Request) -> Prepared:
    """Convert the request's messages (decoding every image); raises ValidationError.

    mlx-vlm has no constrained decoding: a JSON schema (``schema=`` / ``response_format``) becomes
    an instruction in the system message, and the core validates (and repairs) the answer.
    """
    if request.tools:  # the client refuses these first; this guards a direct adapter call
        raise NotSupportedError(
            "the mlx provider does not support tools",
            provider=_PROVIDER,
            hint="Use tools with ollama, lmstudio or an OpenAI-compatible server.",
        )
    chat: list[dict[str, Any]] = []
    images: list[Any] = []
    for index, message in enumerate(request.messages):
        chat.append(_convert(index, message, images))
    if request.response_format is not None:
        chat = with_json_instruction(chat, request.response_format)
    return Prepared(chat, images)


def _convert(index: int, message: Message, images: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"role": message.role}
    if message.tool_call_id:
        out["tool_call_id"] = message.tool_call_id
    if isinstance(message.content, str) or not message.images:
        out["content"] = message.text
        return out
    if message.role != "user":
        raise ValidationError(
            f"messages[{index}] has role {message.role!r} and images; mlx-vlm reads "
            "images only from user messages",
            provider=_PROVIDER,
            hint="Move the images into a user message.",
        )
    parts: list[dict[str, Any]] = []
    for part in message.content:
        if isinstance(part, ImagePart):
            images.append(decode_image(part.image))
            parts.append({"type": "image"})
        elif part.text:
            parts.append({"type": "text", "text": part.text})
    out["content"] = parts
    return out


def decode_image(image: Any) -> Any:
    """An llm-core Image as an RGB PIL image (EXIF rotation applied, as mlx-vlm does)."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    data = image.data()  # reads the file or fetches the URL; ValidationError when it cannot
    try:
        with PILImage.open(io.BytesIO(data)) as opened:
            opened.load()
            picture = ImageOps.exif_transpose(opened) or opened
            return picture.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ValidationError(
            f"cannot decode image {image!r}: {exc}",
            provider=_PROVIDER,
            hint="Pass a PNG, JPEG, GIF, WebP or BMP image.",
        ) from None


def check_images(model_name: str, model_type: str, count: int) -> None:
    """ValidationError when the model takes no images, or only one and ``count`` > 1."""
    if count == 0:
        return
    from ._mlxinfo import model_tables

    tables = model_tables()
    if model_type.lower() not in tables.vision_types:
        raise ValidationError(
            f"model {model_name!r} (model_type {model_type!r}) is a text-only model and "
            f"cannot take images ({count} given)",
            provider=_PROVIDER,
            model=model_name,
            hint="Send text only, or use a vision model such as "
            "mlx-community/Qwen2-VL-2B-Instruct-4bit.",
        )
    if count > 1 and model_type in tables.single_image_types:
        raise ValidationError(
            f"model {model_name!r} (model_type {model_type!r}) takes one image per request, "
            f"got {count}",
            provider=_PROVIDER,
            model=model_name,
            hint="Send one image per request, or use a multi-image model (e.g. Qwen2-VL).",
        )


def render_prompt(
    processor: Any, config: Any, prepared: Prepared, template_kwargs: dict[str, Any]
) -> str:
    """The prompt string from the model's chat template (with the right image count)."""
    from mlx_vlm.prompt_utils import apply_chat_template

    try:
        return apply_chat_template(
            processor, config, prepared.chat, num_images=len(prepared.images), **template_kwargs
        )
    except ValueError as exc:
        raise ValidationError(
            f"the chat template rejected the messages: {exc}", provider=_PROVIDER
        ) from None
