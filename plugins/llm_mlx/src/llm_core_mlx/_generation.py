"""One generation, run on the MLX worker: load (cached), template, ``stream_generate``, stop.

The loop checks after every token whether the caller cancelled (closed the stream, cancelled the
task) or the deadline passed, so generation stops within a token and the worker moves on. Stop
strings are cut here (mlx-vlm has none). The finished :class:`~llm_core.types.Response` carries
token counts, rates, peak memory and time to first token.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from llm_core import GenerationError, LLMError, Request, Response, TimeoutError, Usage

from ._models import ModelCache
from ._prompt import Prepared, check_images, render_prompt
from ._stops import StopScanner
from ._worker import Job
from .options import generate_kwargs

__all__ = ["RunRecord", "run_generation"]

_PROVIDER = "mlx"


@dataclass(slots=True)
class RunRecord:
    """What the last generation did (for tests and diagnostics)."""

    model: str
    generated_tokens: int
    finish_reason: str | None
    cancelled_at: int | None = None

    @property
    def tokens_after_cancel(self) -> int | None:
        """Tokens generated after the caller cancelled (None if it did not)."""
        if self.cancelled_at is None:
            return None
        return self.generated_tokens - self.cancelled_at


@dataclass(slots=True)
class Call:
    """Everything the worker needs for one request."""

    request: Request
    model: str
    options: dict[str, Any]
    prepared: Prepared
    submitted: float
    sink: Callable[[str], None] | None = None


def run_generation(
    cache: ModelCache, call: Call, job: Job, record: Callable[[RunRecord], None]
) -> Response:
    """Run ``call`` on the worker thread; text goes to ``call.sink`` when streaming."""
    begun = time.perf_counter()
    if job.deadline is not None and time.monotonic() > job.deadline:
        raise TimeoutError(
            "the deadline passed while the request waited for the MLX worker",
            phase="deadline",
            provider=_PROVIDER,
            model=call.model,
        )
    entry, loaded = cache.get(call.model, call.options)
    check_images(call.model, entry.model_type, len(call.prepared.images))
    template = {}
    if call.options.get("enable_thinking") is not None:
        template["enable_thinking"] = call.options["enable_thinking"]
    prompt = render_prompt(entry.processor, entry.model.config, call.prepared, template)
    tokenizer = getattr(entry.processor, "tokenizer", entry.processor)
    criteria = getattr(tokenizer, "stopping_criteria", None)
    if criteria is not None:  # as mlx_vlm.generate does: only the model's own EOS tokens
        criteria.reset(entry.model.config.eos_token_id)
    request = call.request
    kwargs = generate_kwargs(call.options)
    for name in ("max_tokens", "temperature", "top_p", "seed"):
        if getattr(request, name) is not None:
            kwargs[name] = getattr(request, name)

    import mlx_vlm

    started = time.perf_counter()
    stops = StopScanner(request.stop)
    parts: list[str] = []
    sink = call.sink
    last: Any = None
    first_token: float | None = None
    finish: str | None = None
    stream = mlx_vlm.stream_generate(
        entry.model, entry.processor, prompt, image=call.prepared.images or None, **kwargs
    )
    try:
        for result in stream:
            if getattr(result, "is_draft", False):  # diffusion models' drafts
                continue
            last = result
            job.progress = result.generation_tokens
            if first_token is None and result.generation_tokens:
                first_token = time.perf_counter()
            text = stops.feed(result.text) if stops.active else result.text
            if text:
                parts.append(text)
                if sink is not None:
                    sink(text)
            if stops.stopped:
                finish = "stop"
                break
            if result.finish_reason is not None:
                finish = result.finish_reason
                break
            if job.cancelled:
                finish = "cancelled"
                break
            if job.deadline is not None and time.monotonic() > job.deadline:
                raise TimeoutError(
                    "generation did not finish before the deadline",
                    phase="deadline",
                    provider=_PROVIDER,
                    model=call.model,
                )
    except LLMError:
        raise
    except Exception as exc:
        raise GenerationError(
            f"mlx-vlm generation failed: {type(exc).__name__}: {exc}",
            partial_text="".join(parts),
            provider=_PROVIDER,
            model=call.model,
        ) from None
    finally:
        stream.close()  # runs mlx-vlm's cleanup (wired limit, cache) at once
        record(RunRecord(call.model, job.progress, finish, job.cancelled_at))
    tail = stops.flush()
    if tail:
        parts.append(tail)
        if sink is not None:
            sink(tail)
    content = "".join(parts)
    if sink is None:
        clean = getattr(entry.processor, "clean_output", None)
        content = clean(content) if callable(clean) else content
    return _response(call, entry, loaded, last, finish, content, (begun, started), first_token)


def _response(
    call: Call,
    entry: Any,
    loaded: bool,
    last: Any,
    finish: str | None,
    content: str,
    times: tuple[float, float],
    first_token: float | None,
) -> Response:
    now = time.perf_counter()
    begun, started = times
    metrics: dict[str, float] = {
        "queue_seconds": max(0.0, begun - call.submitted),
        "load_seconds": entry.load_seconds if loaded else 0.0,
        "setup_seconds": started - begun,
        "generation_seconds": now - started,
    }
    usage = Usage()
    if last is not None:
        usage = Usage(last.prompt_tokens, last.generation_tokens)
        metrics.update(
            prompt_tokens_per_second=float(last.prompt_tps),
            generation_tokens_per_second=float(last.generation_tps),
            peak_memory_gb=float(last.peak_memory),
            cached_tokens=float(last.cached_tokens or 0),
        )
    ttft = None if first_token is None else first_token - call.submitted
    if ttft is not None:
        metrics["time_to_first_token"] = ttft
    return Response(
        content=content,
        model=call.model,
        provider=_PROVIDER,
        finish_reason=finish,
        usage=usage,
        latency=now - call.submitted,
        time_to_first_token=ttft,
        metrics=metrics,
        raw={
            "model_type": entry.model_type,
            "path": str(entry.path),
            "loaded": loaded,
            "weight_bytes": entry.weight_bytes,
        },
    )
