"""Every error path on the Ollama wire, through the plugin: sync, async and streaming."""

from __future__ import annotations

import base64

import httpx2
import pytest
from support.faults import Fault, refused_url
from support.ollama_emulator import OllamaEmulator

from llm_core import (
    AsyncClient,
    AuthenticationError,
    Client,
    ConnectionError,
    GenerationError,
    InvalidResponseError,
    ModelNotFoundError,
    ServerError,
    ValidationError,
)

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_missing_model_is_model_not_found_with_the_pull_hint(client: Client) -> None:
    for call in (lambda: client.generate("hi", model="llama9"),
                 lambda: client.stream("hi", model="llama9").until_done(),
                 lambda: client.adapter.show("llama9")):  # fmt: skip
        with pytest.raises(ModelNotFoundError) as info:
            call()
        assert info.value.status_code == 404
        assert "model 'llama9' not found" in info.value.message
        assert "ollama pull llama9" in (info.value.hint or "")


@pytest.mark.anyio
async def test_missing_model_async(aclient: AsyncClient) -> None:
    with pytest.raises(ModelNotFoundError, match="llama9") as info:
        await aclient.generate("hi", model="llama9")
    assert "ollama pull llama9" in (info.value.hint or "")
    with pytest.raises(ModelNotFoundError):
        await aclient.stream("hi", model="llama9").until_done()


def test_error_line_mid_stream_is_generation_error_with_the_text_so_far(client, ollama) -> None:
    ollama.stream_error_after = 2
    stream = client.stream("one two three four")
    seen = []
    with pytest.raises(GenerationError, match="error was encountered") as info:
        seen.extend(event.text for event in stream)
    assert seen == ["echo:", " one"]
    assert info.value.partial_text == "echo: one"
    assert ollama.count("/api/chat") == 1  # a stream that broke off is not retried


def test_error_before_anything_was_streamed_is_a_status_error(client, ollama) -> None:
    ollama.stream_error_after = 0
    with pytest.raises(GenerationError) as info:  # the 200 stream had started: an error line
        client.stream("hi").until_done()
    assert info.value.partial_text == ""
    with pytest.raises(ServerError, match="error was encountered") as err:  # not streamed: 500
        client.generate("hi", max_tokens=5)
    assert err.value.status_code == 500


@pytest.mark.anyio
async def test_error_line_mid_stream_async(aclient: AsyncClient, ollama) -> None:
    ollama.stream_error_after = 3
    with pytest.raises(GenerationError) as info:
        await aclient.stream("one two three four").until_done()
    assert info.value.partial_text == "echo: one two"


def test_400_is_validation_error_with_ollamas_message(client: Client) -> None:
    with pytest.raises(ValidationError) as info:
        client.generate("hi", options={"think": True})  # llama3.2 cannot think
    assert info.value.status_code == 400
    assert '"llama3.2" does not support thinking' in info.value.message
    assert "think" in (info.value.hint or "")
    with pytest.raises(ValidationError, match="does not support chat"):
        client.stream("hi", model="nomic-embed-text").until_done()


def test_images_to_a_text_model_with_unknown_capabilities_map_the_400(ollama, make_client):
    ollama.tags_capabilities = False  # an older server: capabilities only via /api/show
    client = make_client(ollama)
    with pytest.raises(ValidationError) as info:
        client.generate("what is it?", images=[PNG])
    assert info.value.status_code == 400
    assert "does not support multimodal requests" in info.value.message
    assert "vision model" in (info.value.hint or "")


def test_images_to_a_known_text_model_are_refused_before_sending(client, ollama) -> None:
    client.list_models()  # this server lists capabilities in /api/tags
    with pytest.raises(ValidationError, match="cannot read images") as info:
        client.generate("what is it?", images=[PNG])
    assert "completion, tools" in info.value.message
    with pytest.raises(ValidationError, match="cannot read images"):
        client.stream("what is it?", images=[PNG]).until_done()
    assert ollama.count("/api/chat") == 0


@pytest.mark.anyio
async def test_images_known_text_model_async(aclient: AsyncClient, ollama) -> None:
    await aclient.adapter.show("llama3.2")
    with pytest.raises(ValidationError, match="cannot read images"):
        await aclient.generate("what?", images=[PNG])
    assert ollama.count("/api/chat") == 0


