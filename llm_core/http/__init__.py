"""The author API for HTTP providers: write one :class:`HTTPProtocol`, get both adapters.

- :class:`HTTPProtocol`: a provider's knowledge, sans-IO, with its operations as flows.
- :class:`HTTPAdapter`, :class:`AsyncHTTPAdapter`: the shells that do the I/O (one pooled httpx2
  client, per-phase timeouts fitted to the deadline, no redirects, no transport retries, typed
  errors, the one streaming loop); :func:`shells_for` makes both for a protocol.
- :class:`StreamText`, :class:`StreamSpec`, :class:`StreamParser`: streamed answers.
- :func:`error_for_status`, :func:`error_message`, :func:`message_from_json`,
  :func:`parse_retry_after`, :func:`shape_error`: reading error answers.
- :func:`json_loads`: decode a body or a stream line (orjson's speed where installed, the
  standard library's rules).
- :class:`WrongShape`, :func:`text_of`, :func:`count_of`, :func:`object_of`: checking the fields
  a wire parser reads.

Stable within a minor version of llm-core (``specs/plugin-guide.md``).
"""

from llm_core import lazy

# Each name loads with its module on first use: a wire parser that needs only
# ``llm_core.http.shapes`` does not load httpx2 and the shells at plugin discovery.
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "AsyncHTTPAdapter": "llm_core.http.adapters",
        "HTTPAdapter": "llm_core.http.adapters",
        "HTTPProtocol": "llm_core.http.protocol",
        "StreamParser": "llm_core.http.streaming",
        "StreamSpec": "llm_core.http.streaming",
        "StreamText": "llm_core.http.streaming",
        "WrongShape": "llm_core.http.shapes",
        "aiter_ndjson": "llm_core.http.streaming",
        "count_of": "llm_core.http.shapes",
        "error_for_status": "llm_core.http.errors",
        "error_message": "llm_core.http.errors",
        "iter_ndjson": "llm_core.http.streaming",
        "json_loads": "llm_core.http.json_codec",
        "message_from_json": "llm_core.http.errors",
        "object_of": "llm_core.http.shapes",
        "parse_retry_after": "llm_core.http.errors",
        "shape_error": "llm_core.http.errors",
        "shells_for": "llm_core.http.shells",
        "text_of": "llm_core.http.shapes",
        "translate_transport_error": "llm_core.http.errors",
    },
)

__all__ = [
    "AsyncHTTPAdapter",
    "HTTPAdapter",
    "HTTPProtocol",
    "StreamParser",
    "StreamSpec",
    "StreamText",
    "WrongShape",
    "aiter_ndjson",
    "count_of",
    "error_for_status",
    "error_message",
    "iter_ndjson",
    "json_loads",
    "message_from_json",
    "object_of",
    "parse_retry_after",
    "shape_error",
    "shells_for",
    "text_of",
    "translate_transport_error",
]
