"""The one thread that owns all MLX work (loading and generation) in this process.

MLX streams are thread-local, and mlx-vlm's processor is shared mutable state, so every job runs
on a single dedicated daemon thread, one at a time, in submission order. Callers get a
:class:`Job` whose ``future`` is a :class:`concurrent.futures.Future`; sync callers wait on it,
async callers await it through :func:`asyncio.wrap_future`, so the event loop never blocks.

A job that is cancelled while queued never runs; a running job sees ``job.cancelled`` and stops
at its next check (generation checks after every token). A thread that used MLX must destroy its
streams before it ends or the process aborts at exit, so the worker runs its exit hooks and
``mx.clear_streams()`` when it stops, and an ``atexit`` hook stops it.
"""

from __future__ import annotations

import atexit
import queue
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

__all__ = ["Job", "Worker"]


class Job:
    """One unit of work for the worker; ``progress`` counts generated tokens."""

    __slots__ = ("_cancel", "cancelled_at", "deadline", "fn", "future", "progress")

    def __init__(self, fn: Callable[[Job], Any], deadline: float | None) -> None:
        self.fn = fn
        self.deadline = deadline
        self.future: Future[Any] = Future()
        self._cancel = threading.Event()
        self.progress = 0
        self.cancelled_at: int | None = None

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the job to stop: a queued job is dropped, a running one stops at its next check."""
        if not self._cancel.is_set():
            self.cancelled_at = self.progress
            self._cancel.set()
        self.future.cancel()


class Worker:
    """A lazily started daemon thread that runs :class:`Job` objects one at a time."""

    def __init__(self, name: str = "llm-core-mlx") -> None:
        self.name = name
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._exit_hooks: list[Callable[[], None]] = []
        self.current: Job | None = None

    @property
    def thread(self) -> threading.Thread | None:
        """The worker thread, if it is running."""
        return self._thread

    def on_exit(self, hook: Callable[[], None]) -> None:
        """Run ``hook`` on the worker thread when it stops (to free models before streams)."""
        self._exit_hooks.append(hook)

    def submit(self, fn: Callable[[Job], Any], *, deadline: float | None = None) -> Job:
        """Queue ``fn(job)`` to run on the worker thread; returns the job at once."""
        job = Job(fn, deadline)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._queue = queue.SimpleQueue()  # a fresh queue: a stopping thread drains its own
                self._thread = threading.Thread(
                    target=self._run, args=(self._queue,), name=self.name, daemon=True
                )
                self._thread.start()
                atexit.register(self.stop)
            self._queue.put(job)
        return job

    def call(self, fn: Callable[[], Any], timeout: float | None = None) -> Any:
        """Run ``fn()`` on the worker and wait for its result (never call this on the worker)."""
        if threading.current_thread() is self._thread:
            return fn()
        job = self.submit(lambda _job: fn())
        try:
            return job.future.result(timeout)
        except BaseException:
            job.cancel()
            raise

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel the running job, let the thread free its models and streams, and join it."""
        with self._lock:
            thread, self._thread = self._thread, None
            if thread is None:
                return
            current = self.current
            if current is not None:
                current.cancel()
            self._queue.put(None)
        atexit.unregister(self.stop)
        if thread is not threading.current_thread():
            thread.join(timeout)

    def _run(self, jobs: queue.SimpleQueue[Job | None]) -> None:
        while True:
            job = jobs.get()
            if job is None:
                break
            if not job.future.set_running_or_notify_cancel():
                continue
            self.current = job
            try:
                result = job.fn(job)
            except BaseException as exc:
                job.future.set_exception(exc)
            else:
                job.future.set_result(result)
            finally:
                self.current = None
            del job
        self._drain(jobs)
        for hook in self._exit_hooks:
            try:
                hook()
            except Exception:  # a failing hook must not keep the streams alive
                continue
        mx = sys.modules.get("mlx.core")
        if mx is not None and hasattr(mx, "clear_streams"):
            mx.clear_streams()

    @staticmethod
    def _drain(jobs: queue.SimpleQueue[Job | None]) -> None:
        """Cancel jobs queued after the stop request, so nobody waits for them forever."""
        while True:
            try:
                job = jobs.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.cancel()
