"""NDJSON framing: split a byte stream into lines (sync and async), without decoding twice.

Ollama writes one JSON object and ``\\n`` per flush. Splitting the raw bytes on ``\\n`` is
cheaper than httpx2's ``iter_lines`` (which decodes text and accepts every newline style), and
safe for UTF-8: the byte ``\\n`` never occurs inside a multi-byte character.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Iterable, Iterator

__all__ = ["aiter_ndjson", "iter_ndjson"]


def iter_ndjson(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The lines of a byte stream, without their ``\\n``; a last unterminated line too."""
    rest = b""
    for chunk in chunks:
        if rest:
            chunk = rest + chunk
        *lines, rest = chunk.split(b"\n")
        yield from lines
    if rest.strip():
        yield rest


async def aiter_ndjson(chunks: AsyncIterable[bytes]) -> AsyncIterator[bytes]:
    """The async twin of :func:`iter_ndjson`."""
    rest = b""
    async for chunk in chunks:
        if rest:
            chunk = rest + chunk
        *lines, rest = chunk.split(b"\n")
        for line in lines:
            yield line
    if rest.strip():
        yield rest
