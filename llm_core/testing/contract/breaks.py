"""Contract checks: a stream whose server dies mid-answer ends in ``GenerationError`` carrying
exactly the text that reached the caller (``partial_text``), sync and async.

The kit's :class:`~llm_core.testing.servers.CountingProxy` learns the size of a whole streamed
answer, then cuts the next connection off 60 % of the way through that answer and resets it. No
cooperation from the backend is needed, so every HTTP provider gets the check.
"""

from __future__ import annotations

import pytest

import llm_core
from llm_core.testing.contract.fixtures import ONE_TRY, ContractBase, run_async

__all__ = ["StreamBreakChecks"]

#: Text events an answer needs before a cut can land between them.
MIN_EVENTS = 4


class StreamBreakChecks(ContractBase):
    """Mid-stream failures: typed, with the partial text, the connection released."""

    def _cut_point(self, proxy, url: str) -> tuple[int, str]:
        """Stream once through ``proxy`` in full; return where to cut and the full text."""
        with self.client(base_url=url, retry=ONE_TRY) as client:
            events = list(client.stream(self.prompt, **self._fields()))
        texts = [event.text for event in events if event.text]
        if len(texts) < MIN_EVENTS:
            pytest.skip(f"the answer has {len(texts)} text events: too short to cut mid-stream")
        sizes = next(s for s in reversed(proxy.exchanges) if s)
        return sum(sizes[:-1]) + sizes[-1] * 6 // 10, "".join(texts)

    def _fields(self) -> dict:
        return self.fields(max_tokens=max(self.max_tokens, 24))

    def _check(self, error: BaseException | None, received: list[str], full: str) -> None:
        assert error is not None, "the stream ended normally although its server died mid-answer"
        assert isinstance(error, llm_core.GenerationError), (
            f"a stream cut after {len(received)} events raised {type(error).__name__}: {error} "
            "(expected GenerationError with partial_text)"
        )
        assert received, "the cut landed before the first event; the answer is too short"
        assert error.partial_text == "".join(received), (
            f"partial_text {error.partial_text!r} is not the text delivered {''.join(received)!r}"
        )
        assert full.startswith(error.partial_text), "partial_text is not a prefix of the answer"

    def test_a_stream_cut_mid_answer_is_a_generation_error_with_partial_text(self) -> None:
        """Sync: the text events that arrived, then GenerationError(partial_text=that text)."""
        self.require_http("cut mid-answer")
        with self.proxied() as (proxy, url):
            cut, full = self._cut_point(proxy, url)
            proxy.cut_next_at(cut)
            received, error = [], None
            with self.client(base_url=url, retry=ONE_TRY) as client:
                try:
                    for event in client.stream(self.prompt, **self._fields()):
                        if event.text:
                            received.append(event.text)
                except llm_core.LLMError as exc:
                    error = exc
            assert proxy.wait_open(0), "the broken stream's connection was not released"
        self._check(error, received, full)

    def test_an_async_stream_cut_mid_answer_is_a_generation_error(self) -> None:
        """Async: the same as the sync check, on AsyncClient."""
        self.require_http("cut mid-answer")
        with self.proxied() as (proxy, url):
            cut, full = self._cut_point(proxy, url)
            proxy.cut_next_at(cut)

            async def run():
                received, error = [], None
                async with self.async_client(base_url=url, retry=ONE_TRY) as client:
                    try:
                        async for event in client.stream(self.prompt, **self._fields()):
                            if event.text:
                                received.append(event.text)
                    except llm_core.LLMError as exc:
                        error = exc
                return received, error

            received, error = run_async(run)
            assert proxy.wait_open(0), "the broken stream's connection was not released"
        self._check(error, received, full)
