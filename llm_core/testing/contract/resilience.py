"""Contract checks: the core's retry, fallback and response-cache wrappers apply to the adapter.

These need no cooperation from the adapter beyond the contract itself (typed errors, no retries
of its own); they fail when an adapter hides failures the wrappers need to see.
"""

from __future__ import annotations

from contextlib import nullcontext

import pytest

import llm_core
from llm_core.testing.contract.calls import check_response
from llm_core.testing.contract.fixtures import ONE_TRY, ContractBase, run_async

__all__ = ["ResilienceChecks"]


class ResilienceChecks(ContractBase):
    """Retry, fallback and cache around the author's adapter."""

    def test_attempts_are_recorded(self) -> None:
        """The retry layer fills ``Response.attempts``: one successful attempt here."""
        with self.client() as client:
            response = client.generate(self.prompt, **self.fields())
        assert response.attempts, "Response.attempts is empty: is the retry layer bypassed?"
        assert response.attempts[-1].error is None, response.attempts

    def test_retry_wraps_the_adapter(self) -> None:
        """A reset connection is retried by the core, never by the adapter itself."""
        self.require_http("reset")
        with self.proxied() as (proxy, url):
            proxy.reset_next(1)
            with (
                self.client(base_url=url, retry=ONE_TRY) as client,
                pytest.raises(llm_core.ConnectionError),
            ):
                client.generate(self.prompt, **self.fields())
            assert proxy.accepted == 1, "the adapter retried on its own (the core retries)"
            proxy.reset_next(1)
            retry = {"max_attempts": 2, "backoff_base": 0.0}
            with self.client(base_url=url, retry=retry) as client:
                response = client.generate(self.prompt, **self.fields())
        check_response(response, self.provider, self.max_tokens)
        assert len(response.attempts) == 2, response.attempts
        assert response.attempts[0].error, response.attempts
        assert response.attempts[1].error is None, response.attempts

    def _failing_primary(self) -> dict:
        if self.http:
            return {}  # filled with a refused base_url by the caller
        if self.unknown is None:
            pytest.skip("in-process provider without an unknown model: nothing fails")
        return {"model": self.unknown}

    def test_fallback_wraps_the_adapter(self) -> None:
        """A failing primary falls back to the working backend; ``Response.fallbacks`` says so."""
        good = {"provider": self.provider, "model": self.model_id, **self.backend_config}
        primary = self._failing_primary()
        with self.refused() if self.http else nullcontext() as url:
            if url:
                primary["base_url"] = url
            with self.client(retry=ONE_TRY, fallbacks=[good], **primary) as client:
                response = client.generate(self.prompt, **self.fields())
                with client.stream(self.prompt, **self.fields()) as stream:
                    streamed = stream.until_done()

            async def run():
                async with self.async_client(retry=ONE_TRY, fallbacks=[good], **primary) as c:
                    return await c.generate(self.prompt, **self.fields())

            async_response = run_async(run)
        for answer in (response, streamed, async_response):
            check_response(answer, self.provider, self.max_tokens)
            assert len(answer.fallbacks) == 1, f"Response.fallbacks = {answer.fallbacks}"
            assert answer.fallbacks[0].error, answer.fallbacks

    def test_response_cache_wraps_the_adapter(self) -> None:
        """With ``cache.responses``, a repeated deterministic request is answered from cache."""
        with self.client(cache={"responses": True}) as client:
            first = client.generate(self.prompt, **self.fields())
            second = client.generate(self.prompt, **self.fields())
        assert not first.cached, "the first answer cannot come from the cache"
        assert second.cached, "the repeated deterministic request was not cached"
        assert second.content == first.content
