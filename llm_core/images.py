"""Image content: one type for a path, raw bytes, an http(s) URL or a data URL.

Providers want images in different shapes (Ollama raw base64, OpenAI-style data URLs, mlx-vlm
paths or data URIs); :class:`Image` turns any source into any of them and checks, once, that
the bytes really are an image.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any

from llm_core.errors import ValidationError

__all__ = ["Image", "sniff_image_type"]

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"BM", "image/bmp"),
)


def sniff_image_type(data: bytes) -> str | None:
    """Return the MIME type of image bytes from their magic number, or None if not an image."""
    for magic, mime in _SIGNATURES:
        if data.startswith(magic):
            return mime
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


class Image:
    """An image given as a path, bytes, an http(s) URL or a ``data:`` URL.

    Bytes are read lazily and validated on first use; an unreadable path or bytes that are not an
    image raise :class:`~llm_core.errors.ValidationError` naming the source.
    """

    __slots__ = ("_data", "_mime", "path", "url")

    def __init__(
        self, source: str | os.PathLike[str] | bytes | bytearray | Image, *, mime: str | None = None
    ) -> None:
        self.path: Path | None = None
        self.url: str | None = None
        self._data: bytes | None = None
        self._mime = mime
        if isinstance(source, Image):
            self.path, self.url, self._data = source.path, source.url, source._data
            self._mime = mime or source._mime
        elif isinstance(source, bytes | bytearray):
            self._data = bytes(source)
        elif isinstance(source, os.PathLike):
            self.path = Path(source)
        elif isinstance(source, str):
            if source.startswith(("http://", "https://")):
                self.url = source
            elif source.startswith("data:"):
                self._data, self._mime = _decode_data_url(source)
            else:
                self.path = Path(source).expanduser()
        else:
            raise ValidationError(
                f"image source must be a path, bytes, URL or data URL, not {type(source).__name__}",
                hint="Pass Image('photo.png'), Image(png_bytes) or a data:image/png;base64 URL.",
            )

    def __repr__(self) -> str:
        if self.path is not None:
            return f"Image(path={str(self.path)!r})"
        if self.url is not None:
            return f"Image(url={self.url[:60]!r})"
        size = len(self._data) if self._data is not None else 0
        return f"Image(<{size} bytes>)"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Image) and self.cache_token() == other.cache_token()

    def __hash__(self) -> int:
        return hash(self.cache_token())

    @property
    def is_remote(self) -> bool:
        """True when the image is an http(s) URL that has not been fetched."""
        return self.url is not None and self._data is None

    def fetched(self, data: bytes) -> None:
        """Keep ``data`` as this remote image's bytes (the client fetched them)."""
        self._data = bytes(data)

    def data(self) -> bytes:
        """The image bytes, read and validated once (a remote URL not fetched by the client yet
        is fetched here, blocking, with the default :mod:`~llm_core.image_fetch` limits)."""
        if self._data is None:
            if self.path is not None:
                try:
                    self._data = self.path.read_bytes()
                except OSError as exc:
                    raise ValidationError(
                        f"cannot read image file {str(self.path)!r}: {exc.strerror or exc}",
                        hint="Check the path (relative to the working directory).",
                    ) from None
            else:
                self._data = _fetch(self.url or "")
        if self._mime is None or self._mime == "application/octet-stream":
            self._mime = self.mime_type
        return self._data

    @property
    def mime_type(self) -> str:
        """The image's MIME type, from its magic number; raises ValidationError if not an image."""
        data = self._data if self._data is not None else self.data()
        mime = sniff_image_type(data)
        if mime is None:
            source = str(self.path) if self.path else (self.url or f"<{len(data)} bytes>")
            raise ValidationError(
                f"image {source!r} is not a PNG, JPEG, GIF, WebP or BMP image",
                hint="Pass the bytes of an image file; convert other formats to PNG first.",
            )
        return mime

    def base64(self) -> str:
        """Standard base64 of the bytes, without a ``data:`` prefix (Ollama's native shape)."""
        return base64.b64encode(self.data()).decode("ascii")

    def data_url(self) -> str:
        """A ``data:<mime>;base64,...`` URL (the OpenAI-compatible shape)."""
        data = self.data()
        return f"data:{self.mime_type};base64,{base64.b64encode(data).decode('ascii')}"

    def cache_token(self) -> Any:
        """A stable, cheap identity for cache keys: the path with its size and modification time
        (a file rewritten in place is a new image), the URL, else a digest of the bytes."""
        if self.path is not None:
            try:
                stat = self.path.stat()
            except OSError:
                return ("path", str(self.path))
            return ("path", str(self.path), stat.st_size, stat.st_mtime_ns)
        if self.url is not None:
            return ("url", self.url)
        import hashlib

        return ("sha256", hashlib.sha256(self._data or b"").hexdigest())


def _decode_data_url(url: str) -> tuple[bytes, str | None]:
    header, sep, payload = url.partition(",")
    if not sep or not header.endswith(";base64"):
        raise ValidationError(
            f"data URL must be 'data:<mime>;base64,<data>', got {url[:40]!r}...",
            hint="Encode the image as base64 and prefix it with data:image/png;base64,",
        )
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError(
            "data URL payload is not valid base64", hint="Re-encode the image with base64."
        ) from None
    mime = header[5:-7] or None
    return data, mime


def _fetch(url: str) -> bytes:
    from llm_core.image_fetch import fetch  # capped, few redirects (the client fetches first)

    return fetch(url)
