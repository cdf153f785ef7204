"""Sans-IO pull progress parsing and the shared progress bar."""

from __future__ import annotations

import io

import pytest

from llm_core import errors as e
from llm_core.progress import ProgressBar, format_bytes
from llm_core_ollama.pull import PullProgress, PullState


def test_progress_lines_become_objects() -> None:
    state = PullState("llama3.2")
    assert state.feed("") is None
    first = state.feed('{"status":"pulling manifest"}')
    layer = state.feed(
        '{"status":"pulling 6a07","digest":"sha256:6a07","total":200,"completed":50}'
    )
    early = state.feed('{"status":"pulling 6a07","digest":"sha256:6a07","total":200}')
    assert first == PullProgress("pulling manifest")
    assert first.fraction is None
    assert not first.done
    assert layer is not None
    assert layer.fraction == 0.25
    assert early is not None
    assert early.fraction == 0.0
    done = state.feed('{"status":"success"}')
    assert done is not None
    assert done.done
    assert state.finish() is done


def test_error_line_for_a_missing_model_is_model_not_found() -> None:
    state = PullState("nosuch")
    state.feed('{"status":"pulling manifest"}')
    with pytest.raises(e.ModelNotFoundError, match="file does not exist") as info:
        state.feed('{"error":"pull model manifest: file does not exist"}')
    assert "ollama.com/library" in (info.value.hint or "")


def test_other_error_lines_and_early_ends_are_provider_errors() -> None:
    with pytest.raises(e.ProviderError, match="connection reset"):
        PullState("m").feed('{"error":"max retries exceeded: connection reset"}')
    state = PullState("m")
    state.feed('{"status":"pulling manifest"}')
    with pytest.raises(e.ProviderError, match="before 'success'"):
        state.finish()


def test_format_bytes() -> None:
    assert [format_bytes(n) for n in (0, 999, 1500, 2_019_393_189)] == [
        "0 B",
        "999 B",
        "1.5 KB",
        "2.0 GB",
    ]


def test_progress_bar_on_a_terminal_redraws_one_line_per_step() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, tty=True, min_interval=0)
    bar.update("pulling manifest")
    bar.update("pulling 6a07", 50, 200)
    bar.update("pulling 6a07", 200, 200)
    bar.update("success")
    bar.close()
    text = out.getvalue()
    assert "\r" in text
    assert "[" + "#" * 7 + "." * 21 + "]  25.0%" in text
    assert "100.0% 200 B/200 B" in text
    assert text.endswith("success\n")


def test_progress_bar_off_a_terminal_writes_one_plain_line_per_step() -> None:
    out = io.StringIO()
    bar = ProgressBar(out, tty=False)
    for done in range(0, 201, 20):
        bar.update("pulling 6a07", done, 200)
    bar.update("success")
    bar.close("pulled")
    assert out.getvalue().splitlines() == ["pulling 6a07  200 B", "success", "pulled"]
