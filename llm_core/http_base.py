"""Sans-IO settings and checks every HTTP adapter shares: base URL, headers, timeouts derived
from the per-phase settings and the call's deadline, typed errors for statuses and bodies.

The I/O shells that use it are :class:`llm_core.http.SyncHTTP` and :class:`llm_core.http.AsyncHTTP`.
"""

from __future__ import annotations

import json
import time
from typing import Any, ClassVar

import httpx2

from llm_core import errors as e
from llm_core.config import ProviderConfig
from llm_core.http_errors import (
    error_for_status,
    error_message,
    redact_url,
    translate_transport_error,
)

__all__ = ["HTTPBase"]

_LIMITS = httpx2.Limits(max_connections=64, max_keepalive_connections=32)


class HTTPBase:
    """Settings and sans-IO checks shared by the sync and async HTTP shells."""

    provider: ClassVar[str] = ""
    default_base_url: ClassVar[str] = "http://127.0.0.1:8080"
    #: A JSON answer larger than this is refused instead of buffered.
    max_response_bytes: ClassVar[int] = 32 * 1024 * 1024
    not_found_hint: ClassVar[str | None] = None
    auth_hint: ClassVar[str | None] = None
    down_hint: ClassVar[str | None] = None

    config: ProviderConfig

    def base_url(self) -> str:
        """The configured base URL, else the provider's default."""
        return self.config.base_url or self.default_base_url

    def url_of(self, path: str) -> str:
        """The full URL of ``path`` (an absolute URL on the same host stays as it is)."""
        return path if "://" in path else self.base_url() + path

    def headers(self) -> dict[str, str]:
        """Request headers: JSON, plus a Bearer token when an API key is configured."""
        headers = {"Accept": "application/json", "User-Agent": "llm-core"}
        if self.config.api_key is not None and self.config.api_key.get_secret_value():
            headers["Authorization"] = f"Bearer {self.config.api_key.get_secret_value()}"
        return headers

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

    def deadline_error(self, model: str | None = None) -> e.TimeoutError:
        """The error for an exhausted total deadline."""
        return e.TimeoutError(
            f"{self.provider}: total deadline exceeded",
            phase="deadline",
            provider=self.provider,
            model=model,
            url=redact_url(self.base_url()),
            hint="Raise timeouts.total, or leave it unset to bound only each phase.",
        )

    def transport_error(
        self, exc: BaseException, model: str | None, url: str, partial_text: str | None = None
    ) -> e.LLMError:
        """Translate an httpx2 exception."""
        return translate_transport_error(
            exc,
            provider=self.provider,
            model=model,
            url=url,
            partial_text=partial_text,
            down_hint=self.down_hint,
        )

    def status_error(self, response: httpx2.Response, body: bytes, model: str | None) -> e.LLMError:
        """The typed error for an error status; adapters override to add protocol knowledge."""
        return error_for_status(
            response.status_code,
            error_message(body),
            response.headers,
            provider=self.provider,
            model=model,
            url=str(response.url),
            not_found_hint=self.not_found_hint,
            auth_hint=self.auth_hint,
        )

    def decode_json(self, response: httpx2.Response, body: bytes, model: str | None) -> Any:
        """Check the status and decode a JSON body, with typed errors for every failure."""
        if response.status_code >= 400:
            raise self.status_error(response, body, model)
        try:
            return json.loads(body)
        except ValueError:
            ctype = response.headers.get("content-type", "?")
            raise e.InvalidResponseError(
                f"{self.provider} answered {response.status_code} with a body that is not JSON "
                f"({ctype}): {error_message(body)[:120]!r}",
                provider=self.provider,
                model=model,
                url=redact_url(str(response.url)),
                status_code=response.status_code,
                hint="Is base_url pointing at the right server and path?",
            ) from None

    def too_large(self, response: httpx2.Response, model: str | None) -> e.InvalidResponseError:
        """The error for a body over ``max_response_bytes``."""
        return e.InvalidResponseError(
            f"{self.provider} answer exceeds {self.max_response_bytes} bytes",
            provider=self.provider,
            model=model,
            url=redact_url(str(response.url)),
            status_code=response.status_code,
            hint="Is base_url pointing at the right server?",
        )

    def _fits(self, response: httpx2.Response) -> bool:
        length = response.headers.get("content-length")
        return length is not None and length.isdigit() and int(length) <= self.max_response_bytes