def test_refused_connection_says_to_run_ollama_serve(make_client) -> None:
    client = make_client(refused_url(), retry={"max_attempts": 1}, cooldown={"cooldown": 0})
    for call in (lambda: client.generate("hi"), lambda: client.stream("hi").until_done(),
                 client.list_models, lambda: client.adapter.pull("llama3.2")):  # fmt: skip
        with pytest.raises(ConnectionError) as info:
            call()
        assert isinstance(info.value, builtins_connection_error())
        assert "ollama serve" in (info.value.hint or "")
    health = client.health_check()
    assert health.ok is False
    assert "ollama serve" in health.extra["hint"]


def builtins_connection_error() -> type:
    import builtins

    return builtins.ConnectionError


@pytest.mark.anyio
async def test_refused_connection_async(make_aclient) -> None:
    aclient = make_aclient(refused_url(), retry={"max_attempts": 1})
    with pytest.raises(ConnectionError, match="cannot connect") as info:
        await aclient.generate("hi")
    assert "ollama serve" in (info.value.hint or "")
    assert (await aclient.health_check()).ok is False


def test_plain_text_404_page_is_a_clear_error_not_a_json_traceback(ollama, make_client):
    client = make_client(ollama.url + "/v1")  # a wrong base URL: /v1/api/chat does not exist
    for call in (lambda: client.generate("hi"), lambda: client.stream("hi").until_done(),
                 client.list_models):  # fmt: skip
        with pytest.raises(InvalidResponseError) as info:
            call()
        assert "404 page not found" in info.value.message
        assert "base_url" in (info.value.hint or "")
    assert not isinstance(info.value, ModelNotFoundError)


def test_plain_text_405_page_is_a_clear_error(client, ollama) -> None:
    raw = httpx2.get(ollama.url + "/api/chat")
    assert (raw.status_code, raw.text) == (405, "405 method not allowed")
    ollama.faults.push(Fault.error(405, body="405 method not allowed"), path="/api/tags")
    with pytest.raises(InvalidResponseError, match="405 method not allowed") as info:
        client.list_models()
    assert info.value.status_code == 405


def test_foreign_host_header_gets_403_with_an_empty_body(client, ollama) -> None:
    raw = httpx2.get(ollama.url + "/api/tags", headers={"Host": "evil.example.com"})
    assert (raw.status_code, raw.content) == (403, b"")
    assert httpx2.get(ollama.url + "/", headers={"Host": "ollama.local:11434"}).status_code == 200
    ollama.faults.push(Fault.error(403, body=b""), path="/api/chat")
    with pytest.raises(AuthenticationError, match="Host header") as info:
        client.generate("hi")
    assert "127.0.0.1" in (info.value.hint or "")


def test_bad_options_are_refused_before_sending(client, ollama) -> None:
    with pytest.raises(ValidationError, match="unknown option 'num_ctxx'"):
        client.generate("hi", options={"num_ctxx": 4096})
    with pytest.raises(ValidationError, match="think"):
        client.stream("hi", options={"think": "extreme"}).until_done()
    assert ollama.count("/api/chat") == 0


def test_a_server_that_is_not_ollama_is_reported(make_client) -> None:
    from support.httpserver import HTTPServer

    with HTTPServer() as other:  # answers 404 page not found everywhere
        other.route("GET", "/")(lambda req: "Welcome to nginx")
        client = make_client(other.url)
        health = client.health_check()
        assert health.ok is False
        assert "not Ollama" in health.detail
        with pytest.raises(InvalidResponseError):
            client.generate("hi")


def test_non_json_200_answer_is_invalid_response(client, ollama) -> None:
    ollama.faults.push(Fault.malformed_json(), path="/api/chat")
    with pytest.raises(InvalidResponseError, match="not JSON"):
        client.generate("hi")
    ollama.faults.push(Fault.wrong_content_type(), path="/api/tags")
    with pytest.raises(InvalidResponseError, match="text/html"):
        client.list_models()


def test_ollama_type_errors_on_the_server_are_500(ollama: OllamaEmulator) -> None:
    raw = httpx2.post(ollama.url + "/api/chat", json={"model": "llama3.2", "messages": [
        {"role": "user", "content": "x"}], "options": {"temperature": "hot"}})  # fmt: skip
    assert raw.status_code == 500
    assert raw.json() == {"error": 'option "temperature" must be of type float32'}


def test_pull_of_an_unknown_model_fails_after_the_manifest(client: Client) -> None:
    seen = []
    with pytest.raises(ModelNotFoundError, match="file does not exist"):
        seen.extend(progress.status for progress in client.adapter.pull_stream("nosuch-model"))
    assert seen == ["pulling manifest"]
