"""The httpx2 side every HTTP shell shares: client settings (pool limits, no redirects),
per-call timeouts fitted to the deadline, the byte and time budgets of a body, transport errors
translated, and the extras lookup (a protocol's flow ``show_flow`` is the adapter's ``show``).
"""

from __future__ import annotations

import time
from typing import Any

import httpx2

from llm_core.http.deadline import reached
from llm_core.http.errors import translate_transport_error
from llm_core.http.framing import Budget, Framer
from llm_core.http.protocol import HTTPProtocol
from llm_core.http.streaming import StreamSpec

__all__ = ["HTTPClient"]

_LIMITS = httpx2.Limits(max_connections=64, max_keepalive_connections=32)


class HTTPClient(HTTPProtocol):
    """What both shells share: client settings, timeouts per call, error translation, extras."""

    http: Any

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for the httpx2 client of this adapter."""
        t = self.config.timeouts
        return {
            "base_url": self.base_url(),
            "headers": self.headers(),
            "timeout": httpx2.Timeout(connect=t.connect, read=t.read, write=t.write, pool=t.pool),
            "follow_redirects": False,
            "limits": _LIMITS,
        }

    def timeout_for(self, deadline: float | None) -> Any:
        """The per-call timeout: the configured phases, shortened to fit ``deadline``."""
        if deadline is None:
            return httpx2.USE_CLIENT_DEFAULT
        left = deadline - time.monotonic()
        if left <= 0:
            raise self.deadline_error()
        t = self.config.timeouts
        return httpx2.Timeout(
            connect=min(t.connect, left),
            read=min(t.read, left),
            write=min(t.write, left),
            pool=min(t.pool, left),
        )

    def transport_error(
        self,
        exc: BaseException,
        model: str | None,
        url: str,
        partial_text: str | None = None,
        deadline: float | None = None,
    ) -> Any:
        """Translate an httpx2 exception into the error tree; a timeout at the call's deadline
        is ``TimeoutError(phase="deadline")``."""
        if isinstance(exc, httpx2.TimeoutException) and reached(deadline):
            return self.deadline_error(model)
        return translate_transport_error(
            exc,
            provider=self.provider,
            model=model,
            url=url,
            partial_text=partial_text,
            down_hint=self.down_hint,
        )

    def budget(self, r: httpx2.Response, model: str | None, deadline: float | None) -> Budget:
        """The byte and time budget of a JSON body."""
        return Budget(self.max_response_bytes, deadline, *self._limits(r, model))

    def framer(self, r: httpx2.Response, spec: StreamSpec) -> Framer:
        """The line splitter of a streamed body, within its limits and the deadline."""
        cap = self.max_response_bytes if spec.capped else None
        sse = spec.framing == "lines"
        return Framer(self.max_line_bytes, sse, cap, spec.deadline, *self._limits(r, spec.model))

    def _limits(self, r: httpx2.Response, model: str | None) -> tuple[Any, Any]:
        def too_large(what: str, limit: int) -> Exception:
            return self.too_large(r.status_code, model, str(r.url), what, limit)

        return too_large, lambda: self.deadline_error(model)

    def _error_of(self, r: httpx2.Response, body: bytes, model: str | None) -> Any:
        return self.status_error(r.status_code, body, r.headers, model, str(r.url))

    def text_of(self, r: httpx2.Response, body: bytes) -> str:
        """The first 200 characters of a text answer; the typed error for an error status."""
        if r.status_code >= 400:
            raise self._error_of(r, body, None)
        return body.decode("utf-8", "replace")[:200]

    def __getattr__(self, name: str) -> Any:
        # A flow ``<name>_flow`` on the protocol is the extra ``<name>`` of the adapter.
        flow = getattr(type(self), name + "_flow", None) if not name.startswith("_") else None
        if flow is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        if name.endswith("stream"):
            return lambda *a, **k: self.iter_spec(flow(self, *a, **k))
        return lambda *a, **k: self.drive(flow(self, *a, **k))
