"""The ``llm-core`` command: every subcommand, exit codes, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from llm_core.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_providers_lists_the_builtin(capsys) -> None:
    code, out, _ = run(capsys, "providers")
    assert code == 0 and "openai" in out and "llm_core.builtin" in out
    code, out, _ = run(capsys, "providers", "--json")
    data = json.loads(out)
    assert "openai" in [p["name"] for p in data["providers"]]
    assert any(p["name"] == "llm_core.builtin" for p in data["plugins"])


@pytest.mark.engine
def test_chat_streams_from_a_real_server(capsys, llamacpp_server) -> None:
    code, out, err = run(
        capsys,
        "chat",
        "-p",
        "openai",
        "--base-url",
        llamacpp_server.openai_url,
        "--max-tokens",
        "5",
        "-t",
        "0",
        "Hello",
    )
    assert code == 0 and out.strip() and err == ""
    code, out, _ = run(
        capsys,
        "chat",
        "-p",
        "openai",
        "--base-url",
        llamacpp_server.openai_url,
        "--max-tokens",
        "5",
        "--json",
        "-s",
        "Be brief",
        "Hello",
    )
    data = json.loads(out)
    assert data["finish_reason"] == "length" and data["usage"]["completion_tokens"] == 5
    assert data["usage"]["total_tokens"] == data["usage"]["prompt_tokens"] + 5
    code, out, _ = run(
        capsys,
        "chat",
        "-p",
        "openai",
        "--base-url",
        llamacpp_server.openai_url,
        "--max-tokens",
        "3",
        "--no-stream",
        "--seed",
        "1",
        "Hello",
    )
    assert code == 0 and out.strip()


@pytest.mark.engine
def test_models_and_health(capsys, llamacpp_server) -> None:
    target = ("-p", "openai", "--base-url", llamacpp_server.openai_url)
    code, out, _ = run(capsys, "models", *target)
    assert code == 0 and llamacpp_server.model in out
    code, out, _ = run(capsys, "models", *target, "--json")
    assert json.loads(out)[0]["id"] == llamacpp_server.model
    code, out, _ = run(capsys, "health", *target)
    assert code == 0 and "openai: ok" in out
    code, out, _ = run(capsys, "health", *target, "--json")
    assert json.loads(out)["ok"] is True


def test_unreachable_server_is_one_line_and_exit_1(capsys) -> None:
    from support.faults import refused_url

    url = refused_url()
    code, out, err = run(capsys, "chat", "-p", "openai", "--base-url", url, "Hello")
    assert code == 1 and "Traceback" not in err
    assert err.startswith("error: ConnectionError: cannot connect to openai")
    assert "hint: Is the OpenAI-compatible server running?" in err
    code, out, err = run(capsys, "health", "-p", "openai", "--base-url", url)
    assert code == 1 and "DOWN" in out
    code, out, err = run(capsys, "models", "-p", "openai", "--base-url", url)
    assert code == 1 and "ConnectionError" in err


def test_usage_errors_exit_2(capsys, monkeypatch) -> None:
    code, _, err = run(capsys, "chat", "-p", "nope", "hi")
    assert code == 2 and "unknown provider 'nope'" in err
    code, _, err = run(capsys, "chat", "-p", "openai", "-i", "missing.png", "hi")
    assert code == 2 and "missing.png" in err
    code, _, err = run(capsys, "chat", "-p", "openai", "-t", "7", "hi")
    assert code == 2 and "temperature" in err
    monkeypatch.setattr(sys, "stdin", None)
    code, _, err = run(capsys, "chat", "-p", "openai")
    assert code == 2 and "no prompt" in err
    assert run(capsys)[0] == 2  # no command: help on stderr


def test_debug_env_shows_the_traceback(monkeypatch) -> None:
    from llm_core import ConfigurationError

    monkeypatch.setenv("LLM_CORE_DEBUG", "1")
    with pytest.raises(ConfigurationError):
        main(["chat", "-p", "nope", "hi"])


@pytest.mark.engine
def test_console_script_reads_a_piped_prompt(llamacpp_server) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "llm_core.cli",
            "chat",
            "-p",
            "openai",
            "--base-url",
            llamacpp_server.openai_url,
            "--max-tokens",
            "4",
        ],
        input="Hello from stdin",
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip()


def test_plugin_commands_are_added(monkeypatch, capsys) -> None:
    import llm_core

    class Plugin:
        @llm_core.hookimpl
        def llm_core_register_commands(self, register):
            register(
                "hello",
                "say hello",
                lambda p: p.add_argument("name"),
                lambda args: print(f"hello {args.name}") or 0,
            )

    pm = llm_core.get_plugin_manager()
    pm.register(Plugin(), name="test-hello")
    try:
        code, out, _ = run(capsys, "hello", "world")
    finally:
        pm.unregister(name="test-hello")
    assert code == 0 and out == "hello world\n"
