"""A large request body for the aiohttp transport, written within the write timeout.

aiohttp has no write timeout, and its read timeout starts only once the whole body is sent: a
server that accepts a request and stops reading it (a full receive buffer, a stuck proxy) would
hold the call forever. :class:`TimedBody` writes the body in slices, each within
``timeouts.write`` (httpx2's write timeout is per write operation too), and a slice that does not
go out in time fails the request with :class:`WriteTimeout`. A body small enough that writing it
never waits for the socket is sent as plain bytes (:data:`UNTIMED`).
"""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp.payload import Payload

__all__ = ["UNTIMED", "TimedBody", "WriteTimeout"]

#: Bodies up to this size go out in one write that does not wait (aiohttp drains above 64 KiB).
UNTIMED = 16 * 1024
_SLICE = 64 * 1024


class WriteTimeout(TimeoutError):
    """A slice of the request body was not written within the write timeout."""


class TimedBody(Payload):
    """``data`` (JSON bytes) written in 64 KiB slices, each within ``timeout`` seconds.

    A :class:`~aiohttp.payload.Payload` of its own rather than aiohttp's ``BytesPayload``,
    which warns that one large write could block the event loop; these writes are sliced."""

    _autoclose = True  # bytes in memory: nothing to close

    def __init__(self, data: bytes, timeout: float) -> None:
        super().__init__(data, content_type="application/json")
        self._size = len(data)
        self._timeout = timeout

    def decode(self, encoding: str = "utf-8", errors: str = "strict") -> str:
        """The body as text."""
        return self._value.decode(encoding, errors)

    async def as_bytes(self, encoding: str = "utf-8", errors: str = "strict") -> bytes:
        """The body's bytes."""
        return self._value

    async def write(self, writer: Any) -> None:
        """Write the whole body (aiohttp before 3.12 calls this)."""
        await self.write_with_length(writer, None)

    async def write_with_length(self, writer: Any, content_length: int | None) -> None:
        """Write the body, or its first ``content_length`` bytes, slice by slice."""
        view = memoryview(self._value)
        if content_length is not None:
            view = view[:content_length]
        for start in range(0, len(view), _SLICE):
            try:
                async with asyncio.timeout(self._timeout):
                    await writer.write(view[start : start + _SLICE])
            except TimeoutError:
                # The connection cannot be used again, and closing it would wait for the unsent
                # buffer forever: drop it at once.
                transport = getattr(writer, "transport", None)
                if transport is not None:
                    transport.abort()
                stalled = WriteTimeout(
                    f"the server took no more of the request body for {self._timeout:g} s"
                )
            else:
                continue
            raise stalled from None
