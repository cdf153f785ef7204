"""The plugin registers lightly, validates options and models, and cuts stop strings (no mlx)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import types

import pytest

import llm_core
from llm_core.cli import get_command_specs
from llm_core.errors import ConfigurationError, ValidationError
from llm_core.plugins import get_provider
from llm_core_mlx._progress import download_progress
from llm_core_mlx._prompt import check_images
from llm_core_mlx._stops import StopScanner


def test_importing_the_plugin_and_adapter_does_not_import_mlx() -> None:
    code = (
        "import sys, llm_core; from llm_core.plugins import get_provider\n"
        "spec = get_provider('mlx'); spec.adapter_class(False); spec.adapter_class(True)\n"
        "import llm_core_mlx.plugin, llm_core_mlx.demo, llm_core_mlx.options\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'mlx', 'mlx_vlm', 'transformers', 'PIL'}))"
    )
    env = {k: v for k, v in os.environ.items() if k != "LLM_CORE_PLUGINS"}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip() == "[]", result.stdout + result.stderr


def test_provider_and_demo_command_are_registered() -> None:
    spec = get_provider("mlx")
    assert spec.plugin == "mlx"
    assert "mlx-vlm" in spec.description
    assert "mlx-demo" in get_command_specs()


def test_unknown_and_invalid_options_are_configuration_errors() -> None:
    with pytest.raises(ConfigurationError, match="unknown option 'num_ctx'") as info:
        llm_core.Client("mlx", model="m", options={"num_ctx": 4096})
    assert "max_loaded_models" in (info.value.hint or "")
    with pytest.raises(ConfigurationError, match="max_loaded_models"):
        llm_core.Client("mlx", model="m", options={"max_loaded_models": 0})


def test_a_request_option_is_validated_too() -> None:
    with llm_core.Client("mlx", model="m") as client, pytest.raises(ValidationError, match="top_k"):
        client.generate("hi", options={"top_k": -1})


def test_no_model_anywhere_says_how_to_name_one() -> None:
    with llm_core.Client("mlx") as client, pytest.raises(ConfigurationError) as info:
        client.generate("hi")
    assert "VISION_MODEL" in (info.value.hint or "")


def test_a_schema_becomes_a_json_instruction_in_the_system_message() -> None:
    from llm_core_mlx._prompt import prepare

    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    chat = prepare(
        llm_core.Request([llm_core.Message.system("Be brief."), "hi"], schema=schema)
    ).chat
    assert [m["role"] for m in chat] == ["system", "user"]
    assert chat[0]["content"].startswith("Be brief.\n\nAnswer with one JSON value only")
    assert '"n":{"type":"integer"}' in chat[0]["content"]
    assert prepare(llm_core.Request("hi", schema=schema)).chat[0]["role"] == "system"


def test_images_in_an_assistant_message_are_refused(pictures) -> None:
    messages = [
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "look", "images": [str(pictures["red"])]},
        {"role": "user", "content": "what was that?"},
    ]
    expected = r"messages\[1\] has role 'assistant' and images"
    with llm_core.Client("mlx", model="m") as c, pytest.raises(ValidationError, match=expected):
        c.generate(messages)


def test_an_undecodable_image_is_a_validation_error() -> None:
    with llm_core.Client("mlx", model="m") as client:
        with pytest.raises(ValidationError, match="not a PNG"):
            client.generate("describe", images=[b"definitely not an image"])
        truncated = b"\x89PNG\r\n\x1a\n" + b"\x00" * 20
        with pytest.raises(ValidationError, match="cannot decode image"):
            client.generate("describe", images=[truncated])


def test_image_capability_checks() -> None:
    pytest.importorskip("mlx_vlm", reason="mlx-vlm's model tables decide")
    check_images("tiny", "qwen2_vl", 3)  # multi-image VLM: fine
    check_images("text", "llama", 0)  # text-only model, no image: fine
    with pytest.raises(ValidationError, match="text-only model and cannot take images"):
        check_images("text", "llama", 1)
    with pytest.raises(ValidationError, match="takes one image per request, got 2"):
        check_images("pg", "paligemma", 2)
    check_images("pg", "paligemma", 1)


@pytest.mark.parametrize(
    ("stops", "chunks", "emitted", "stopped"),
    [
        (None, ["ab", "cd"], "abcd", False),
        (["STOP"], ["hello ST", "OP world"], "hello ", True),
        (["STOP"], ["hello ST", "ar"], "hello STar", False),
        (["\n\n", "END"], ["a\n", "\nb"], "a", True),
        (["xyz"], ["x", "y", "q"], "xyq", False),
        (["aa"], ["baaa"], "b", True),
        (["ab", "b"], ["cab"], "c", True),
    ],
)
def test_stop_scanner(stops, chunks, emitted, stopped) -> None:
    scanner = StopScanner(stops)
    out = "".join(scanner.feed(chunk) for chunk in chunks)
    out += scanner.flush()
    assert (out, scanner.stopped) == (emitted, stopped)
    if stopped:
        assert scanner.feed("more") == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_download_progress_drives_the_shared_bar(monkeypatch) -> None:
    import itertools

    import llm_core.progress

    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    clock = itertools.count(start=100.0, step=1.0)  # each redraw a second later: no throttling
    fake_time = types.SimpleNamespace(monotonic=lambda: next(clock))
    monkeypatch.setattr(llm_core.progress, "time", fake_time)
    tqdm_class, finish = download_progress("downloading org/x")
    files = tqdm_class(total=3, unit="it", desc="Fetching 3 files")  # not bytes: not shown
    data = tqdm_class(total=2000, unit="B", unit_scale=True, desc="Reconstructing")
    files.update(1)
    data.update(1000)
    data.refresh()
    finish()
    data.update(1000)  # after the download: ignored
    data.close()
    files.close()
    text = terminal.getvalue()
    assert "downloading org/x [" in text
    assert "50.0% 1.0 KB/2.0 KB" in text
    assert "100.0%" not in text
    assert "Fetching" not in text


def test_download_progress_can_be_turned_off(monkeypatch) -> None:
    monkeypatch.setenv("LLM_CORE_PROGRESS", "0")
    tqdm_class, finish = download_progress("downloading org/x")
    assert tqdm_class is None
    finish()


def test_a_request_with_tools_is_not_supported_with_a_hint() -> None:
    def add(a: int, b: int) -> int:
        """Add two numbers."""
        return a + b

    with llm_core.Client("mlx", model="any/model") as client:  # refused before any model loads
        for ask in (
            lambda: client.generate("1+2?", tools=[add]),
            lambda: client.run("1+2?", tools=[add]),
            lambda: client.stream("hi", tools=[{"type": "function", "function": {"name": "f"}}]),
        ):
            with pytest.raises(llm_core.NotSupportedError, match="'mlx:any/model' does not") as e:
                ask()
            assert "does not parse tool calls" in (e.value.hint or "")
