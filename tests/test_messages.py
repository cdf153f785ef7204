"""Messages, content parts and images: every accepted shape, every malformed one."""

from __future__ import annotations

import base64
import io

import pytest

from llm_core import Image, ImagePart, Message, TextPart, ValidationError
from llm_core.images import sniff_image_type
from llm_core.messages import coerce_messages

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


def test_prompt_string_becomes_one_user_message() -> None:
    [msg] = coerce_messages("Hello")
    assert (msg.role, msg.content, msg.text) == ("user", "Hello", "Hello")


def test_dicts_strings_and_messages_mix() -> None:
    msgs = coerce_messages(
        [
            {"role": "system", "content": "Be brief"},
            "Hi",
            Message.assistant("Hello"),
            {"role": "user", "content": "Look", "images": [PNG]},
        ]
    )
    assert [m.role for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[3].text == "Look"
    assert msgs[3].images[0].mime_type == "image/png"


def test_openai_style_parts_are_understood() -> None:
    data_url = "data:image/png;base64," + base64.b64encode(PNG).decode()
    [msg] = coerce_messages(
        [
            {
                "role": "user",
                "content": [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": data_url}},
                ],
            }
        ]
    )
    assert isinstance(msg.content[0], TextPart)
    assert isinstance(msg.content[1], ImagePart)
    assert msg.images[0].data() == PNG


@pytest.mark.parametrize(
    ("value", "needle"),
    [
        ({"role": "robot", "content": "x"}, "robot"),
        ({"role": "user", "content": ""}, "empty content"),
        ({"role": "user", "content": "x", "colour": "red"}, "colour"),
        ({"content": "x"}, "'role'"),
        ([], "non-empty"),
        ([42], "int"),
        ([{"role": "user", "content": [{"type": "audio"}]}], "cannot use"),
    ],
)
def test_malformed_messages_name_the_problem(value: object, needle: str) -> None:
    with pytest.raises(ValidationError, match=needle):
        coerce_messages(value)  # type: ignore[arg-type]


def test_image_from_path_bytes_and_data_url(tmp_path) -> None:
    path = tmp_path / "dot.png"
    path.write_bytes(PNG)
    from_path = Image(path)
    from_str = Image(str(path))
    from_bytes = Image(PNG)
    from_data = Image(from_bytes.data_url())
    for image in (from_path, from_str, from_bytes, from_data):
        assert image.data() == PNG
        assert image.mime_type == "image/png"
        assert image.base64() == base64.b64encode(PNG).decode()
        assert image.data_url().startswith("data:image/png;base64,")
    assert from_path == from_str
    assert "dot.png" in repr(from_path)
    assert repr(from_bytes) == f"Image(<{len(PNG)} bytes>)"


def test_unreadable_image_path_names_the_path(tmp_path) -> None:
    with pytest.raises(ValidationError, match=r"nope\.png"):
        Image(tmp_path / "nope.png").data()


def test_bytes_that_are_not_an_image_are_refused() -> None:
    with pytest.raises(ValidationError, match="not a PNG"):
        Image(b"hello world, not an image").data_url()


@pytest.mark.parametrize("url", ["data:image/png,abc", "data:image/png;base64,@@@"])
def test_bad_data_urls(url: str) -> None:
    with pytest.raises(ValidationError, match="data URL"):
        Image(url)


def test_image_source_of_wrong_type() -> None:
    with pytest.raises(ValidationError, match="image source"):
        Image(3.14)  # type: ignore[arg-type]


def test_sniffs_common_formats() -> None:
    assert sniff_image_type(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_image_type(b"GIF89a....") == "image/gif"
    assert sniff_image_type(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "image/webp"
    assert sniff_image_type(b"BM....") == "image/bmp"
    assert sniff_image_type(b"%PDF") is None


def test_remote_image_is_fetched_over_http(openai_fake) -> None:
    """A URL image is fetched when a provider needs its bytes (here from a loopback server)."""
    openai_fake.route("GET", "/dot.png")(
        lambda request: __import__("support.httpserver", fromlist=["Reply"]).Reply(
            200, {"content-type": "image/png"}, PNG
        )
    )
    image = Image(openai_fake.url + "/dot.png")
    assert image.is_remote
    assert image.data() == PNG
    with pytest.raises(ValidationError, match="cannot fetch"):
        Image(openai_fake.url + "/missing.png").data()


def test_message_user_helper_with_images() -> None:
    msg = Message.user("see", [PNG, Image(PNG)])
    assert len(msg.images) == 2
    assert Message.user("plain").content == "plain"
    assert Message.system("rules").role == "system"
    assert io.BytesIO(msg.images[0].data()).read(4) == b"\x89PNG"


def test_an_image_file_rewritten_in_place_is_a_new_image(tmp_path) -> None:
    """The response cache keys images by this token: a changed file must not hit the cache."""
    import os

    path = tmp_path / "pic.png"
    path.write_bytes(PNG)
    before = Image(path).cache_token()
    path.write_bytes(PNG + b"more")
    os.utime(path, ns=(1, 1))
    assert Image(path).cache_token() != before
    assert Image(tmp_path / "missing.png").cache_token() == ("path", str(tmp_path / "missing.png"))
