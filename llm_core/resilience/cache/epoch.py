"""Cache invalidation that reaches every process: an epoch in every cache key.

A cache layer names each entry by its content (:func:`~.store.response_key`) plus the suffix
of an :class:`Epoch`. Invalidating bumps the epoch: later lookups ask for other keys, and the
old entries are orphaned until their TTL drops them. No key is scanned or deleted, so the
number of entries does not matter, and a miss still in flight when the cache is invalidated
writes its answer under the old epoch, where nobody asks for it.

An epoch is a random token (none before the first bump). Without a shared store it lives in
the layer. With ``cache.shared`` it lives in the state store under
``<prefix>cache:epoch:<provider key>`` (``epoch:models:`` for the model list): a bump writes a
new token there and uses it at once; every other process reads it at most every
``state.sync_interval`` seconds, so it stops serving the old entries within ``sync_interval``
(the staleness bound). A token is never reused, so bumping again never brings back entries of
an earlier epoch; the key is kept for :func:`epoch_ttl` seconds, longer than any entry
written under the token before it.

The store is the guarded one: a store that fails answers from this process's memory and warns
once (``StateStoreWarning``), so invalidating never fails and always empties this process's
view; the new token is written to the store again on the first read after the outage, and
until then the other processes keep the old entries.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from llm_core.flow import Flow, arun, run
from llm_core.resilience.cache.shared import SharedStore
from llm_core.resilience.state.io import AsyncStateIO, SyncStateIO

__all__ = ["Epoch", "abump", "bump_now", "epoch_ttl", "epochs_of", "invalidate_flow"]

#: The shortest life of a shared epoch key: one small key per provider, kept a day.
MIN_EPOCH_TTL = 86400.0


def epoch_ttl(settings: Any) -> float:
    """How long a shared epoch key lives: beyond every entry written under the token before it
    (twice the longest cache TTL plus the sync interval, at least a day)."""
    cache = settings.cache
    longest = max(cache.response_ttl, cache.models_ttl)
    return max(MIN_EPOCH_TTL, 2 * longest + settings.state.sync_interval)


class Epoch:
    """One epoch of a cache layer; ``state`` None keeps it in this process only."""

    __slots__ = ("_bumps", "_next", "interval", "key", "pending", "state", "token", "ttl")

    def __init__(self, state: Any = None, key: str = "", interval: float = 0.0, ttl: float = 0.0):
        self.state, self.key, self.interval, self.ttl = state, key, interval, ttl
        self.token = ""  # the current token as last read or bumped ("" before any bump)
        self.pending: bytes | None = None  # a bump the store did not take (it was down)
        self._next = 0.0  # when the shared token is read again
        self._bumps = 0

    def cached(self) -> str | None:
        """The key suffix, or None when the shared token is due to be read (then
        ``yield from epoch.read(io)``)."""
        if self.state is not None and time.monotonic() >= self._next:
            return None
        return "." + self.token if self.token else ""

    def read(self, io: Any) -> Flow[str]:
        """Read the shared token (``io`` is the shell's ``SyncStateIO.io`` / ``AsyncStateIO.io``)
        and return the key suffix. A bump the store missed while it was down is written first."""
        self._next, bumps = time.monotonic() + self.interval, self._bumps
        if self.pending is not None:
            yield from self._publish(io, self.pending)
        raw = yield io(self.state, "get", self.key)
        if bumps == self._bumps:  # a bump while reading wins over what was read
            # What another writer put there is bounded: a key suffix, never a long value.
            self.token = raw[:32].decode("ascii", "replace") if isinstance(raw, bytes) else ""
        return "." + self.token if self.token else ""

    def suffix(self, io: Any) -> Flow[str]:
        """The key suffix, reading the shared token when due."""
        found = self.cached()
        return found if found is not None else (yield from self.read(io))

    def bump(self, io: Any) -> Flow[None]:
        """Invalidate: a new token, for this process at once and for every process sharing the
        store within ``interval`` s."""
        self._bumps += 1
        self.token = secrets.token_hex(8)
        if self.state is not None:
            self._next = time.monotonic() + self.interval
            yield from self._publish(io, self.token.encode("ascii"))

    def _publish(self, io: Any, token: bytes) -> Flow[None]:
        yield io(self.state, "set", self.key, token, self.ttl)
        # A guarded store that is down kept it in this process's memory only: write it again
        # on the first read after the outage, so the other processes see it too.
        self.pending = token if getattr(self.state, "down", False) else None


def epochs_of(config: Any, settings: Any, store: Any) -> tuple[Epoch, Epoch]:
    """The response and model-list epochs of a cache layer over ``store``: shared through the
    state store when ``store`` is the shared one, else local."""
    if not isinstance(store, SharedStore):
        return Epoch(), Epoch()
    base, interval = f"{store.prefix}epoch:", settings.state.sync_interval
    ttl = epoch_ttl(settings)
    return (
        Epoch(store.state, f"{base}{config.key()}", interval, ttl),
        Epoch(store.state, f"{base}models:{config.key()}", interval, ttl),
    )


def invalidate_flow(epochs: list[Epoch], io: Any) -> Flow[None]:
    """Bump every epoch of ``epochs``."""
    for epoch in epochs:
        yield from epoch.bump(io)


def bump_now(epochs: list[Epoch]) -> None:
    """Bump ``epochs`` blocking (the sync ``invalidate`` methods, from either client)."""
    run(invalidate_flow(epochs, SyncStateIO.io))


async def abump(epochs: list[Epoch]) -> None:
    """Bump ``epochs`` on the running event loop."""
    await arun(invalidate_flow(epochs, AsyncStateIO.io))
