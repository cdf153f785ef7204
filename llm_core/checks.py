"""Input checks shared by :class:`~llm_core.request.Request` and
:class:`~llm_core.messages.Message`: text a server can be sent and values JSON can encode.

Each check raises :class:`~llm_core.errors.ValidationError` naming the field, what was wrong and
the fix, so a malformed input never surfaces later as a ``TypeError`` from a serializer or a
``UnicodeEncodeError`` from the transport.
"""

from __future__ import annotations

import json
import math
from typing import Any

from llm_core import errors
from llm_core.errors import ValidationError

__all__ = [
    "check_api_key",
    "check_base_url",
    "check_json",
    "check_optional_str",
    "check_text",
    "remember_basic_auth",
    "split_user_info",
]


def check_text(field: str, value: str) -> None:
    """Reject text UTF-8 cannot encode (lone surrogates, e.g. from a bad decode)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(
            f"{field} contains a lone surrogate at index {exc.start}, which UTF-8 cannot encode",
            hint="Decode input with errors='replace' (or 'surrogatepass' then fix it) first.",
        ) from None


def check_optional_str(field: str, value: Any) -> None:
    """``value`` must be None or a non-empty string."""
    if value is None:
        return
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"{field} must be a non-empty string, got {type(value).__name__} {value!r:.60}",
            hint=f"Pass {field}='...' or leave it out.",
        )
    check_text(field, value)


def check_json(field: str, value: Any) -> None:
    """``value`` must be plain JSON: dicts with string keys, lists, strings, finite numbers."""
    if value is None or (not value and type(value) in (dict, list)):
        return  # the usual case (nothing given): no walk, no trial encoding
    problem = _json_problem(value, field)
    if problem is not None:
        where, what = problem
        raise ValidationError(
            f"{where} is {what}, which JSON cannot encode",
            hint=f"Give {field} only dicts with string keys, lists, strings, finite numbers, "
            "booleans and None.",
        )
    try:
        json.dumps(value, allow_nan=False)
    except (TypeError, ValueError) as exc:  # pragma: no cover - _json_problem catches these
        raise ValidationError(f"{field} cannot be encoded as JSON: {exc}") from None


def _json_problem(value: Any, where: str, depth: int = 0) -> tuple[str, str] | None:
    found = _problem(value, depth)
    if found is None:
        return None
    path, what = found
    return where + "".join(f"[{step!r}]" for step in reversed(path)), what


def _problem(value: Any, depth: int) -> tuple[list[Any], str] | None:
    """The problem and its path, innermost step first (built only when there is one: the walk
    of a valid value formats nothing)."""
    if depth > 64:
        return [], "nested more than 64 levels deep"
    if value is None or isinstance(value, bool | int):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else ([], repr(value))
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return [], "a string with a lone surrogate"
        return None
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                return [], f"a dict with a {type(key).__name__} key {key!r:.40}"
            found = _problem(key, 0)
            if found:
                return found
            found = _problem(item, depth + 1)
            if found:
                found[0].append(key)
                return found
        return None
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            found = _problem(item, depth + 1)
            if found:
                found[0].append(i)
                return found
        return None
    return [], f"a {type(value).__name__}"


def check_base_url(value: str) -> str:
    """A normalised http(s) base URL, or ``ValueError`` naming what is wrong (for pydantic).

    Checked by parsing alone, before any name lookup: ``'not a url'`` and ``''`` never reach
    the transport (which would raise its own ``InvalidURL`` or try to resolve them).
    """
    from urllib.parse import urlsplit

    value = value.strip()
    if not value:
        raise ValueError("base_url is empty; give e.g. http://localhost:11434")
    if "://" not in value:
        value = "http://" + value
    if not value.startswith(("http://", "https://")):
        raise ValueError("base_url must be an http:// or https:// URL")
    value = value.rstrip("/")
    if any(c.isspace() or ord(c) < 32 or ord(c) > 126 for c in value):
        raise ValueError(
            "base_url contains spaces, control or non-ASCII characters; "
            "give e.g. http://localhost:11434 (IDN hosts in their xn-- form)"
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise ValueError(f"base_url is not a valid URL ({exc}); e.g. http://host:8080") from None
    if not parts.hostname:
        raise ValueError("base_url has no host; give e.g. http://localhost:11434")
    if parts.query or parts.fragment or value.endswith(("?", "#")):
        raise ValueError(
            "base_url may not have a query string or fragment (a key there would be logged with "
            "every request URL); pass the key as api_key"
        )
    return value


def split_user_info(url: str) -> tuple[str, str | None]:
    """``url`` without ``user:password@``, and that user-info decoded (None when absent).

    Credentials in a URL end up in logs and exception texts with it; the configuration sends
    them as an ``Authorization: Basic`` header instead.
    """
    from urllib.parse import unquote, urlsplit, urlunsplit

    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url, None
    user_info, _, host = parts.netloc.rpartition("@")
    user, _, password = user_info.partition(":")
    return urlunsplit(parts._replace(netloc=host)), f"{unquote(user)}:{unquote(password)}"


def check_api_key(key: str) -> None:
    """``ValueError`` (never quoting the key) for a key no HTTP header can carry.

    A key read from a file often ends in a newline; sent as is it fails as a network fault,
    is retried and opens the shared breaker. A non-ASCII key cannot be encoded in a header.
    """
    if key != key.strip():
        raise ValueError("api_key has leading or trailing whitespace (a newline read from a file?)")
    if not key.isascii() or not key.isprintable():
        raise ValueError("api_key has non-ASCII or control characters; was it copied whole?")


def remember_basic_auth(user_info: str) -> None:
    """Scrub a ``user:password`` pair from error texts: the password, the pair, its base64."""
    import base64

    errors.remember_secret(user_info.partition(":")[2])
    errors.remember_secret(user_info)
    errors.remember_secret(base64.b64encode(user_info.encode()).decode())
