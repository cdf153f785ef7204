"""The Ollama options model: every name Ollama's native API accepts, validated up front.

Ollama itself ignores an unknown option name with only a server-side warning; here a typo is a
:class:`~llm_core.errors.ValidationError` (or ConfigurationError in the config) listing the
valid names. A few options are top-level request fields on the wire (``keep_alive``, ``think``,
``format``, ``truncate``, ``shift``); :func:`split_options` puts each where Ollama reads it.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import Field, StrictBool, field_validator

from llm_core.adapter import ProviderOptions

__all__ = ["TOP_LEVEL", "OllamaOptions", "split_options"]

#: Options sent as top-level request fields, not inside ``options``.
TOP_LEVEL = frozenset({"keep_alive", "think", "format", "truncate", "shift"})

# A Go duration ("5m", "1h30m", "-1s", "0") as time.ParseDuration accepts it.
_GO_DURATION = re.compile(r"^[-+]?(0|((\d+(\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h))+)$")


class OllamaOptions(ProviderOptions):
    """Options for the ``ollama`` provider (see PROTOCOLS.md §1.5 and §1.8).

    ``keep_alive`` is a Go duration (``"10m"``, ``"0"``, ``"-1"`` = forever) or seconds;
    ``think`` is a bool or ``"low"``/``"medium"``/``"high"``/``"max"``; ``format`` is ``"json"``
    or a JSON schema (``Request.response_format`` sets a schema too). ``temperature``,
    ``top_p``, ``num_predict``, ``stop`` and ``seed`` are accepted under Ollama's own names;
    the Request fields (``temperature``, ``max_tokens``, ...) override them when both are set.
    """

    # top-level request fields
    keep_alive: str | int | float | None = None
    think: StrictBool | Literal["low", "medium", "high", "max"] | None = None
    format: Literal["json"] | dict[str, Any] | None = None
    truncate: StrictBool | None = None
    shift: StrictBool | None = None
    # load-time options (changing one reloads the model)
    num_ctx: int | None = Field(None, ge=1)
    num_batch: int | None = Field(None, ge=1)
    num_gpu: int | None = Field(None, ge=-1)
    main_gpu: int | None = Field(None, ge=0)
    use_mmap: StrictBool | None = None
    num_thread: int | None = Field(None, ge=0)
    # sampling
    temperature: float | None = Field(None, ge=0)
    top_p: float | None = Field(None, ge=0, le=1)
    top_k: int | None = Field(None, ge=0)
    min_p: float | None = Field(None, ge=0, le=1)
    typical_p: float | None = Field(None, ge=0, le=1)
    num_predict: int | None = Field(None, ge=-2)
    stop: list[str] | None = None
    seed: int | None = None
    repeat_penalty: float | None = Field(None, ge=0)
    repeat_last_n: int | None = Field(None, ge=-1)
    presence_penalty: float | None = None
    frequency_penalty: float | None = None
    num_keep: int | None = Field(None, ge=-1)
    draft_num_predict: int | None = Field(None, ge=0)

    @field_validator("keep_alive")
    @classmethod
    def _keep_alive(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("keep_alive is a duration such as '10m' or a number of seconds")
        if isinstance(value, str) and not _GO_DURATION.match(value.strip()):
            if re.fullmatch(r"[-+]?\d+(\.\d+)?", value.strip()):
                return float(value) if "." in value else int(value)
            raise ValueError(
                "keep_alive must be a duration like '30s', '10m', '1h', '0' (unload now) or "
                "'-1' (keep loaded), or a number of seconds"
            )
        return value


def split_options(options: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Validated options split into (top-level request fields, the ``options`` object)."""
    top = {k: v for k, v in options.items() if k in TOP_LEVEL and v is not None}
    model = {k: v for k, v in options.items() if k not in TOP_LEVEL and v is not None}
    return top, model
