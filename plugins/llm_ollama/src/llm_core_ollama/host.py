"""``OLLAMA_HOST`` parsing with Ollama's own rules (sans-IO).

Ollama's server and its official clients read ``OLLAMA_HOST`` the same way
(``envconfig.Host`` in Go, ``_parse_host`` in ollama-python): surrounding spaces and quotes are
dropped; without a scheme the scheme is ``http`` and the port ``11434``; with ``http://`` the
default port is 80, with ``https://`` 443; a bare ``:port`` means 127.0.0.1; IPv6 may come with
or without brackets; a path (a reverse proxy prefix) is kept, trailing slashes dropped. An
invalid port falls back to the default port, as Ollama does, with a warning.

One deliberate difference: an unspecified bind address (``0.0.0.0``, ``::``), which people set
so the *server* listens on every interface, is reached through loopback (127.0.0.1 / ::1),
because connecting to an unspecified address does not work on every platform.
"""

from __future__ import annotations

import ipaddress
import os
import warnings
from collections.abc import Mapping

__all__ = ["DEFAULT_BASE_URL", "OLLAMA_HOST_ENV", "base_url_from_env", "parse_ollama_host"]

OLLAMA_HOST_ENV = "OLLAMA_HOST"
DEFAULT_BASE_URL = "http://127.0.0.1:11434"
_DEFAULT_PORT = {"http": 80, "https": 443}


def parse_ollama_host(value: str | None) -> str:
    """The base URL (``scheme://host:port[/path]``) that ``OLLAMA_HOST=value`` means.

    >>> parse_ollama_host("example.com:8080")
    'http://example.com:8080'
    >>> parse_ollama_host("https://example.com/ollama/")
    'https://example.com:443/ollama'
    """
    text = (value or "").strip().strip("\"'").strip()
    scheme, sep, rest = text.partition("://")
    if sep:
        scheme = scheme.lower()
        if scheme not in _DEFAULT_PORT:
            from llm_core import ConfigurationError

            raise ConfigurationError(
                f"{OLLAMA_HOST_ENV}={value!r} has scheme {scheme!r}; Ollama speaks http(s)",
                provider="ollama",
                hint=f"Set {OLLAMA_HOST_ENV} to host:port, http://host:port or https://host.",
            )
        default_port = _DEFAULT_PORT[scheme]
    else:
        scheme, rest, default_port = "http", text, 11434
    hostport, _, path = rest.partition("/")
    path = path.strip("/")
    host, port_text = _split_host_port(hostport)
    port = default_port
    if port_text is not None:
        if port_text.isdigit() and int(port_text) <= 65535:
            port = int(port_text)
        else:
            warnings.warn(
                f"{OLLAMA_HOST_ENV}={value!r} has an invalid port {port_text!r}; using port "
                f"{default_port} as Ollama does",
                UserWarning,
                stacklevel=3,
            )
    host = _client_host(host)
    url = f"{scheme}://{host}:{port}"
    return f"{url}/{path}" if path else url


def _split_host_port(hostport: str) -> tuple[str, str | None]:
    """Split ``host:port``; IPv6 with brackets, or bare IPv6 without a port."""
    if hostport.startswith("["):
        host, _, tail = hostport[1:].partition("]")
        return host, tail[1:] if tail.startswith(":") else None
    if hostport.count(":") > 1:  # a bare IPv6 address: no port possible
        return hostport, None
    host, sep, port = hostport.partition(":")
    return host, port if sep else None


def _client_host(host: str) -> str:
    """The host to connect to: loopback for empty or unspecified, IPv6 in brackets."""
    if not host:
        return "127.0.0.1"
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return host
    if ip.is_unspecified:
        return "127.0.0.1" if ip.version == 4 else "[::1]"
    return f"[{ip.compressed}]" if ip.version == 6 else ip.compressed


def base_url_from_env(environ: Mapping[str, str] | None = None) -> str:
    """``OLLAMA_HOST`` parsed, or the default ``http://127.0.0.1:11434`` when unset or empty."""
    env = os.environ if environ is None else environ
    value = env.get(OLLAMA_HOST_ENV, "")
    if not value.strip().strip("\"'").strip():
        return DEFAULT_BASE_URL
    return parse_ollama_host(value)
