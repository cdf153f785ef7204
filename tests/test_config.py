"""Settings from arguments, environment variables and .env; errors that name the variable."""

from __future__ import annotations

import pytest

from llm_core import Client, ConfigurationError, load_settings


def test_defaults() -> None:
    s = load_settings()
    assert s.provider == "mlx"
    assert s.timeouts.connect < s.timeouts.read
    assert s.retry.max_attempts >= 1
    assert s.fallbacks == []


def test_environment_and_nested_values(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_PROVIDER", "openai")
    monkeypatch.setenv("LLM_CORE_TIMEOUTS__READ", "12.5")
    monkeypatch.setenv("LLM_CORE_RETRY__MAX_ATTEMPTS", "5")
    monkeypatch.setenv("LLM_CORE_FALLBACKS", '[{"provider": "ollama", "model": "llama3.2"}]')
    s = load_settings()
    assert (s.provider, s.timeouts.read, s.retry.max_attempts) == ("openai", 12.5, 5)
    assert s.fallbacks[0].label() == "ollama:llama3.2"


def test_arguments_win_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_MODEL", "from-env")
    assert load_settings(model="from-arg").model == "from-arg"


def test_dotenv_file_in_working_directory(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / ".env").write_text("LLM_CORE_MODEL=from-dotenv\nUNRELATED=1\n")
    monkeypatch.chdir(tmp_path)
    assert load_settings().model == "from-dotenv"


def test_invalid_env_value_names_field_value_and_variable(monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_TIMEOUTS__CONNECT", "soon")
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    text = str(info.value)
    assert "timeouts.connect" in text and "'soon'" in text
    assert "LLM_CORE_TIMEOUTS__CONNECT" in text


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"provder": "x"}, "unknown setting 'provder'"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"provider": "bad name!"}, "provider"),
        ({"timeouts": {"read": -1}}, "timeouts.read"),
        ({"retry": {"max_attempts": 0}}, "LLM_CORE_RETRY__MAX_ATTEMPTS"),
        ({"fallbacks": [{"provider": "ollama", "colour": 1}]}, "fallbacks"),
    ],
)
def test_invalid_arguments(kwargs: dict, needle: str) -> None:
    with pytest.raises(ConfigurationError, match=needle):
        load_settings(**kwargs)


def test_base_url_is_normalised() -> None:
    assert load_settings(base_url="localhost:1234/").base_url == "http://localhost:1234"


def test_api_key_is_secret_everywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    s = load_settings(provider="openai", api_key="sk-very-secret")
    assert "sk-very-secret" not in repr(s) and "sk-very-secret" not in str(s)
    assert s.api_key.get_secret_value() == "sk-very-secret"
    monkeypatch.setenv("LLM_CORE_API_KEY", "sk-env-secret")
    monkeypatch.setenv("LLM_CORE_TIMEOUTS__READ", "x")
    with pytest.raises(ConfigurationError) as info:
        load_settings()
    assert "sk-env-secret" not in str(info.value)
    monkeypatch.delenv("LLM_CORE_TIMEOUTS__READ")
    client = Client("openai", api_key="sk-very-secret")
    assert "sk-very-secret" not in repr(client) and "sk-very-secret" not in repr(client.adapter)


def test_bad_api_key_value_is_hidden() -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(api_key=["sk-in-a-list"])
    assert "sk-in-a-list" not in str(info.value)
    assert "<hidden>" in str(info.value)


def test_fallbacks_from_names_and_configs() -> None:
    from llm_core import ProviderConfig

    s = load_settings(fallbacks=["ollama", ProviderConfig(provider="lmstudio", model="q")])
    assert [f.label() for f in s.fallbacks] == ["ollama", "lmstudio:q"]
