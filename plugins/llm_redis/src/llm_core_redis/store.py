"""The Redis state store: every machine that reaches one Redis shares cooldowns, caches,
in-flight leases and rate limits (``state.url = "redis://host:6379/0"``).

The sync methods use redis-py's client, their ``a``-prefixed twins its asyncio client (one per
event loop, since an asyncio connection belongs to the loop that opened it); each operation is
written once, as a flow (:mod:`llm_core.flow`), and driven by either. Values are ``SET ... PX``
(Redis expires them), leases a sorted set per key (member -> expiry) and token buckets a hash,
both changed by one Lua script (:mod:`.scripts`) so that a check and its write are atomic
across clients. Every call is bounded by ``timeout`` (socket connect and read timeouts, no
retries): a Redis that is down or slow costs one short wait, and llm-core's ``Guarded`` wrapper
serves the call from local memory instead. The connection pool reconnects by itself once Redis
answers again.
"""

from __future__ import annotations

import asyncio
from typing import Any

import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from llm_core.errors import redact_url
from llm_core.flow import Flow, arun, run
from llm_core_redis import scripts

__all__ = ["RedisState"]


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


class _Ops:
    """One client and its registered scripts: the operations as flows."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.acquire_script = client.register_script(scripts.ACQUIRE)
        self.counts_script = client.register_script(scripts.COUNTS)
        self.take_script = client.register_script(scripts.TAKE)

    def get(self, key: str) -> Flow[bytes | None]:
        return (yield self.client.get(key))

    def set(self, key: str, value: bytes, ttl: float) -> Flow[None]:
        yield self.client.set(key, value, px=_ms(ttl))

    def delete(self, key: str) -> Flow[None]:
        yield self.client.delete(key)

    def acquire(self, key: str, member: str, limit: int | None, ttl: float) -> Flow[bool]:
        args = [member, "" if limit is None else limit, ttl]
        return bool((yield self.acquire_script(keys=[key], args=args)))

    def release(self, key: str, member: str) -> Flow[None]:
        yield self.client.zrem(key, member)

    def counts(self, keys: list[str]) -> Flow[list[int]]:
        if not keys:
            return []
        return [int(n) for n in (yield self.counts_script(keys=keys))]

    def take(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> Flow[float]:
        args = [rate, burst, cost, int(force)]
        return float((yield self.take_script(keys=[key], args=args)))

    def ping(self) -> Flow[bool]:
        return bool((yield self.client.ping()))


class RedisState:
    """A :class:`~llm_core.resilience.state.StateStore` on one Redis (database of ``url``)."""

    def __init__(self, url: str, timeout: float = 0.1, connect_timeout: float | None = None):
        """Parse ``url`` (no connection yet); every call waits at most ``timeout`` seconds for
        Redis (``connect_timeout`` for a new connection, ``timeout`` by default). A malformed
        URL raises ``ValueError``."""
        self.label = redact_url(url)
        self._options: dict[str, Any] = {
            "socket_timeout": timeout,
            "socket_connect_timeout": connect_timeout or timeout,
        }
        self._url = url
        self._sync = _Ops(redis.Redis.from_url(url, retry=Retry(NoBackoff(), 0), **self._options))
        self._loops: dict[int, tuple[asyncio.AbstractEventLoop, _Ops]] = {}

    def _async(self) -> _Ops:
        loop = asyncio.get_running_loop()
        found = self._loops.get(id(loop))
        if found is None or found[0] is not loop:
            client = redis.asyncio.Redis.from_url(
                self._url, retry=AsyncRetry(NoBackoff(), 0), **self._options
            )
            found = self._loops[id(loop)] = (loop, _Ops(client))
        return found[1]

    # -- the StateStore protocol (sync) ----------------------------------------------------

    def get(self, key: str) -> bytes | None:
        """The value under ``key``, or None when absent or expired."""
        return run(self._sync.get(key))

    def set(self, key: str, value: bytes, ttl: float) -> None:
        """Keep ``value`` for ``ttl`` seconds (Redis expires it)."""
        run(self._sync.set(key, value, ttl))

    def delete(self, key: str) -> None:
        """Forget ``key``."""
        run(self._sync.delete(key))

    def acquire(self, key: str, member: str, limit: int | None, ttl: float) -> bool:
        """Take lease ``member`` unless ``limit`` live leases are held (one atomic script)."""
        return run(self._sync.acquire(key, member, limit, ttl))

    def release(self, key: str, member: str) -> None:
        """Drop lease ``member``."""
        run(self._sync.release(key, member))

    def counts(self, keys: list[str]) -> list[int]:
        """Live leases per key (one script, one round trip)."""
        return run(self._sync.counts(keys))

    def take(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> float:
        """Token bucket: 0.0 when ``cost`` tokens were taken, else seconds to wait (a cost <= 0
        refunds, ``force`` may leave a debt; never more than ``burst``)."""
        return run(self._sync.take(key, rate, burst, cost, force))

    def ping(self) -> bool:
        """True when Redis answers (raises redis-py's error when it does not)."""
        return run(self._sync.ping())

    # -- the coroutine twins ---------------------------------------------------------------

    async def aget(self, key: str) -> bytes | None:
        """:meth:`get` on the asyncio client."""
        return await arun(self._async().get(key))

    async def aset(self, key: str, value: bytes, ttl: float) -> None:
        """:meth:`set` on the asyncio client."""
        await arun(self._async().set(key, value, ttl))

    async def adelete(self, key: str) -> None:
        """:meth:`delete` on the asyncio client."""
        await arun(self._async().delete(key))

    async def aacquire(self, key: str, member: str, limit: int | None, ttl: float) -> bool:
        """:meth:`acquire` on the asyncio client."""
        return await arun(self._async().acquire(key, member, limit, ttl))

    async def arelease(self, key: str, member: str) -> None:
        """:meth:`release` on the asyncio client."""
        await arun(self._async().release(key, member))

    async def acounts(self, keys: list[str]) -> list[int]:
        """:meth:`counts` on the asyncio client."""
        return await arun(self._async().counts(keys))

    async def atake(
        self, key: str, rate: float, burst: float, cost: float = 1.0, force: bool = False
    ) -> float:
        """:meth:`take` on the asyncio client."""
        return await arun(self._async().take(key, rate, burst, cost, force))

    async def aclose(self) -> None:
        """Close the asyncio connections of the running loop (the next call opens new ones)."""
        found = self._loops.pop(id(asyncio.get_running_loop()), None)
        if found is not None:
            await found[1].client.aclose()

    def close(self) -> None:
        """Close the sync connections (the asyncio ones close with :meth:`aclose`)."""
        self._sync.client.close()

    def __repr__(self) -> str:
        return f"RedisState({self.label})"
