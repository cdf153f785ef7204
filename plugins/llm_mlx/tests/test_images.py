"""Images from every source reach the real vision tower; different pictures change the text."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

pytest.importorskip("mlx_vlm", reason="mlx-vlm runs the model (pip install 'mlx-vlm[cpu]')")

from support.httpserver import HTTPServer, Reply

from llm_core import AsyncClient, Image, Message

pytestmark = pytest.mark.engine
PROMPT = "Describe this picture."


def _ask(client, images, prompt: str = PROMPT, tokens: int = 24):
    return client.generate(prompt, images=images, max_tokens=tokens)


def test_every_image_source_gives_the_same_answer(client, pictures, readable) -> None:
    path = pictures["checker"]
    data = path.read_bytes()
    data_url = "data:image/png;base64," + base64.b64encode(data).decode()
    with HTTPServer() as server:
        server.route("GET", "/checker.png")(lambda req: Reply(body=data, content_type="image/png"))
        sources = {
            "str path": str(path),
            "Path": path,
            "bytes": data,
            "data URL": data_url,
            "http URL": f"{server.url}/checker.png",
            "Image": Image(data),
        }
        answers = {name: _ask(client, [src]) for name, src in sources.items()}
        assert server.count("/checker.png") == 1  # fetched once, by llm-core, not by mlx-vlm
    texts = {a.content for a in answers.values()}
    assert len(texts) == 1, answers
    assert readable(texts.pop())
    text_only = client.generate(PROMPT, max_tokens=24)
    assert answers["bytes"].usage.prompt_tokens > text_only.usage.prompt_tokens + 4


def test_openai_style_content_parts(client, pictures) -> None:
    url = "data:image/png;base64," + base64.b64encode(pictures["red"].read_bytes()).decode()
    parts = [{"type": "text", "text": PROMPT}, {"type": "image_url", "image_url": {"url": url}}]
    via_parts = client.generate([{"role": "user", "content": parts}], max_tokens=24)
    assert via_parts.content == _ask(client, [pictures["red"]]).content


def test_different_pictures_give_different_answers(client, pictures) -> None:
    answers = {name: _ask(client, [path]).content for name, path in pictures.items()}
    assert len(set(answers.values())) == len(answers), answers
    assert _ask(client, None).content not in answers.values()


def test_several_images_in_one_message_in_order(client, pictures) -> None:
    red, checker = pictures["red"], pictures["checker"]
    one = _ask(client, [red])
    two = _ask(client, [red, checker])
    swapped = _ask(client, [checker, red])
    assert two.usage.prompt_tokens > one.usage.prompt_tokens
    assert len({one.content, two.content, swapped.content}) == 3


def test_images_stay_in_the_message_that_carried_them(client, pictures) -> None:
    red = pictures["red"]
    earlier = [
        Message.user("Look at this.", [red]),
        Message.assistant("I see it."),
        Message.user(PROMPT),
    ]
    later = [
        Message.user("Look at this."),
        Message.assistant("I see it."),
        Message.user(PROMPT, [red]),
    ]
    a = client.generate(earlier, max_tokens=24)
    b = client.generate(later, max_tokens=24)
    assert a.usage.prompt_tokens == b.usage.prompt_tokens  # same tokens, different places
    assert a.content != b.content


def test_an_unreachable_image_url_is_a_validation_error(client) -> None:
    import llm_core

    with HTTPServer() as server:
        url = f"{server.url}/missing.png"  # the server answers 404
        with pytest.raises(llm_core.ValidationError, match="cannot fetch image"):
            _ask(client, [url])


@pytest.mark.anyio
async def test_async_with_images(tiny_vlm: Path, pictures) -> None:
    async with AsyncClient("mlx", model=str(tiny_vlm)) as client:
        red = await client.generate(PROMPT, images=[pictures["red"]], max_tokens=24)
        checker = await client.generate(PROMPT, images=[pictures["checker"]], max_tokens=24)
        streamed = [
            chunk
            async for chunk in client.stream(
                PROMPT, images=[pictures["red"].read_bytes()], max_tokens=24
            ).text_chunks()
        ]
    assert red.content != checker.content
    assert "".join(streamed) == red.content
