"""The process-wide MLX engine: one worker thread and one loaded-model cache, shared by every
``mlx`` adapter (sync and async) so that models are loaded once and never used by two threads.

Adapters :meth:`Engine.acquire` it when built and :meth:`Engine.release` it when closed; when
the last one closes, every model is unloaded and its memory freed. The worker thread itself
stays (idle, blocked on its queue) until the interpreter exits.
"""

from __future__ import annotations

import threading
from typing import Any

from ._generation import Call, RunRecord, run_generation
from ._mlxinfo import ModelTables, model_tables
from ._models import LoadedModel, ModelCache
from ._worker import Job, Worker

__all__ = ["Engine", "get_engine"]


class Engine:
    """The worker, the model cache and bookkeeping; see the module docstring."""

    def __init__(self) -> None:
        self.worker = Worker()
        self.cache = ModelCache()
        self.last_run: RunRecord | None = None
        self._tables: ModelTables | None = None
        self._users = 0
        self._lock = threading.Lock()
        self.worker.on_exit(self.cache.clear)

    def acquire(self) -> None:
        """Count one more adapter using the engine."""
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """Count one adapter fewer; the last one out unloads every model."""
        with self._lock:
            self._users = max(0, self._users - 1)
            last = self._users == 0
        if last and self.cache.snapshot() and self.worker.thread is not None:
            self.unload()

    def submit(self, call: Call, deadline: float | None) -> Job:
        """Queue a generation on the worker."""
        return self.worker.submit(
            lambda job: run_generation(self.cache, call, job, self._record), deadline=deadline
        )

    def _record(self, record: RunRecord) -> None:
        self.last_run = record

    def loaded(self) -> list[LoadedModel]:
        """The loaded models, least recently used first."""
        return self.cache.snapshot()

    def load(self, model: str, options: dict[str, Any], timeout: float | None = None) -> bool:
        """Load ``model`` now (on the worker); True if it was not loaded before."""
        return self.worker.call(lambda: self.cache.get(model, options)[1], timeout)

    def unload(self, timeout: float | None = 60.0) -> int:
        """Unload every model and free its memory; returns how many were unloaded."""
        return self.worker.call(self.cache.clear, timeout)

    def tables(self) -> ModelTables:
        """mlx-vlm's architecture tables (computed once, on the worker)."""
        if self._tables is None:
            self._tables = self.worker.call(model_tables)
        return self._tables

    def run(self, fn: Any, timeout: float | None = None) -> Any:
        """Run ``fn()`` on the worker (for MLX queries such as memory figures)."""
        return self.worker.call(fn, timeout)


_engine: Engine | None = None
_engine_lock = threading.Lock()


def get_engine() -> Engine:
    """The process-wide engine, created on first use."""
    global _engine
    if _engine is None:
        with _engine_lock:
            if _engine is None:
                _engine = Engine()
    return _engine
