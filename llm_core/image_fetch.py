"""Remote image URLs, fetched before a call reaches the layers: blocking on ``Client``, awaited on
``AsyncClient`` (never inside the event loop), within the call's deadline, with a size cap and
a bounded number of redirects; ``images.remote = False`` refuses them (``ImageSettings``).

The client runs :func:`fetch_flow` for a request whose messages hold an http(s) image that has
no bytes yet; each fetched :class:`~llm_core.images.Image` keeps its bytes, so retries and
fallback links never fetch again. No credential of the client is sent: each fetch uses its
own short-lived httpx2 client without headers. An ``Image`` used outside a client (a bare
adapter) fetches with :func:`fetch` and the default limits.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from llm_core.config import ImageSettings
from llm_core.errors import TimeoutError, ValidationError, redact_url
from llm_core.flow import Flow, arun

__all__ = ["afetch", "after_fetching", "fetch", "fetch_flow", "remote_images"]

_DEFAULT = ImageSettings()


def remote_images(request: Any) -> list[Any]:
    """The images of ``request`` that are URLs not fetched yet."""
    return [
        image
        for message in request.messages
        if not isinstance(message.content, str)
        for image in message.images
        if image.is_remote
    ]


def fetch_flow(
    images: list[Any], settings: ImageSettings, deadline: float | None, is_async: bool
) -> Flow[None]:
    """Fetch every image in ``images`` (one after another), keeping the bytes on each."""
    for image in images:
        if not settings.remote:
            raise ValidationError(
                f"remote image {redact_url(image.url)!r} refused: images.remote is False",
                hint="Pass the image's bytes or path, or allow fetching with "
                "images={'remote': True} (LLM_CORE_IMAGES__REMOTE=true).",
            )
        get = afetch if is_async else fetch
        image.fetched((yield get(image.url, settings, deadline)))


def _timeout(settings: ImageSettings, deadline: float | None, url: str) -> Any:
    import httpx2

    left = settings.timeout if deadline is None else min(settings.timeout, _left(deadline, url))
    return httpx2.Timeout(left)


def _left(deadline: float, url: str) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(
            f"total deadline exceeded while fetching image {redact_url(url)!r}",
            phase="deadline",
            hint="Raise timeouts.total, or pass the image's bytes instead of its URL.",
        )
    return left


def _client_kwargs(settings: ImageSettings, deadline: float | None, url: str) -> dict[str, Any]:
    return {
        "timeout": _timeout(settings, deadline, url),
        "follow_redirects": settings.max_redirects > 0,
        "max_redirects": settings.max_redirects,
    }


def _take(
    chunks: list[bytes], chunk: bytes, state: list[int], settings: Any, url: str, deadline: Any
) -> None:
    """Keep ``chunk`` unless the cap or the deadline says stop (sans-IO, both shells)."""
    state[0] += len(chunk)
    if state[0] > settings.max_bytes:
        raise ValidationError(
            f"image {redact_url(url)!r} is larger than images.max_bytes ({settings.max_bytes})",
            hint="Download and shrink it, or raise images.max_bytes.",
        )
    if deadline is not None:
        _left(deadline, url)  # a server dripping bytes does not outlast the call
    chunks.append(chunk)


def _status(r: Any, url: str) -> None:
    if r.status_code >= 300:
        raise ValidationError(
            f"cannot fetch image {redact_url(url)!r}: the server answered {r.status_code}",
            hint="Check the URL, or download the image and pass its path or bytes.",
        )


def _failed(exc: Exception, url: str) -> Exception:
    import httpx2

    where = redact_url(url)
    if isinstance(exc, httpx2.TimeoutException):
        return TimeoutError(
            f"timed out fetching image {where!r}", hint="Raise images.timeout or pass the bytes."
        )
    kind = "too many redirects" if isinstance(exc, httpx2.TooManyRedirects) else type(exc).__name__
    return ValidationError(
        f"cannot fetch image {where!r}: {kind}",
        hint="Download the image and pass its path or bytes instead.",
    )


def fetch(url: str, settings: ImageSettings = _DEFAULT, deadline: float | None = None) -> bytes:
    """The bytes at ``url``, blocking, within the limits (typed errors, never a raw one)."""
    import httpx2

    chunks: list[bytes] = []
    state = [0]
    try:
        with (
            httpx2.Client(**_client_kwargs(settings, deadline, url)) as client,
            client.stream("GET", url) as r,
        ):
            _status(r, url)
            for chunk in r.iter_bytes():
                _take(chunks, chunk, state, settings, url, deadline)
        return b"".join(chunks)
    except httpx2.HTTPError as exc:
        error = _failed(exc, url)
    raise error


async def afetch(
    url: str, settings: ImageSettings = _DEFAULT, deadline: float | None = None
) -> bytes:
    """The bytes at ``url``, awaited on the running event loop, within the limits."""
    import httpx2

    chunks: list[bytes] = []
    state = [0]
    try:
        async with (
            httpx2.AsyncClient(**_client_kwargs(settings, deadline, url)) as client,
            client.stream("GET", url) as r,
        ):
            _status(r, url)
            async for chunk in r.aiter_bytes():
                _take(chunks, chunk, state, settings, url, deadline)
        return b"".join(chunks)
    except httpx2.HTTPError as exc:
        error = _failed(exc, url)
    raise error


async def after_fetching(flow: Flow[None], events: Any) -> AsyncIterator[Any]:
    """An async stream's ``events``, opened only once ``flow`` fetched its images."""
    try:
        await arun(flow)
        async for event in events:
            yield event
    finally:
        await events.aclose()
