"""Contract checks: the async adapter is the sync adapter's twin."""

from __future__ import annotations

from llm_core.testing.contract.calls import check_response
from llm_core.testing.contract.fixtures import ContractBase, run_async

__all__ = ["AsyncChecks"]


class AsyncChecks(ContractBase):
    """AsyncClient gives what Client gives, and closes streams early the same way."""

    def test_async_matches_sync(self) -> None:
        """Same text for a deterministic request; same models; healthy; a well-formed stream."""
        with self.client() as client:
            expected = client.generate(self.prompt, **self.fields()).content
            model_ids = sorted(m.id for m in client.list_models())

        async def run():
            async with self.async_client() as client:
                response = await client.generate(self.prompt, **self.fields())
                async with client.stream(self.prompt, **self.fields()) as stream:
                    events = [event async for event in stream]
                return response, events, await client.list_models(), await client.health_check()

        response, events, models, health = run_async(run)
        check_response(response, self.provider, self.max_tokens)
        assert events, "the async stream yielded nothing"
        assert events[-1].done, "the async stream did not end with a done event"
        assert not any(e.done for e in events[:-1]), "done event before the end"
        final = check_response(events[-1].response, self.provider, self.max_tokens)
        assert "".join(e.text for e in events) == final.content
        if self.deterministic:
            assert response.content == expected, "async generate differs from sync generate"
            assert final.content == expected, "async stream differs from sync generate"
        assert sorted(m.id for m in models) == model_ids
        assert health.ok, health
        assert health.provider == self.provider, health

    def test_async_stream_early_close_releases_the_connection(self) -> None:
        """Closing an async stream after its first event releases it; the client still works."""
        long = self.fields(max_tokens=max(self.max_tokens, 200))

        async def run(proxy=None, **overrides):
            async with self.async_client(**overrides) as client:
                stream = client.stream(self.prompt, **long)
                await stream.__anext__()
                during = proxy.open_connections if proxy else 0
                await stream.aclose()
                # aiohttp returns a connection whose body has fully arrived to its pool instead
                if proxy is not None and self.transport == "httpx2":
                    assert proxy.wait_open(during - 1, self.release_timeout), (
                        "the stream's connection is still open"
                    )
                response = await client.generate(self.prompt, **self.fields())
                if proxy is not None:  # closed, or reused by the next call: never a second one
                    assert proxy.open_connections <= during, "the stream's connection leaked"
                return response

        if not self.http:
            check_response(run_async(run), self.provider, self.max_tokens)
            return
        with self.proxied() as (proxy, url):
            response = run_async(lambda: run(proxy, base_url=url))
            assert proxy.wait_open(0, self.release_timeout), (
                f"{proxy.open_connections} sockets leaked after aclose()"
            )
        check_response(response, self.provider, self.max_tokens)
