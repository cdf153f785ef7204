"""OLLAMA_HOST parsing follows Ollama's own rules; config base_url wins over it."""

from __future__ import annotations

import pytest

from llm_core import Client, ConfigurationError
from llm_core_ollama.host import DEFAULT_BASE_URL, base_url_from_env, parse_ollama_host


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "http://127.0.0.1:11434"),
        ("1.2.3.4", "http://1.2.3.4:11434"),
        (":56789", "http://127.0.0.1:56789"),
        ("1.2.3.4:56789", "http://1.2.3.4:56789"),
        ("example.com", "http://example.com:11434"),
        ("example.com:56789", "http://example.com:56789"),
        ("http://example.com", "http://example.com:80"),
        ("https://example.com", "https://example.com:443"),
        ("https://example.com:56789", "https://example.com:56789"),
        ("http://1.2.3.4:4321", "http://1.2.3.4:4321"),
        ("example.com/", "http://example.com:11434"),
        ("example.com:56789/path/", "http://example.com:56789/path"),
        ("https://example.com/ollama", "https://example.com:443/ollama"),
        ("[::1]", "http://[::1]:11434"),
        ("::1", "http://[::1]:11434"),
        ("[::1]:1337", "http://[::1]:1337"),
        ("https://[2001:db8::1]", "https://[2001:db8::1]:443"),
        (" 1.2.3.4 ", "http://1.2.3.4:11434"),
        ('"1.2.3.4"', "http://1.2.3.4:11434"),
        (" ' 1.2.3.4 ' ", "http://1.2.3.4:11434"),
        ("localhost:11435", "http://localhost:11435"),
        # The unspecified bind address people give the server is reached through loopback.
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("0.0.0.0:8080", "http://127.0.0.1:8080"),
        ("[::]", "http://[::1]:11434"),
        ("HTTP://Example.com", "http://Example.com:80"),
    ],
)
def test_ollama_host_rules(value: str, expected: str) -> None:
    assert parse_ollama_host(value) == expected


@pytest.mark.parametrize("value", [":66000", ":-1", "example.com:http"])
def test_invalid_port_falls_back_to_the_default_with_a_warning(value: str) -> None:
    with pytest.warns(UserWarning, match="invalid port"):
        url = parse_ollama_host(value)
    assert url.endswith(":11434")


def test_unsupported_scheme_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OLLAMA_HOST") as info:
        parse_ollama_host("ftp://example.com")
    assert "http" in (info.value.hint or "")


def test_env_unset_or_blank_means_the_default() -> None:
    assert base_url_from_env({}) == DEFAULT_BASE_URL
    assert base_url_from_env({"OLLAMA_HOST": "  "}) == DEFAULT_BASE_URL
    assert base_url_from_env({"OLLAMA_HOST": "box:1234"}) == "http://box:1234"


def test_adapter_takes_config_then_env_then_default(monkeypatch: pytest.MonkeyPatch) -> None:
    with Client("ollama", model="m") as client:
        assert client.adapter.base_url() == "http://127.0.0.1:11434"
    monkeypatch.setenv("OLLAMA_HOST", "0.0.0.0:9999")
    with Client("ollama", model="m") as client:
        assert client.adapter.base_url() == "http://127.0.0.1:9999"
    with Client("ollama", model="m", base_url="http://10.0.0.5:11434") as client:
        assert client.adapter.base_url() == "http://10.0.0.5:11434"
