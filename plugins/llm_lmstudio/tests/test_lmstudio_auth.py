"""API tokens against the emulator with "Require Authentication" on: where the token comes from,
the 401 hint, no header when none is configured, and never a token to another host."""

from __future__ import annotations

import pytest
from support.httpserver import HTTPServer, Reply

from llm_core import AsyncClient, Client, errors

LLM = "qwen2.5-7b-instruct"
TOKEN = "sk-lm-AbCd1234:Zz9Yy8Xx7Ww6Vv5Uu4Tt"  # the format LM Studio issues


def _auth_headers(server) -> list[str | None]:
    return [r.headers.get("authorization") for r in server.requests]


def test_no_token_configured_sends_no_header(lms) -> None:
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        client.list_models()
        client.generate("Hi")
        client.stream("Hi").until_done()
    assert _auth_headers(lms) == [None, None, None]


def test_missing_token_is_an_authentication_error_saying_where_to_get_one(make_lms) -> None:
    lms = make_lms(token=TOKEN)
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        with pytest.raises(errors.AuthenticationError, match="token is required") as info:
            client.generate("Hi")
        assert info.value.status_code == 401
        assert "Manage Tokens" in info.value.hint
        assert "LM_API_TOKEN" in info.value.hint
        with pytest.raises(errors.AuthenticationError):
            client.stream("Hi").until_done()
        with pytest.raises(errors.AuthenticationError):
            client.list_models()
        health = client.health_check()
    assert not health.ok
    assert "token" in health.detail


def test_wrong_token_is_rejected_and_never_shown(make_lms) -> None:
    lms = make_lms(token=TOKEN)
    wrong = "sk-lm-WRONGxyz:0000000000secret000000"
    client = Client("lmstudio", base_url=lms.url, model=LLM, api_key=wrong)
    with client, pytest.raises(errors.AuthenticationError) as info:
        client.generate("Hi")
    assert "rejected" in info.value.hint
    shown = f"{info.value} {info.value!r} {info.value.hint} {client!r} {client.adapter!r}"
    assert "secret" not in shown
    assert "WRONG" not in shown


@pytest.mark.parametrize(
    ("source", "env"),
    [
        ("config", {}),
        ("LM_API_TOKEN", {"LM_API_TOKEN": TOKEN}),
        ("LMSTUDIO_API_TOKEN", {"LMSTUDIO_API_TOKEN": TOKEN}),
        ("LLM_CORE_API_KEY", {"LLM_CORE_API_KEY": TOKEN}),
    ],
)
def test_token_from_config_or_environment(source, env, make_lms, monkeypatch) -> None:
    lms = make_lms(token=TOKEN)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    key = TOKEN if source == "config" else None
    with Client("lmstudio", base_url=lms.url, model=LLM, api_key=key) as client:
        assert client.generate("Hi").content == "echo: Hi"
        assert "".join(e.text for e in client.stream("Hi there")) == "echo: Hi there"
        assert client.health_check().ok
    assert set(_auth_headers(lms)) == {f"Bearer {TOKEN}"}


def test_config_wins_over_lm_api_token_which_wins_over_lmstudio_api_token(
    make_lms, monkeypatch
) -> None:
    lms = make_lms(token=TOKEN)
    monkeypatch.setenv("LMSTUDIO_API_TOKEN", "sk-lm-sdkToken:xxxxxxxxxxxxxxxxxxxx")
    monkeypatch.setenv("LM_API_TOKEN", TOKEN)
    with Client("lmstudio", base_url=lms.url, model=LLM) as client:
        assert client.generate("Hi").content == "echo: Hi"
    client = Client("lmstudio", base_url=lms.url, model=LLM, api_key="sk-lm-config:bad")
    with client, pytest.raises(errors.AuthenticationError):  # the config's (wrong) token is used
        client.generate("Hi")
    assert _auth_headers(lms) == [f"Bearer {TOKEN}", "Bearer sk-lm-config:bad"]


@pytest.mark.anyio
async def test_async_auth(make_lms, monkeypatch) -> None:
    lms = make_lms(token=TOKEN)
    async with AsyncClient("lmstudio", base_url=lms.url, model=LLM) as client:
        with pytest.raises(errors.AuthenticationError):
            await client.generate("Hi")
        assert not (await client.health_check()).ok
    monkeypatch.setenv("LM_API_TOKEN", TOKEN)
    async with AsyncClient("lmstudio", base_url=lms.url, model=LLM) as client:
        assert (await client.generate("Hi")).content == "echo: Hi"
        async with client.stream("Hi") as stream:
            assert (await stream.until_done()).content == "echo: Hi"


def test_the_token_is_never_sent_to_another_host(make_lms, monkeypatch) -> None:
    lms = make_lms(token=TOKEN)
    with HTTPServer() as elsewhere:
        moved = Reply(307, headers={"Location": elsewhere.url + "/api/v0/models"})
        lms.route("GET", "/api/v0/models")(lambda req: moved)
        lms.route("POST", "/api/v0/chat/completions")(lambda req: moved)
        monkeypatch.setenv("LM_API_TOKEN", TOKEN)
        with Client("lmstudio", base_url=lms.url, model=LLM) as client:
            with pytest.raises(errors.ProviderError) as info:
                client.list_models()
            assert info.value.status_code == 307
            with pytest.raises(errors.ProviderError):
                client.generate("Hi")
        assert elsewhere.count() == 0  # redirects are not followed
