"""LM Studio's API token from the environment (``LM_API_TOKEN``, else ``LMSTUDIO_API_TOKEN``).

The variables belong to the LM Studio on this machine, so their token is sent only to a
loopback base URL: an lmstudio fallback on another host gets its own ``api_key`` or nothing.
A token read here is remembered as a secret (scrubbed from every error text).
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

from llm_core import ConfigurationError
from llm_core.errors import remember_secret
from llm_core_lmstudio.errors import TOKEN_ENV_VARS

__all__ = ["env_token", "is_local"]


def is_local(url: str) -> bool:
    """True when ``url``'s host is this machine (localhost, 127.0.0.0/8, ::1)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def env_token(base_url: str) -> tuple[str, str] | None:
    """``(variable, token)`` for a loopback ``base_url`` when one is set; else None."""
    if not is_local(base_url):
        return None
    for name in TOKEN_ENV_VARS:
        token = os.environ.get(name, "").strip()
        if token:
            remember_secret(token)
            if not token.isascii() or not token.isprintable() or " " in token:
                raise ConfigurationError(
                    f"the LM Studio API token in {name} contains spaces or unprintable characters",
                    hint=f"Set {name} to the token exactly as LM Studio showed it.",
                )
            return name, token
    return None
