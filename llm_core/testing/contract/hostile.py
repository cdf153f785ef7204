"""Contract checks: hostile answers -- dripping, endless, oversized, a gzip bomb -- end within
the call's total deadline or at the byte limits, with a typed error, sync and async, for
generate and for streams.

These need nothing from the adapter but the core's HTTP shells (or the same care in its own
I/O): every read fitted to the deadline, and decoded bytes counted per answer and per line.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import pytest

import llm_core
from llm_core.testing.contract.errors import raised
from llm_core.testing.contract.fixtures import ONE_TRY, ContractBase, run_async
from llm_core.testing.hostile import HostileServer

__all__ = ["HostileChecks"]

#: Lowered limits for the oversized checks (the server sends just over them).
SMALL_LIMITS = {"max_response_bytes": 64 * 1024, "max_line_bytes": 16 * 1024}


class HostileChecks(ContractBase):
    """Total deadline and byte limits against servers that misbehave on purpose."""

    #: ``timeouts.total`` (seconds) for the deadline checks; the read timeout stays long.
    hostile_deadline: ClassVar[float] = 0.5

    def _calls(self, **overrides: Any) -> dict[str, Callable[[], Any]]:
        fields = self.fields()

        def sync(stream: bool) -> Any:
            with self.client(retry=ONE_TRY, **overrides) as client:
                if stream:
                    return list(client.stream(self.prompt, **fields))
                return client.generate(self.prompt, **fields)

        async def asynchronous(stream: bool) -> Any:
            async with self.async_client(retry=ONE_TRY, **overrides) as client:
                if stream:
                    return [event async for event in client.stream(self.prompt, **fields)]
                return await client.generate(self.prompt, **fields)

        return {
            "generate": lambda: sync(False),
            "stream": lambda: sync(True),
            "async generate": lambda: run_async(lambda: asynchronous(False)),
            "async stream": lambda: run_async(lambda: asynchronous(True)),
        }

    def hostile_outcomes(self, server: HostileServer, **overrides: Any) -> dict[str, Any]:
        """Each call kind against ``server``: ``{name: (error, seconds)}``; fails on a hang."""
        url = self._on(server.port)
        out: dict[str, Any] = {}
        for name, call in self._calls(base_url=url, **overrides).items():
            box: list[Any] = []
            started = time.monotonic()
            worker = threading.Thread(target=lambda c=call, b=box: b.append(raised(c)), daemon=True)
            worker.start()
            worker.join(self.hang_limit)
            if worker.is_alive():
                pytest.fail(f"{name} against {server!r}: still running after {self.hang_limit} s")
            out[name] = (box[0], time.monotonic() - started)
        return out

    def _expect_deadline(self, server: HostileServer) -> None:
        timeouts = {"total": self.hostile_deadline, "read": 600.0}
        for name, (error, _) in self.hostile_outcomes(server, timeouts=timeouts).items():
            assert isinstance(error, llm_core.TimeoutError), f"{name}: {error!r}"
            assert error.phase == "deadline", f"{name}: phase {error.phase!r}: {error}"

    def test_dripping_answer_keeps_the_deadline(self) -> None:
        """An answer dripping one byte every 20 ms (a 10 MB Content-Length it never reaches)
        ends at ``timeouts.total`` with ``TimeoutError(phase="deadline")``."""
        self.require_http("drip")
        with HostileServer("drip", interval=0.02, length=10_000_000) as server:
            self._expect_deadline(server)

    def test_endless_blank_lines_keep_the_deadline(self) -> None:
        """Endless blank lines (nothing for a parser to act on) end at the deadline too."""
        self.require_http("send blank lines")
        with HostileServer("endless", pattern=b"\n", repeat=512, interval=0.005) as server:
            self._expect_deadline(server)

    def _expect_too_large(self, server: HostileServer) -> None:
        for name, (error, _) in self.hostile_outcomes(server, limits=SMALL_LIMITS).items():
            assert isinstance(error, llm_core.InvalidResponseError), f"{name}: {error!r}"
            assert "exceeds" in str(error), f"{name}: {error}"

    def test_oversized_answer_is_refused(self) -> None:
        """One line over the limits is refused (InvalidResponseError), not buffered whole."""
        self.require_http("send a huge line")
        with HostileServer("big", size=SMALL_LIMITS["max_response_bytes"] + 1) as server:
            self._expect_too_large(server)

    def test_gzip_bomb_is_refused(self) -> None:
        """A small gzip body inflating past the limits is refused: decoded bytes count."""
        self.require_http("send a gzip bomb")
        with HostileServer("gzip", size=4 << 20) as server:
            assert len(server._body) < SMALL_LIMITS["max_response_bytes"], "not a bomb"
            self._expect_too_large(server)
