"""``llm-core chat --tool module:function`` against the OpenAI fake over a real socket."""

from __future__ import annotations

import json

import pytest

from llm_core.cli import main
from tests.support.openai_fake import OpenAIFake


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def shout(text: str) -> str:
    """Upper-case a text."""
    return text.upper()


TOOLS = ["--tool", "tests.test_cli_tools:add", "--tool", "tests.test_cli_tools:shout"]
SCRIPT = [[("add", {"a": 2, "b": 3}), ("shout", {"text": "hi"})], "five and HI"]


@pytest.fixture
def fake():
    with OpenAIFake() as server:
        yield server


@pytest.mark.parametrize("stream", [True, False])
def test_chat_tool_prints_calls_results_and_answer(capsys, fake, stream: bool) -> None:
    fake.answers = list(SCRIPT)
    argv = ["chat", "-p", "openai", "--base-url", fake.url + "/v1", "-m", "fake-model", *TOOLS]
    code = main([*argv, *([] if stream else ["--no-stream"]), "add 2 and 3, shout hi"])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        '> add {"a": 2, "b": 3}',
        '> shout {"text": "hi"}',
        "< add: 5",
        "< shout: HI",
        "five and HI",
    ]
    sent = json.loads(fake.requests[-1].body)
    assert [t["function"]["name"] for t in sent["tools"]] == ["add", "shout"]
    assert [m["role"] for m in sent["messages"]] == ["user", "assistant", "tool", "tool"]


def test_chat_tool_json_has_every_round(capsys, fake) -> None:
    fake.answers = list(SCRIPT)
    argv = ["chat", "-p", "openai", "--base-url", fake.url + "/v1", "--json", *TOOLS, "go"]
    code = main(argv)
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["content"] == "five and HI" and len(data["rounds"]) == 2


@pytest.mark.parametrize(
    ("target", "match"),
    [
        ("nocolon", "'nocolon' is not module:function"),
        ("no_such_module_xyz:f", "cannot import module 'no_such_module_xyz'"),
        ("tests.test_cli_tools:nope", "has no attribute 'nope'"),
        ("tests.test_cli_tools:TOOLS", "is a list, not a function"),
    ],
)
def test_bad_tool_target_is_one_line_naming_it(capsys, target: str, match: str) -> None:
    code = main(["chat", "-p", "openai", "--base-url", "http://127.0.0.1:9", "--tool", target, "x"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ValidationError: --tool ") and match in err
    assert "hint:" in err
