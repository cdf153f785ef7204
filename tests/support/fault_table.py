"""The fault table of specs/resilience.md as data: each row is one fault injected into the
OpenAI fake (tests/support/faults.py) and what the built-in ``openai`` adapter, wrapped by the
core's resilience plugins, must do about it -- for generate and for streams.

Defaults: 3 attempts, backoff 0.25 s doubling (the random source is fixed at 1.0, so the waits
are exactly 0.25 and 0.5 on a fake clock), read timeout 0.3 s, Retry-After cap 30 s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llm_core import errors as e

from .faults import Fault
from .openai_fake import OpenAIFake

CHAT = "/v1/chat/completions"
ANSWER = "echo: hi"  # the fake's answer to "hi"
CLIENT = {"timeouts": {"read": 0.3, "connect": 2.0, "total": 30.0}}


@dataclass(frozen=True)
class Outcome:
    """What a request must end with: ``error`` None is the right answer after ``attempts``
    requests; ``falls_back`` says whether a fallback provider then gets the request; ``sleeps``
    are the retry waits on the fake clock (None: checked by ``Row.sleeps_ok``)."""

    error: type[BaseException] | None
    attempts: int
    falls_back: bool = False
    sleeps: tuple[float, ...] | None = ()
    partial: str | None = None


@dataclass(frozen=True)
class Row:
    id: str
    fault: str  # the fault, as the spec's table names it
    setup: Callable[[OpenAIFake], Any]
    gen: Outcome
    stream: Outcome | None = None  # None: the same as gen
    client: dict[str, Any] = field(default_factory=dict)
    refused: bool = False  # the primary is a port nothing listens on
    sleeps_ok: Callable[[list[float]], bool] | None = None
    bound: str = "immediate (no real wait: retry waits run on the fake clock)"
    answer: str = ANSWER

    def outcome(self, mode: str) -> Outcome:
        return self.stream or self.gen if mode in ("stream", "astream") else self.gen


def push(fault: Fault, times: int | None = 1) -> Callable[[OpenAIFake], Any]:
    return lambda fake: fake.faults.push(fault, times=times, path=CHAT)


def configure(**attrs: Any) -> Callable[[OpenAIFake], Any]:
    def setup(fake: OpenAIFake) -> None:
        for name, value in attrs.items():
            setattr(fake, name, value)

    return setup


RETRIED_OK = (0.25, 0.5)
BROKEN_STREAM = Outcome(e.GenerationError, 1, falls_back=False, partial="echo:")
READ = "one read timeout (0.3 s)"

ROWS = [
    Row(
        "500-twice",
        "500 twice, then 200",
        push(Fault.error(500), 2),
        Outcome(None, 3, sleeps=RETRIED_OK),
    ),
    Row(
        "500-always",
        "500 on every request",
        push(Fault.error(500), None),
        Outcome(e.ServerError, 3, True, RETRIED_OK),
    ),
    Row(
        "501",
        "501 Not Implemented (permanent)",
        push(Fault.error(501), None),
        Outcome(e.ServerError, 1, True),
    ),
    Row(
        "429-seconds",
        "429 with Retry-After: 2",
        push(Fault.rate_limited(2)),
        Outcome(None, 2, sleeps=(2.0,)),
    ),
    Row(
        "429-date",
        "429 with Retry-After as an HTTP date 3 s ahead",
        push(Fault.rate_limited(3, as_date=True)),
        Outcome(None, 2, sleeps=None),
        sleeps_ok=lambda s: len(s) == 1 and 1.0 < s[0] <= 3.0,
    ),
    Row(
        "429-ms",
        "429 with retry-after-ms: 1500",
        push(Fault.rate_limited(ms=1500)),
        Outcome(None, 2, sleeps=(1.5,)),
    ),
    Row(
        "429-over-cap",
        "429 with Retry-After: 120 (cap 30 s)",
        push(Fault.rate_limited(120)),
        Outcome(e.RateLimitError, 1, True),
    ),
    Row(
        "refused",
        "connection refused (nothing listens)",
        lambda fake: None,
        Outcome(e.ConnectionError, 3, True, RETRIED_OK),
        refused=True,
    ),
    Row(
        "reset-once",
        "RST before the headers, once",
        push(Fault.reset()),
        Outcome(None, 2, sleeps=(0.25,)),
    ),
    Row(
        "reset-always",
        "RST before the headers, always",
        push(Fault.reset(), None),
        Outcome(e.ConnectionError, 3, True, RETRIED_OK),
    ),
    Row(
        "drop-mid-body",
        "connection closed mid-body (Content-Length not met)",
        push(Fault.drop_mid_body()),
        Outcome(None, 2, sleeps=(0.25,)),
        BROKEN_STREAM,
    ),
    Row(
        "drop-stream-before-text",
        "closed mid-stream after 1 chunk (the role delta, no text)",
        push(Fault.drop_mid_stream(after=1)),
        Outcome(None, 2, sleeps=(0.25,)),
    ),
    Row(
        "drop-stream-after-text",
        "closed mid-stream after 2 chunks (text has arrived)",
        push(Fault.drop_mid_stream(after=2)),
        Outcome(None, 2, sleeps=(0.25,)),
        BROKEN_STREAM,
    ),
    Row(
        "rst-stream-after-text",
        "RST mid-stream after 2 chunks",
        push(Fault.drop_mid_stream(after=2, hard=True)),
        Outcome(None, 2, sleeps=(0.25,)),
        BROKEN_STREAM,
    ),
    Row(
        "slow-headers",
        "headers slower than the read timeout",
        push(Fault.slow_headers(5)),
        Outcome(e.TimeoutError, 1, True),
        bound=READ,
    ),
    Row(
        "slow-headers-retried",
        "headers slow once, with retry_read_timeouts",
        push(Fault.slow_headers(5)),
        Outcome(None, 2, sleeps=(0.25,)),
        client={"retry": {"retry_read_timeouts": True}},
        bound=READ,
    ),
    Row(
        "slow-body",
        "body slower than the read timeout",
        push(Fault.slow_body(5)),
        Outcome(e.TimeoutError, 1, True),
        bound=READ,
    ),
    Row(
        "slow-body-deadline",
        "each chunk 0.05 s, 40 chunks, total deadline 0.6 s",
        lambda fake: (push(Fault.slow_body(0.05))(fake), configure(words=40)(fake)),
        Outcome(None, 1),
        Outcome(e.GenerationError, 1, False, partial=None),
        client={"timeouts": {"read": 5.0, "total": 0.6}},
        bound="the total deadline (0.6 s)",
        answer=" ".join(f"w{i}" for i in range(40)),
    ),
    Row(
        "malformed-json",
        "200 application/json, cut-off JSON",
        push(Fault.malformed_json()),
        Outcome(e.InvalidResponseError, 1, True),
        Outcome(e.GenerationError, 1, True, partial=""),
    ),
    Row(
        "wrong-content-type",
        "200 text/html (a proxy's error page)",
        push(Fault.wrong_content_type()),
        Outcome(e.InvalidResponseError, 1, True),
        Outcome(e.GenerationError, 1, True, partial=""),
    ),
    Row(
        "oversized",
        "200 JSON body of 2 MiB over a 1 MiB max_response_bytes",
        push(Fault.oversized(2 << 20)),
        Outcome(e.InvalidResponseError, 1, True),
        Outcome(e.InvalidResponseError, 1, True),
    ),
    Row(
        "401",
        "401 wrong API key",
        configure(api_key="the-right-key"),
        Outcome(e.AuthenticationError, 1),
        client={"api_key": "sk-wrong-key-123"},
    ),
    Row(
        "404-model",
        "404 unknown model",
        configure(strict_models=True),
        Outcome(e.ModelNotFoundError, 1, True),
        client={"model": "no-such-model"},
    ),
    Row("400", "400 invalid request", push(Fault.error(400)), Outcome(e.ValidationError, 1)),
]
