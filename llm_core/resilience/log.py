"""The ``llm_core.logging`` plugin: the observation hooks, written to the ``llm_core`` logger.

On by default, silent by default: the ``llm_core`` logger has a ``NullHandler`` (the standard
library convention), so nothing is printed until the application configures logging, e.g.
``logging.basicConfig(level=logging.DEBUG)`` or
``logging.getLogger("llm_core").setLevel(logging.INFO)``. It answers the observers' ``observes``
question with its logger's level, so while that level is off the core does not call its hooks at
all (see ``bench/resilience.py``). Block it with ``pm.set_blocked("llm_core.logging")``.

Levels: DEBUG request sent, response received, cache hit; INFO a failed attempt;
WARNING retry scheduled, fallback taken. Records carry the provider, model, attempt, error type
and message, latency and token counts -- never message contents, images or API keys (errors
never contain keys; requests are logged by their shape only).
"""

from __future__ import annotations

import logging

from llm_core.hookspecs import hookimpl
from llm_core.request import Request
from llm_core.resilience.retry.policy import error_text
from llm_core.types import Response

__all__ = ["LOGGER_NAME", "LoggingPlugin"]

LOGGER_NAME = "llm_core"
logger = logging.getLogger(LOGGER_NAME)
logger.addHandler(logging.NullHandler())

_DEBUG, _INFO, _WARNING = logging.DEBUG, logging.INFO, logging.WARNING
_LEVELS = {
    "llm_core_on_request": _DEBUG,
    "llm_core_on_response": _DEBUG,
    "llm_core_on_cache_hit": _DEBUG,
    "llm_core_on_error": _INFO,
    "llm_core_on_retry": _WARNING,
    "llm_core_on_fallback": _WARNING,
}
_TOP: dict[tuple[str, ...], int] = {}  # per group of hooks asked about: the highest level


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {error_text(error)}"


class LoggingPlugin:
    """Logs requests, responses, retries, fallbacks, cache hits and errors."""

    def __init__(self, log: logging.Logger = logger) -> None:
        self.log = log

    def observes(self, *hooks: str) -> bool:
        """Whether a record of one of ``hooks`` would be written now: the highest of their
        levels is enabled (a lower one is enabled only when that one is)."""
        level = _TOP.get(hooks)
        if level is None:
            level = _TOP[hooks] = max(_LEVELS.get(hook, _DEBUG) for hook in hooks)
        return self.log.isEnabledFor(level)

    @hookimpl
    def llm_core_on_request(
        self, provider: str, model: str | None, request: Request, attempt: int
    ) -> None:
        """DEBUG: a request is about to be sent (its shape, not its content)."""
        if self.log.isEnabledFor(_DEBUG) and getattr(request, "operation", None) == "embed":
            self.log.debug(
                "request provider=%s model=%s attempt=%d embed inputs=%d",
                provider, model, attempt, len(request.texts),  # type: ignore[attr-defined]
            )  # fmt: skip
        elif self.log.isEnabledFor(_DEBUG):
            images = sum(len(m.images) for m in request.messages)
            self.log.debug(
                "request provider=%s model=%s attempt=%d messages=%d images=%d",
                provider,
                model,
                attempt,
                len(request.messages),
                images,
            )

    @hookimpl
    def llm_core_on_response(self, provider: str, model: str | None, response: Response) -> None:
        """DEBUG: a response arrived."""
        if self.log.isEnabledFor(_DEBUG) and not hasattr(response, "usage"):  # Embeddings
            self.log.debug("response provider=%s model=%s embeddings", provider, model)
        elif self.log.isEnabledFor(_DEBUG):
            self.log.debug(
                "response provider=%s model=%s latency=%.3fs finish=%s tokens=%s/%s",
                provider,
                response.model or model,
                response.latency,
                response.finish_reason,
                response.usage.prompt_tokens,
                response.usage.completion_tokens,
            )

    @hookimpl
    def llm_core_on_retry(
        self, provider: str, model: str | None, attempt: int, error: BaseException, wait: float
    ) -> None:
        """WARNING: an attempt failed and will be retried."""
        if self.log.isEnabledFor(_WARNING):
            self.log.warning(
                "retry provider=%s model=%s attempt=%d failed (%s); next in %.3fs",
                provider,
                model,
                attempt,
                _error(error),
                wait,
            )

    @hookimpl
    def llm_core_on_fallback(self, failed: str, error: BaseException, next_provider: str) -> None:
        """WARNING: a provider gave up; the chain moves on."""
        if self.log.isEnabledFor(_WARNING):
            self.log.warning("fallback from %s (%s) to %s", failed, _error(error), next_provider)

    @hookimpl
    def llm_core_on_cache_hit(self, provider: str, model: str | None, kind: str) -> None:
        """DEBUG: a cache answered."""
        if self.log.isEnabledFor(_DEBUG):
            self.log.debug("cache hit provider=%s model=%s kind=%s", provider, model, kind)

    @hookimpl
    def llm_core_on_error(self, provider: str, model: str | None, error: BaseException) -> None:
        """INFO: one attempt failed."""
        if self.log.isEnabledFor(_INFO):
            self.log.info("error provider=%s model=%s %s", provider, model, _error(error))
