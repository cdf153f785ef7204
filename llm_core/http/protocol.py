"""The HTTP provider an author writes: one :class:`HTTPProtocol`, sans-IO, sync and async at once.

A protocol class holds a provider's knowledge -- base URL, paths, request bodies, how answers and
errors read -- and its operations as flows (:mod:`llm_core.flow`): ``data = yield
self.request_json("GET", "/models")`` is a request, performed blocking by
:class:`~llm_core.http.HTTPAdapter` and awaited by :class:`~llm_core.http.AsyncHTTPAdapter`.
Register it with ``register(name, protocol=MyProtocol)`` and the core provides both adapters.

What a protocol writes:

- ``stream_flow(request, deadline)``: a :class:`~llm_core.http.StreamSpec` (or a flow ending in
  one, when requests must come first); ``self.sse(...)`` / ``self.ndjson(...)`` build it.
- ``list_models_flow()``: the models.
- optionally ``embed_flow(request, deadline)``: an EmbedRequest to Embeddings (default: a
  NotSupportedError);
- optionally ``generate_flow`` (default: run the stream to its end), ``health_check_flow``
  (default: list the models and report how many), ``status_error`` (its error bodies), and
  extras: a flow ``show_flow(model)`` becomes ``adapter.show(model)`` on both adapters, and
  ``pull_stream_flow(...)`` (a name ending in ``stream``) a streaming extra.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from llm_core import errors as e
from llm_core.adapter import AdapterBase
from llm_core.flow import Flow
from llm_core.http.errors import error_for_status, error_message
from llm_core.http.json_codec import json_loads
from llm_core.http.streaming import StreamParser, StreamSpec
from llm_core.request import Request
from llm_core.types import Health, ModelInfo, Response

__all__ = ["HTTPProtocol"]


class HTTPProtocol(AdapterBase):
    """Settings, sans-IO checks and default flows shared by every HTTP provider."""

    provider: ClassVar[str] = ""
    default_base_url: ClassVar[str] = "http://127.0.0.1:8080"
    #: Hints added to the typed errors: model not found (404), refused credentials, server down.
    not_found_hint: ClassVar[str | None] = None
    auth_hint: ClassVar[str | None] = None
    down_hint: ClassVar[str | None] = None

    # ------------------------------------------------------------------ where and how

    def base_url(self) -> str:
        """The configured base URL, else the provider's default."""
        return self.config.base_url or self.default_base_url

    def url_of(self, path: str) -> str:
        """The full URL of ``path`` (an absolute URL on the same host stays as it is)."""
        return path if "://" in path else self.base_url() + path

    def headers(self) -> dict[str, str]:
        """Request headers: JSON, the configured ``headers``, and a Bearer token when an API
        key is configured (else Basic auth from a base_url's user-info)."""
        headers = {"Accept": "application/json", "User-Agent": "llm-core", **self.config.headers}
        if self.config.api_key is not None and self.config.api_key.get_secret_value():
            headers["Authorization"] = f"Bearer {self.config.api_key.get_secret_value()}"
        elif getattr(self.config, "basic_auth", None) is not None:  # base_url user-info
            import base64

            pair = self.config.basic_auth.get_secret_value().encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        return headers

    @property
    def max_response_bytes(self) -> int:
        """Decoded bytes one answer may have (``limits.max_response_bytes``)."""
        return self.config.limits.max_response_bytes

    @property
    def max_line_bytes(self) -> int:
        """Decoded bytes one line of a stream may have (``limits.max_line_bytes``)."""
        return self.config.limits.max_line_bytes

    # ------------------------------------------------------------------ answers and errors

    def deadline_error(self, model: str | None = None) -> e.TimeoutError:
        """The error for an exhausted total deadline."""
        return e.TimeoutError(
            f"{self.provider}: total deadline exceeded",
            phase="deadline",
            provider=self.provider,
            model=model,
            url=self.base_url(),
            hint="Raise timeouts.total, or leave it unset to bound only each phase.",
        )

    def status_error(
        self, status: int, body: bytes, headers: Mapping[str, str], model: str | None, url: str
    ) -> e.LLMError:
        """The typed error for an error status; protocols override to read their own bodies."""
        return error_for_status(
            status,
            error_message(body),
            headers,
            provider=self.provider,
            model=model,
            url=url,
            not_found_hint=self.not_found_hint,
            auth_hint=self.auth_hint,
        )

    def decode_json(
        self, status: int, headers: Mapping[str, str], body: bytes, model: str | None, url: str
    ) -> Any:
        """Check the status and decode a JSON body, with typed errors for every failure."""
        if status >= 400:
            raise self.status_error(status, body, headers, model, url)
        try:
            return json_loads(body)
        except ValueError:
            ctype = headers.get("content-type", "?")
            raise e.InvalidResponseError(
                f"{self.provider} answered {status} with a body that is not JSON "
                f"({ctype}): {error_message(body)[:120]!r}",
                provider=self.provider,
                model=model,
                url=url,
                status_code=status,
                hint="Is base_url pointing at the right server and path?",
            ) from None

    def too_large(
        self, status: int, model: str | None, url: str, what: str = "answer", limit: int = 0
    ) -> e.InvalidResponseError:
        """The error for an answer (or one line of a stream) over its byte limit."""
        limit = limit or self.max_response_bytes
        setting = "max_line_bytes" if what == "line" else "max_response_bytes"
        return e.InvalidResponseError(
            f"{self.provider} {what} exceeds {limit} bytes (limits.{setting})",
            provider=self.provider,
            model=model,
            url=url,
            status_code=status,
            hint=f"Is base_url pointing at the right server? Raise limits.{setting} "
            "if such answers are expected.",
        )

    # ------------------------------------------------------------------ streams

    def sse(
        self,
        path: str,
        body: Any,
        parser: StreamParser,
        *,
        model: str | None = None,
        deadline: float | None = None,
    ) -> StreamSpec:
        """A streamed POST whose body is server-sent events, read line by line."""
        return StreamSpec(path, body, parser, "lines", model, deadline)

    def ndjson(
        self,
        path: str,
        body: Any,
        parser: StreamParser,
        *,
        model: str | None = None,
        deadline: float | None = None,
    ) -> StreamSpec:
        """A streamed POST whose body is one JSON object per line (bytes to the parser)."""
        return StreamSpec(path, body, parser, "ndjson", model, deadline)

    # ------------------------------------------------------------------ default flows

    def stream_flow(self, request: Request, deadline: float | None) -> Any:  # pragma: no cover
        """The stream to open for ``request`` (every protocol writes this)."""
        raise NotImplementedError(f"{type(self).__name__} must define stream_flow")

    def list_models_flow(self) -> Flow[list[ModelInfo]]:  # pragma: no cover
        """The models this provider can serve (every protocol writes this)."""
        raise NotImplementedError(f"{type(self).__name__} must define list_models_flow")

    def embed_flow(self, request: Any, deadline: float | None) -> Flow[Any]:
        """Embed an EmbedRequest into Embeddings (default: the provider does not embed)."""
        raise self.embed_unsupported(request.model or self.config.model)
        yield  # pragma: no cover - makes this a flow

    def embed(self, request: Any, *, deadline: float | None = None) -> Any:
        """The adapter's ``embed``: ``embed_flow`` run by the shell (awaitable on async)."""
        return self.drive(self.embed_flow(request, deadline))  # type: ignore[attr-defined]

    def generate_flow(self, request: Request, deadline: float | None) -> Flow[Response]:
        """Generate by running the stream to its end (override when there is a cheaper way)."""
        spec = yield from self.flow_of(self.stream_flow(request, deadline))
        final = yield self.consume(spec)
        return final.response

    def health_check_flow(self) -> Flow[Health]:
        """Health from a model-list probe: cheap (no generation, no model needed), never raises."""
        started = time.perf_counter()
        try:
            models = yield from self.list_models_flow()
        except Exception as exc:
            return self.health_from(None, exc, time.perf_counter() - started)
        return self.health_from(models, None, time.perf_counter() - started)

    def health_from(
        self, models: list[ModelInfo] | None, error: Exception | None, latency: float
    ) -> Health:
        """The Health of a model-list probe: ok with the model count, or why not."""
        url = e.redact_url(self.base_url())
        if error is not None:
            detail = getattr(error, "message", None) or str(error)
            return Health(False, self.provider, latency, detail=detail, url=url)
        return Health(True, self.provider, latency, detail=f"{len(models or [])} models", url=url)

    @staticmethod
    def flow_of(value: Any) -> Flow[Any]:
        """Run ``value`` inline when it is a flow; else it is already the result."""
        if hasattr(value, "send"):
            return (yield from value)
        return value

    # ------------------------------------------------------------------ what the shells supply

    def request_json(
        self,
        method: str,
        path: str,
        *,
        body: Any = None,
        model: str | None = None,
        deadline: float | None = None,
    ) -> Any:  # pragma: no cover - each shell defines it
        """Send a request; its decoded JSON answer (sync) or an awaitable of it (async)."""
        raise NotImplementedError

    def request_text(self, path: str, *, deadline: float | None = None) -> Any:  # pragma: no cover
        """GET ``path``; the start of its text body (or an awaitable of it)."""
        raise NotImplementedError

    def consume(self, spec: StreamSpec, each: Any = None) -> Any:  # pragma: no cover
        """Run a stream to its end, calling ``each(item)``; the last item (or an awaitable)."""
        raise NotImplementedError
