"""What the sync and async mlx adapters share: model choice, request building, bookkeeping.

The model is the request's, else the config's, else the ``VISION_MODEL`` environment variable
(read at call time). Every adapter holds the process-wide engine; the last one to close unloads
the models.
"""

from __future__ import annotations

import os
import time
from typing import Any

from llm_core import ConfigurationError, Health, ModelInfo, ProviderConfig, Request, TimeoutError

from ._engine import get_engine
from ._generation import Call
from ._prompt import prepare
from ._worker import Job
from .options import MLXOptions

__all__ = ["END", "VISION_MODEL_ENV", "MLXBase", "remaining"]

#: The environment variable naming the default model (after ``model=`` / ``LLM_CORE_MODEL``).
VISION_MODEL_ENV = "VISION_MODEL"
#: Marks the end of a stream's text queue.
END = object()


class MLXBase:
    """What the sync and async adapters share: model choice, request building, extras."""

    provider = "mlx"
    options_model = MLXOptions
    embed_hint = (
        "The mlx provider runs mlx-vlm, which has no embedding API. Embed with ollama or "
        "lmstudio (LM Studio runs MLX embedding models), or an OpenAI-compatible server."
    )
    #: No tool calls: mlx-vlm parses none, and the tiny test model's family has no call syntax
    #: to parse (specs/tools.md, "MLX"); a request with tools is a NotSupportedError.
    supports_tools = False
    tools_hint = (
        "The mlx provider does not parse tool calls. Use tools with ollama, lmstudio (LM Studio "
        "runs MLX models with tool support) or an OpenAI-compatible server, or add one of them "
        "as a fallback."
    )
    config: ProviderConfig

    def __init__(self, config: ProviderConfig) -> None:
        super().__init__(config)  # type: ignore[call-arg]
        self._engine = get_engine()
        self._engine.acquire()
        self._jobs: set[Job] = set()
        self._closed = False

    def model_for(self, request: Request) -> str | None:
        """The request's model, else the configured one, else ``$VISION_MODEL``."""
        return request.model or self.config.model or os.environ.get(VISION_MODEL_ENV) or None

    def _call(self, request: Request, prepared: Any = None) -> Call:
        if self._closed:
            raise ConfigurationError(
                "this mlx adapter is closed", provider=self.provider, hint="Create a new Client."
            )
        model = self.model_for(request)
        if not model:
            raise ConfigurationError(
                "no model given for the mlx provider",
                provider=self.provider,
                hint="Pass model='mlx-community/Qwen2-VL-2B-Instruct-4bit' (or a local folder), "
                "or set VISION_MODEL or LLM_CORE_MODEL.",
            )
        options = self.options_for(request)  # type: ignore[attr-defined]
        prepared = prepared if prepared is not None else prepare(request)
        return Call(request, model, options, prepared, time.perf_counter())

    def _submit(self, call: Call, deadline: float | None) -> Job:
        job = self._engine.submit(call, deadline)
        self._jobs.add(job)
        job.future.add_done_callback(lambda _f: self._jobs.discard(job))
        return job

    def _deadline_error(self, call: Call) -> TimeoutError:
        return TimeoutError(
            "the request did not finish before its deadline",
            phase="deadline",
            provider=self.provider,
            model=call.model,
        )

    def _shutdown(self) -> None:
        if self._closed:
            return
        self._closed = True
        for job in list(self._jobs):
            job.cancel()
        self._engine.release()

    # Provider-specific extras (reachable through the core's wrappers) --------------------

    @property
    def last_run(self) -> Any:
        """What the most recent generation in this process did (tokens, cancellation)."""
        return self._engine.last_run

    def loaded_models(self) -> list[str]:
        """Names of the models loaded in this process, least recently used first."""
        return [m.name for m in self._engine.loaded()]

    def _list(self) -> list[ModelInfo]:
        from ._discovery import list_local_models

        loaded = {m.path for m in self._engine.loaded()}
        dirs = self.default_options.get("model_dirs") or []  # type: ignore[attr-defined]
        return list_local_models(dirs, loaded, self._engine.tables())

    def _health(self) -> Health:
        from ._discovery import health

        return health(self._engine)


def remaining(deadline: float | None) -> float | None:
    """Seconds left until ``deadline`` (None: no deadline)."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())
