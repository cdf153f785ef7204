"""Every row of the fault table (specs/resilience.md) on the built-in openai adapter, for
sync and async generate and streams, alone and with a healthy fallback provider behind it.

Faults happen on real loopback sockets (tests/support/faults.py); retry waits run on a fake
clock, so no test sleeps for real beyond the read timeouts the table names."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from support.fault_table import CHAT, CLIENT, ROWS, Outcome, Row
from support.faults import refused_url
from support.openai_fake import OpenAIFake
from support.resilience import MODES, ask, install_fake_time
from support.transports import fixture as both_transports

import llm_core
from llm_core.http import HTTPProtocol

transport = both_transports()  # async modes on httpx2 and on aiohttp


@pytest.fixture(autouse=True)
def fake_time(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(HTTPProtocol, "max_response_bytes", 1 << 20)  # for the oversized row
    return install_fake_time(monkeypatch)


@pytest.fixture
def fallback_fake():
    with OpenAIFake() as fake:
        yield fake


def client_kwargs(row: Row, url: str) -> dict:
    timeouts = {**CLIENT["timeouts"], **row.client.get("timeouts", {})}
    return {**CLIENT, **row.client, "timeouts": timeouts, "base_url": url}


def primary_attempts(row: Row, fake: OpenAIFake, trail: list) -> int:
    if row.refused:  # nothing listens, so count the attempts the retry layer recorded
        return sum(a.error_type == "ConnectionError" for a in trail)
    return fake.count(CHAT)


def check_sleeps(row: Row, want: Outcome, sleeps: list[float]) -> None:
    if want.sleeps is None:
        assert row.sleeps_ok(sleeps), sleeps
    else:
        assert tuple(sleeps) == want.sleeps


def check_error(want: Outcome, error: BaseException) -> None:
    if want.partial is not None:
        assert error.partial_text == want.partial
    elif want.error.__name__ == "GenerationError":
        assert error.partial_text.startswith("w0 w1")  # the text that reached the caller


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_fault_alone(row: Row, mode: str, openai_fake, fake_time) -> None:
    row.setup(openai_fake)
    want = row.outcome(mode)
    kwargs = client_kwargs(row, refused_url() if row.refused else openai_fake.url)
    if want.error is None:
        response = ask(mode, client_kwargs=kwargs, provider="openai")
        assert (response.content, response.fallbacks) == (row.answer, [])
        assert [a.error is None for a in response.attempts][-1]
        trail = response.attempts
    else:
        with pytest.raises(want.error) as info:
            ask(mode, client_kwargs=kwargs, provider="openai")
        check_error(want, info.value)
        trail = getattr(info.value, "attempts", [])
    assert primary_attempts(row, openai_fake, trail) == want.attempts
    check_sleeps(row, want, fake_time.sleeps)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_fault_with_a_fallback(row: Row, mode: str, openai_fake, fallback_fake, fake_time) -> None:
    row.setup(openai_fake)
    want = row.outcome(mode)
    kwargs = client_kwargs(row, refused_url() if row.refused else openai_fake.url)
    kwargs["fallbacks"] = [{"provider": "openai", "base_url": fallback_fake.url}]
    if want.error is not None and not want.falls_back:
        with pytest.raises(want.error) as info:
            ask(mode, client_kwargs=kwargs, provider="openai")
        check_error(want, info.value)
        assert fallback_fake.count(CHAT) == 0
        return
    response = ask(mode, client_kwargs=kwargs, provider="openai")
    assert response.content == row.answer
    if want.error is None:
        assert (response.fallbacks, fallback_fake.count(CHAT)) == ([], 0)
    else:
        assert [f.error_type for f in response.fallbacks] == [want.error.__name__]
        assert fallback_fake.count(CHAT) == 1
        assert response.attempts[-1].error is None
    assert primary_attempts(row, openai_fake, response.attempts) == want.attempts
    check_sleeps(row, want, fake_time.sleeps)


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r.id)
def test_no_fault_puts_the_api_key_in_a_log_or_an_error(row: Row, openai_fake, caplog) -> None:
    caplog.set_level(logging.DEBUG, logger="llm_core")
    row.setup(openai_fake)
    kwargs = client_kwargs(row, refused_url() if row.refused else openai_fake.url)
    secret = kwargs.setdefault("api_key", "sk-secret-never-shown-42")
    try:
        text = repr(ask("sync", client_kwargs=kwargs, provider="openai"))
    except llm_core.LLMError as exc:
        text = f"{exc!s} {exc!r} {getattr(exc, 'attempts', '')}"
    assert caplog.records  # the logging plugin did log this call
    assert secret not in caplog.text
    assert secret not in text


def test_the_spec_table_lists_every_row() -> None:
    spec = (Path(__file__).resolve().parents[1] / "specs" / "resilience.md").read_text()
    missing = [row.id for row in ROWS if f"| `{row.id}` | {row.fault} |" not in spec]
    assert missing == []
