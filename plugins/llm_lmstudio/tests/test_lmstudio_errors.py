"""Every LM Studio error shape, through the real HTTP path of the emulator: sync, async and
streaming. Each maps to a typed llm-core error that carries LM Studio's own message."""

from __future__ import annotations

import pytest
from support.lmstudio_emulator import BAD_IMAGE, CRASHED, JSON_OBJECT, NO_MODELS, NO_VISION

from llm_core import AsyncClient, Client, errors

LLM, VLM = "qwen2.5-7b-instruct", "qwen2-vl-2b-instruct"
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + bytes(24)  # a WebP header is all the sniffing needs


def _no_models(make_lms, style):
    return make_lms(jit=False, error_style=style), {"model": LLM}


# name -> (setup(make_lms) -> (server, generate kwargs), error type, LM Studio's words, hint words)
CASES = {
    "no models loaded (string)": (
        lambda mk: _no_models(mk, "string"), errors.ModelNotFoundError, NO_MODELS, "lms load"),
    "no models loaded (object)": (
        lambda mk: _no_models(mk, "object"), errors.ModelNotFoundError, NO_MODELS, "lms load"),
    "invalid model identifier": (
        lambda mk: (mk(), {"model": "o4-mini"}), errors.ModelNotFoundError,
        'Invalid model identifier "o4-mini"', "lms get"),
    "json_object rejected": (
        lambda mk: (mk(), {"model": LLM, "options": {
            "extra_body": {"response_format": {"type": "json_object"}}}}),
        errors.ValidationError, JSON_OBJECT, "JSON schema"),
    "model lacks vision": (
        lambda mk: (mk(), {"model": LLM, "images": ["PNG"]}), errors.ValidationError,
        NO_VISION, "vision=True"),
    "image not png or jpeg": (
        lambda mk: (mk(), {"model": VLM, "images": [WEBP]}), errors.ValidationError,
        BAD_IMAGE, "PNG or JPEG"),
    "model crashed": (
        lambda mk: (_crashing(mk()), {"model": LLM}), errors.ServerError, CRASHED, "reloads"),
    "context overflow (400)": (
        lambda mk: (mk(), {"model": LLM, "prompt": "w " * 5000}), errors.ValidationError,
        "context length of only 4096", "--context-length"),
    "context overflow (200, 0.4.21)": (
        lambda mk: (_overflow_200(mk()), {"model": LLM, "prompt": "w " * 5000}),
        errors.ValidationError, "context length of only 4096", "--context-length"),
}  # fmt: skip


def _crashing(server):
    server.crash_next = True
    return server


def _overflow_200(server):
    server.overflow_status = 200
    return server


def _call(kwargs, png):
    kwargs = dict(kwargs)
    prompt = kwargs.pop("prompt", "Hi")
    images = [png("red") if i == "PNG" else i for i in kwargs.pop("images", [])]
    return prompt, images, kwargs


@pytest.mark.parametrize("case", list(CASES))
def test_error_shapes_sync_and_stream(case, make_lms, png) -> None:
    setup, kind, words, hint = CASES[case]
    server, kwargs = setup(make_lms)
    prompt, images, kwargs = _call(kwargs, png)
    with Client("lmstudio", base_url=server.url) as client:
        with pytest.raises(kind) as info:
            client.generate(prompt, images=images, **kwargs)
        assert words in info.value.message
        assert hint in info.value.hint
        assert info.value.provider == "lmstudio"
        server.crash_next = case == "model crashed"
        with pytest.raises(kind) as streamed, client.stream(prompt, images=images, **kwargs) as s:
            next(iter(s))
        assert words in streamed.value.message


@pytest.mark.anyio
@pytest.mark.parametrize("case", list(CASES))
async def test_error_shapes_async(case, make_lms, png) -> None:
    setup, kind, words, hint = CASES[case]
    server, kwargs = setup(make_lms)
    prompt, images, kwargs = _call(kwargs, png)
    async with AsyncClient("lmstudio", base_url=server.url) as client:
        with pytest.raises(kind) as info:
            await client.generate(prompt, images=images, **kwargs)
        assert words in info.value.message
        assert hint in info.value.hint
        server.crash_next = case == "model crashed"
        with pytest.raises(kind):
            async with client.stream(prompt, images=images, **kwargs) as stream:
                await stream.__anext__()


def test_after_a_crash_the_next_request_reloads_the_model(lms) -> None:
    lms.crash_next = True
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        with pytest.raises(errors.ServerError):
            client.generate("Hi")
        assert client.generate("Hi").content == "echo: Hi"
    assert lms.loads == [LLM, LLM]


def test_wrong_base_url_is_caught_despite_status_200(lms) -> None:
    # A doubled /v1: LM Studio answers 200 {"error": "Unexpected endpoint or method. ..."}.
    with Client("lmstudio", base_url=lms.url + "/v1/v1", model=LLM) as client:
        with pytest.raises(errors.InvalidResponseError, match="Unexpected endpoint") as info:
            client.generate("Hi")
        assert "one /v1, not two" in info.value.hint
        with pytest.raises(errors.InvalidResponseError, match="Unexpected endpoint"):
            client.list_models()
        with pytest.raises(errors.InvalidResponseError, match="Unexpected endpoint"):
            client.stream("Hi").until_done()
        health = client.health_check()
    assert not health.ok
    assert "Unexpected endpoint" in health.detail


def test_an_error_mid_stream_keeps_the_partial_text(lms) -> None:
    lms.stream_error_after = 2
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        stream = client.stream("one two three")
        with pytest.raises(errors.GenerationError, match="crashed") as info:
            for _ in stream:
                pass
    assert info.value.partial_text == "echo: one"
    assert stream.text == "echo: one"


@pytest.mark.anyio
async def test_an_error_before_the_first_token_is_typed_async(lms) -> None:
    lms.stream_error_after = 0
    async with AsyncClient("lmstudio", base_url=lms.url, model=LLM) as client:
        stream = client.stream("one two")
        with pytest.raises(errors.ServerError, match="crashed"):
            await stream.until_done()
        await stream.aclose()


def test_early_close_stops_the_stream_and_the_client_goes_on(lms) -> None:
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        stream = client.stream("w " * 300)
        assert next(iter(stream)).text == "echo:"
        stream.close()
        assert client.generate("again").content == "echo: again"


def test_structured_output_is_sent_as_a_json_schema(lms) -> None:
    schema = {"type": "object", "properties": {"name": {"type": "string"}}}
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        client.generate("Name?", response_format=schema)
    sent = lms.requests[-1].json()["response_format"]
    assert sent == {"type": "json_schema", "json_schema": {"name": "response", "schema": schema}}
