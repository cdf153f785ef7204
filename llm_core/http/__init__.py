"""The author API for HTTP providers: write one :class:`HTTPProtocol`, get both adapters.

- :class:`HTTPProtocol`: a provider's knowledge, sans-IO, with its operations as flows.
- :class:`HTTPAdapter`, :class:`AsyncHTTPAdapter`: the shells that do the I/O (one pooled httpx2
  client, per-phase timeouts fitted to the deadline, no redirects, no transport retries, typed
  errors, the one streaming loop); :func:`shells_for` makes both for a protocol.
- :class:`StreamText`, :class:`StreamSpec`, :class:`StreamParser`: streamed answers.
- :func:`error_for_status`, :func:`error_message`, :func:`message_from_json`,
  :func:`parse_retry_after`, :func:`shape_error`: reading error answers.
- :class:`WrongShape`, :func:`text_of`, :func:`count_of`, :func:`object_of`: checking the fields
  a wire parser reads.

Stable within a minor version of llm-core (``specs/plugin-guide.md``).
"""

from llm_core.http.adapters import AsyncHTTPAdapter, HTTPAdapter
from llm_core.http.errors import (
    error_for_status,
    error_message,
    message_from_json,
    parse_retry_after,
    shape_error,
    translate_transport_error,
)
from llm_core.http.protocol import HTTPProtocol
from llm_core.http.shapes import WrongShape, count_of, object_of, text_of
from llm_core.http.shells import shells_for
from llm_core.http.streaming import (
    StreamParser,
    StreamSpec,
    StreamText,
    aiter_ndjson,
    iter_ndjson,
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
    "message_from_json",
    "object_of",
    "parse_retry_after",
    "shape_error",
    "shells_for",
    "text_of",
    "translate_transport_error",
]
