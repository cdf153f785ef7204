"""The ``limits`` setting: how much of an answer a client may hold (``specs/resilience.md``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Limits"]


class Limits(BaseModel):
    """Caps on what one answer may make the client hold (decoded bytes, after gzip): the whole
    answer (a JSON body, or a stream's body) and one line of a stream (SSE or NDJSON). Over a
    cap the call fails with ``InvalidResponseError`` (``specs/resilience.md``)."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    max_response_bytes: int = Field(32 * 1024 * 1024, ge=256)
    max_line_bytes: int = Field(1024 * 1024, ge=256)
