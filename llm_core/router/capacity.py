"""A router's figures in the state store: in-flight leases, per-minute budgets, latencies.

Every request to a deployment holds a lease in the store (``acquire`` with the deployment's
``max_in_flight``, expiring after ``router.lease_ttl`` so a crashed process cannot leak one),
so a limit holds for every process sharing the store; ``rpm`` and ``tpm`` are a
:class:`~llm_core.resilience.ratelimit.policy.Budget` there (the same buckets, under the same
keys, as a plain provider's ``rate_limit``: the estimate charged before, corrected after). Every
``state.sync_interval`` seconds a router reads the lease counts (other processes' load, for
``least_in_flight`` and the limits) and writes the latency EWMAs it measured (for
``llm-core health`` and cold starts elsewhere). The store is reached through
:class:`~llm_core.resilience.state.guard.Guarded` (or is the in-process memory), so none of this
can fail a request.
"""

from __future__ import annotations

import itertools
import os
import time
import uuid
from typing import Any

from llm_core.flow import Flow
from llm_core.resilience.background import Background, warn_once
from llm_core.resilience.ratelimit.policy import Budget
from llm_core.resilience.state import StateStoreWarning, async_op
from llm_core.router.deployments import Deployment
from llm_core.router.policy import Policy

__all__ = ["Capacity"]


class Capacity:
    """The shared side of one router (``io`` is the shell's ``SyncStateIO`` / ``AsyncStateIO``)."""

    def __init__(
        self, store: Any, settings: Any, deployments: list[Deployment], is_async: bool
    ) -> None:
        base = settings.state.prefix + "router:"
        self.store, self.deployments, self.is_async = store, deployments, is_async
        self.leases = [f"{base}inflight:{d.key}" for d in deployments]
        self.latencies = [f"{base}latency:{d.key}" for d in deployments]
        # Releases and token corrections from stream callbacks: kept referenced, drained by
        # AsyncClient.aclose().
        self.background = Background(warn_once("giving a lease back", StateStoreWarning))
        prefix, bg = settings.state.prefix, self.background
        self.budgets = [Budget(prefix, d.key, d.rpm, d.tpm, bg) for d in deployments]
        self.shared = settings.state.url != "memory"
        self.counts_tokens = any(b.tpm is not None for b in self.budgets)
        # In this process's memory a lease only matters for a limit: the policy counts the rest.
        self.leased = [
            self.shared or d.max_in_flight or b.active
            for d, b in zip(deployments, self.budgets, strict=True)
        ]
        self.ttl, self.interval = settings.router.lease_ttl, settings.state.sync_interval
        self.owner = f"{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self._ids = itertools.count()
        self._next_sync = 0.0

    def take(self, io: Any, i: int, tokens: int = 0) -> Flow[str | None]:
        """A slot at deployment ``i`` for a request of ``tokens`` estimated tokens: the lease's
        member id, or None while it has no room (in flight, or its rpm / tpm budget)."""
        if not self.leased[i]:
            return ""
        d, budget = self.deployments[i], self.budgets[i]
        member = f"{self.owner}-{next(self._ids)}"
        if not (yield io(self.store, "acquire", self.leases[i], member, d.max_in_flight, self.ttl)):
            return None
        if budget.active:
            wait, _ = yield from budget.charge(io, self.store, budget.cost(tokens))
            if wait > 0:
                yield io(self.store, "release", self.leases[i], member)
                return None
        return member

    def settle(self, io: Any, i: int, tokens: int, result: Any) -> Flow[None]:
        """Correct deployment ``i``'s token budget by ``result``'s usage (None: it failed)."""
        budget = self.budgets[i]
        yield from budget.settle(io, self.store, budget.cost(tokens), result)

    def settle_soon(self, i: int, tokens: int, result: Any) -> None:
        """:meth:`settle` from a plain callback (a stream's end)."""
        budget = self.budgets[i]
        budget.settle_soon(self.store, self.is_async, budget.cost(tokens), result)

    def release(self, io: Any, i: int, member: str) -> Flow[None]:
        """Give the slot back (inside a flow)."""
        if member:
            yield io(self.store, "release", self.leases[i], member)

    def release_soon(self, i: int, member: str) -> None:
        """Give the slot back from a plain callback (a stream's end): at once in the sync shell
        or for an in-process store, else as a task on the running loop."""
        store, key = self.store, self.leases[i]
        if not member:
            return
        if not self.is_async or not hasattr(store, "arelease"):
            store.release(key, member)  # MemoryState: a dict operation; never raises
            return
        self.background.spawn(async_op(store, "release", key, member))

    def sync(self, io: Any, policy: Policy) -> Flow[None]:
        """Every ``sync_interval`` s with a shared store: read the load of every process, write
        this process's latency EWMAs."""
        if not self.shared or time.monotonic() < self._next_sync:
            return
        self._next_sync = time.monotonic() + self.interval
        counts = yield io(self.store, "counts", self.leases)
        for i, (stats, count) in enumerate(zip(policy.stats, counts, strict=True)):
            stats.others = max(0, count - stats.in_flight)
            if stats.latency is not None:
                yield io(self.store, "set", self.latencies[i], repr(stats.latency).encode(), 3600)

    def figures(self, io: Any, policy: Policy) -> Flow[list[dict[str, Any]]]:
        """In flight (every process) and latency EWMA (ms) of each deployment, for health."""
        counts = yield io(self.store, "counts", self.leases)
        out = []
        counts = [
            c if leased else s.in_flight
            for c, leased, s in zip(counts, self.leased, policy.stats, strict=True)
        ]
        for i, stats in enumerate(policy.stats):
            latency = stats.latency
            if latency is None and self.shared:
                raw = yield io(self.store, "get", self.latencies[i])
                latency = float(raw) if raw else None
            ms = None if latency is None else round(latency * 1000, 1)
            out.append({"in_flight": counts[i], "latency_ms": ms})
        return out
