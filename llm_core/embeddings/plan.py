"""An embedding job, sans-IO: split the inputs into batches, send them, put the vectors back.

:class:`EmbedJob` knows only texts and batches: :attr:`EmbedJob.batches` are the
:class:`~.types.EmbedRequest` of each batch and :meth:`EmbedJob.assemble` joins their answers in
input order, refusing vectors of different models or sizes (never two vector spaces in one
result). :func:`job_flow` is the job as a flow over a client: each batch is its own call through
the layers (so retry is per batch, not per job); the sync client sends the batches one after the
other (:func:`run_batches`), the async one up to ``concurrency`` at once (:func:`arun_batches`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anyio

from llm_core.embeddings.types import Embeddings, EmbedRequest, coerce_texts
from llm_core.errors import EmbeddingMismatchError, ValidationError
from llm_core.flow import Flow, arun, once, run

__all__ = [
    "BATCH_SIZE",
    "CONCURRENCY",
    "EmbedJob",
    "arun_batches",
    "job_flow",
    "run_batches",
    "same_space",
]

#: Inputs per request unless ``batch_size`` says otherwise.
BATCH_SIZE = 64
#: Batches in flight at once on an AsyncClient unless ``concurrency`` says otherwise.
CONCURRENCY = 4
_REQUEST_FIELDS = ("model", "dimensions", "truncate", "keep_alive")
_JOB_FIELDS = ("batch_size", "concurrency", "progress")
_FIELDS = frozenset(_REQUEST_FIELDS + _JOB_FIELDS)
Progress = Callable[[int, int], Any]


def _positive(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(
            f"{name} must be a positive int, got {value!r}",
            hint=f"Pass {name}=None for the default, or a number of inputs like 32.",
        )
    return value


class EmbedJob:
    """One ``embed`` call's inputs cut into batches of ``batch_size`` (sans-IO)."""

    __slots__ = ("batches", "request")

    def __init__(self, request: EmbedRequest, batch_size: int = BATCH_SIZE) -> None:
        size = _positive("batch_size", batch_size)
        texts = request.texts
        self.request = request
        if len(texts) <= size:  # one batch: the request itself (the hot path of a cache hit)
            self.batches = [request]
        else:
            self.batches = [request.batch(texts[i : i + size]) for i in range(0, len(texts), size)]

    @classmethod
    def build(cls, texts: Any, fields: dict[str, Any], default_model: str | None) -> EmbedJob:
        """The job of ``embed(texts, **fields)``; unknown fields are a ValidationError."""
        unknown = fields.keys() - _FIELDS
        if unknown:
            raise ValidationError(
                f"unknown embed argument {sorted(unknown)[0]!r}",
                hint="embed takes: " + ", ".join(_REQUEST_FIELDS + _JOB_FIELDS) + ".",
            )
        given = {k: fields[k] for k in _REQUEST_FIELDS if fields.get(k) is not None}
        given.setdefault("model", default_model)
        request = EmbedRequest(coerce_texts(texts), **given)
        size = fields.get("batch_size")
        return cls(request, BATCH_SIZE if size is None else size)

    def assemble(self, results: Sequence[Embeddings]) -> Embeddings:
        """The answers of :attr:`batches` (in the same order) as one result, in input order."""
        first = results[0]
        vectors: list[list[float]] = []
        tokens: int | None = 0
        for result in results:
            if result.model != first.model or result.dimensions != first.dimensions:
                raise EmbeddingMismatchError(
                    f"batches of one embed call came back from {first.model!r} "
                    f"({first.dimensions} dimensions) and {result.model!r} "
                    f"({result.dimensions} dimensions)",
                    provider=result.provider,
                    model=result.model,
                    hint="Pin the model, and fall back only to providers serving the same one.",
                )
            vectors.extend(result.vectors)
            counted = result.prompt_tokens
            tokens = None if tokens is None or counted is None else tokens + counted
        wanted = self.request.dimensions
        if wanted is not None and first.dimensions != wanted:
            raise EmbeddingMismatchError(
                f"asked for {wanted} dimensions, {first.provider} returned {first.dimensions}",
                provider=first.provider,
                model=first.model,
                hint="This server or model ignores `dimensions`; leave it unset.",
            )
        if len(results) == 1:
            return first
        return Embeddings(
            vectors,
            model=first.model,
            provider=first.provider,
            prompt_tokens=tokens,
            cached=sum(r.cached for r in results),
            attempts=[a for r in results for a in r.attempts],
            fallbacks=[f for r in results for f in r.fallbacks],
        )


def same_space(primary_model: str | None, link_model: str | None, label: str) -> None:
    """Refuse a fallback link whose embedding model is not the primary's (another space)."""
    if link_model != primary_model:
        raise EmbeddingMismatchError(
            f"fallback {label} embeds with {link_model!r}, the primary with {primary_model!r}: "
            "their vectors are not comparable",
            provider=label,
            model=link_model,
            hint="Give the fallback link the same embedding model, or no fallback for embed.",
        )


def run_batches(
    step: Callable[[EmbedRequest], Flow[Embeddings]],
    batches: Sequence[EmbedRequest],
    concurrency: int,
    progress: Progress | None,
) -> list[Embeddings]:
    """The sync shell: each batch in turn (``concurrency`` is for the async shell)."""
    results: list[Embeddings] = []
    total, done = sum(len(b.texts) for b in batches), 0
    for batch in batches:
        results.append(run(step(batch)))
        done += len(batch.texts)
        if progress is not None:
            progress(done, total)
    return results


async def arun_batches(
    step: Callable[[EmbedRequest], Flow[Embeddings]],
    batches: Sequence[EmbedRequest],
    concurrency: int,
    progress: Progress | None,
) -> list[Embeddings]:
    """The async shell: up to ``concurrency`` batches in flight; answers kept in batch order."""
    if len(batches) == 1:
        results = [await arun(step(batches[0]))]
        if progress is not None:
            progress(len(batches[0].texts), len(batches[0].texts))
        return results
    slots: list[Any] = [None] * len(batches)
    total, done = sum(len(b.texts) for b in batches), 0
    limiter = anyio.CapacityLimiter(concurrency)

    async def one(index: int) -> None:
        nonlocal done
        async with limiter:
            slots[index] = await arun(step(batches[index]))
        done += len(batches[index].texts)
        if progress is not None:
            progress(done, total)

    async with anyio.create_task_group() as group:
        for index in range(len(batches)):
            group.start_soon(one, index)
    return slots


def job_flow(client: Any, texts: Any, fields: dict[str, Any]) -> Flow[Embeddings]:
    """``client.embed(texts, **fields)`` as a flow: one observed call per batch."""
    job = EmbedJob.build(texts, fields, client.settings.model)
    limit = fields.get("concurrency")
    concurrency = _positive("concurrency", CONCURRENCY if limit is None else limit)
    adapter = client.adapter

    def step(batch: EmbedRequest) -> Flow[Embeddings]:
        call = client._call("embed", batch)
        return client._observed(call, once(lambda: adapter.embed(batch, call)))

    gather = arun_batches if client._is_async else run_batches
    results = yield gather(step, job.batches, concurrency, fields.get("progress"))
    return job.assemble(results)
