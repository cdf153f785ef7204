"""Per-minute budgets in a state store, written once: the router's deployments and the
``llm_core.rate_limit`` layer both charge a :class:`Budget`.

A budget is up to two token buckets in the store (``take``): ``rpm`` (one token per request,
refilled at ``rpm / 60`` per second, holding at most ``rpm``) and ``tpm`` (tokens of the prompt
and the answer, refilled at ``tpm / 60`` per second, holding at most ``tpm``). Keys are
``<state.prefix>ratelimit:rpm:<provider key>`` and ``...:tpm:...``, where the provider key is
``provider:model@base_url`` (:meth:`~llm_core.config.ProviderConfig.key`): every process that
talks to the same server and model on the same store spends one budget.

Tokens are not known before the answer, so :func:`estimate_tokens` is charged first (prompt
characters / 4 rounded up, plus ``max_tokens`` or :data:`COMPLETION_ESTIMATE`) and
:meth:`Budget.settle` corrects it with the real usage afterwards: a refund (a negative cost)
when fewer were used, a forced charge (a debt the next requests wait for) when more were. A
request that failed is refunded its estimate; an answer without usage keeps it.

Sans-IO: every store call is yielded through the shell's ``io`` (a flow), so one code path
serves the sync and the async shells; :meth:`Budget.settle_soon` is the same correction from a
plain callback (a stream's end).
"""

from __future__ import annotations

import math
from typing import Any

from llm_core.flow import Flow
from llm_core.resilience.background import Background, warn_once
from llm_core.resilience.state.io import async_op
from llm_core.resilience.state.protocol import StateStoreWarning

__all__ = ["COMPLETION_ESTIMATE", "Budget", "estimate_tokens", "used_tokens"]

#: The answer's tokens charged up front for a request without ``max_tokens``.
COMPLETION_ESTIMATE = 256


def estimate_tokens(request: Any) -> int:
    """Tokens charged before sending ``request``: its text's characters / 4, rounded up, plus
    ``max_tokens`` (or :data:`COMPLETION_ESTIMATE`); an embedding batch: its texts' characters
    / 4. Images are not estimated (the correction charges what the server counted)."""
    texts = getattr(request, "texts", None)
    if texts is not None:  # an EmbedRequest: no answer tokens
        return math.ceil(sum(map(len, texts)) / 4)
    chars = sum(len(m.text) for m in request.messages)
    completion = request.max_tokens if request.max_tokens is not None else COMPLETION_ESTIMATE
    return math.ceil(chars / 4) + completion


def used_tokens(result: Any) -> int | None:
    """The tokens a Response (prompt + completion) or an Embeddings (prompt) says it used;
    None when the server reported none."""
    usage = getattr(result, "usage", None)
    if usage is None:
        return getattr(result, "prompt_tokens", None)
    counts = [n for n in (usage.prompt_tokens, usage.completion_tokens) if n is not None]
    return sum(counts) if counts else None


class Budget:
    """The ``rpm`` / ``tpm`` buckets of one provider key (either may be None: no limit);
    ``background`` runs the corrections sent from stream callbacks on the async shell (drained
    by ``AsyncClient.aclose()``)."""

    __slots__ = ("background", "rpm", "rpm_key", "tpm", "tpm_key")

    def __init__(
        self,
        prefix: str,
        key: str,
        rpm: int | None,
        tpm: int | None,
        background: Background | None = None,
    ) -> None:
        self.rpm, self.tpm = rpm, tpm
        self.rpm_key, self.tpm_key = f"{prefix}ratelimit:rpm:{key}", f"{prefix}ratelimit:tpm:{key}"
        self.background = background or Background(
            warn_once("correcting a token budget", StateStoreWarning)
        )

    @property
    def active(self) -> bool:
        """Whether any limit is set."""
        return self.rpm is not None or self.tpm is not None

    def cost(self, tokens: int) -> int:
        """What ``tokens`` estimated tokens charge: at most the whole bucket (``tpm``), so a
        request larger than a minute's budget can still go once the bucket is full; 0 without
        ``tpm``."""
        return 0 if self.tpm is None else min(tokens, self.tpm)

    def _take(self, io: Any, store: Any, which: str, cost: float, force: bool = False) -> Any:
        per_minute = self.rpm if which == "rpm" else self.tpm
        key = self.rpm_key if which == "rpm" else self.tpm_key
        return io(store, "take", key, per_minute / 60.0, float(per_minute), float(cost), force)

    def charge(self, io: Any, store: Any, cost: int) -> Flow[tuple[float, str]]:
        """Take one request and ``cost`` tokens (:meth:`cost`): ``(0.0, "")`` when both were
        taken, else ``(seconds until they may be, "rpm" or "tpm")`` with nothing taken."""
        if self.rpm is not None:
            wait = yield self._take(io, store, "rpm", 1.0)
            if wait > 0:
                return wait, "rpm"
        if self.tpm is not None and cost > 0:
            wait = yield self._take(io, store, "tpm", cost)
            if wait > 0:
                if self.rpm is not None:  # give the request back: it does not go now
                    yield self._take(io, store, "rpm", -1.0)
                return wait, "tpm"
        return 0.0, ""

    def correction(self, cost: int, result: Any) -> int:
        """Tokens to charge (> 0) or refund (< 0) once the answer is known: the real usage of
        ``result`` minus the ``cost`` charged; a failure (``result`` None) refunds the cost; an
        answer without usage keeps it (0)."""
        if self.tpm is None:
            return 0
        if result is None:
            return -cost
        used = used_tokens(result)
        return 0 if used is None else used - cost

    def settle(self, io: Any, store: Any, cost: int, result: Any) -> Flow[None]:
        """Correct the charged ``cost`` by ``result``'s usage (None: the request failed)."""
        delta = self.correction(cost, result)
        if delta:
            yield self._take(io, store, "tpm", delta, True)

    def settle_soon(self, store: Any, is_async: bool, cost: int, result: Any) -> None:
        """:meth:`settle` from a plain callback (a stream's end): at once in the sync shell,
        as a task on the running loop in the async one."""
        delta = self.correction(cost, result)
        if not delta:
            return
        args = (self.tpm_key, self.tpm / 60.0, float(self.tpm), float(delta), True)  # type: ignore[operator]
        if not is_async or not hasattr(store, "atake"):
            store.take(*args)  # Guarded's sync calls are bounded and never raise; memory: a dict
            return
        self.background.spawn(async_op(store, "take", *args))
