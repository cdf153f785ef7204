"""Sans-IO units of the body reader: line splitting (SSE and NDJSON), the byte caps, the
deadline check per chunk, and the ``limits`` settings that feed them."""

from __future__ import annotations

import time

import pytest

import llm_core
from llm_core.http.framing import Budget, Framer


class Over(Exception):
    pass


def framer(sse: bool = True, max_line: int = 1000, max_bytes: int | None = 10_000) -> Framer:
    return Framer(max_line, sse, max_bytes, None, lambda what, n: Over(what, n), TimeoutError)


def test_sse_lines_end_at_lf_crlf_and_lone_cr_only() -> None:
    f = framer()
    text = "data: a\u2028b\u0085c\x1cd\x0be\n"
    assert f.feed(text.encode()) == ["data: a\u2028b\u0085c\x1cd\x0be"]
    assert f.feed(b"x\r\ny\rz\n") == ["x", "y", "z"]


def test_a_character_split_between_chunks_is_kept_whole() -> None:
    f = framer()
    data = "data: \u00e9t\u00e9\n".encode()
    assert f.feed(data[:7]) == []
    assert f.feed(data[7:]) == ["data: \u00e9t\u00e9"]


def test_ndjson_lines_are_bytes_and_the_last_line_counts() -> None:
    f = framer(sse=False)
    assert f.feed(b'{"a":1}\n{"b"') == [b'{"a":1}']
    assert f.feed(b":2}") == []
    assert f.end() == [b'{"b":2}']
    assert framer(sse=False).end() == []


@pytest.mark.parametrize("sse", [True, False])
def test_a_line_over_the_cap_is_refused_complete_or_not(sse: bool) -> None:
    with pytest.raises(Over, match="line"):
        framer(sse).feed(b"x" * 1001)
    with pytest.raises(Over, match="line"):
        framer(sse).feed(b"ok\n" + b"x" * 1001 + b"\nok\n")
    assert len(framer(sse).feed(b"y" * 1000 + b"\n")[0]) == 1000


def test_the_answer_cap_counts_every_chunk() -> None:
    f = framer(max_bytes=100)
    f.feed(b"\n" * 100)
    with pytest.raises(Over, match="answer"):
        f.feed(b"\n")


def test_the_deadline_is_checked_on_every_chunk() -> None:
    budget = Budget(None, time.monotonic() - 0.001, lambda *a: Over(), lambda: TimeoutError("late"))
    with pytest.raises(TimeoutError, match="late"):
        budget.take(b"x")


def test_limits_come_from_settings_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LLM_CORE_LIMITS__MAX_LINE_BYTES", "4096")
    with llm_core.Client("openai", base_url="http://127.0.0.1:9/v1") as client:
        assert client.settings.limits.max_line_bytes == 4096
        assert client.settings.limits.max_response_bytes == 32 * 1024 * 1024
    with pytest.raises(llm_core.ConfigurationError, match="LLM_CORE_LIMITS__MAX_RESPONSE_BYTES"):
        llm_core.Client("openai", limits={"max_response_bytes": 1})
