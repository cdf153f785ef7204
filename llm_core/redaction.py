"""Credentials kept out of text: the values the library knows are secret, scrubbed from every
message it makes, and URLs shown without user-info or query string.

The error tree (:mod:`llm_core.errors`) applies both to every error; these are also part of the
author API through ``llm_core.errors``.
"""

from __future__ import annotations

__all__ = ["MIN_SECRET_LENGTH", "REDACTED", "redact_url", "remember_secret", "scrub_secrets"]

#: Credentials the library knows, longest first (a snapshot tuple: threads read it unlocked).
_secrets: tuple[str, ...] = ()
_MAX_SECRETS = 256
#: Shorter values are not scrubbed: replacing every "abc" would garble every message.
MIN_SECRET_LENGTH = 4
REDACTED = "[redacted]"


def remember_secret(value: str) -> None:
    """Scrub ``value`` from the text of every llm-core error made from now on.

    The configuration calls this for each API key and base-URL password it validates; a plugin
    that reads a token of its own (an environment variable) calls it too. At most the 256 most
    recent values are kept.
    """
    global _secrets
    if len(value) < MIN_SECRET_LENGTH or value in _secrets:
        return
    kept = (value, *_secrets)[:_MAX_SECRETS]
    _secrets = tuple(sorted(kept, key=len, reverse=True))


def scrub_secrets(text: str) -> str:
    """``text`` with every remembered credential replaced by ``[redacted]``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_url(url: str) -> str:
    """The URL without user:password and without a query string (which may hold a token)."""
    scheme, sep, rest = str(url).partition("://")
    if not sep:
        return str(url)
    host, slash, path = rest.partition("/")
    host = host.rpartition("@")[2]
    return f"{scheme}://{host}{slash}{path.partition('?')[0]}"
