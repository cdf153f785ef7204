"""The author API for OpenAI-compatible servers: the built-in ``openai`` provider's protocol,
its stream parser and its wire functions, for plugins that speak a dialect of it.

Stable within a minor version of llm-core (``specs/plugin-guide.md``).
"""

from llm_core.openai.provider import (
    AsyncOpenAIAdapter,
    OpenAIAdapter,
    OpenAIOptions,
    OpenAIProtocol,
)
from llm_core.openai.stream import ChatStream
from llm_core.openai.wire import (
    chat_body,
    message_json,
    parse_completion,
    parse_models,
    timings_metrics,
    usage_of,
)

__all__ = [
    "AsyncOpenAIAdapter",
    "ChatStream",
    "OpenAIAdapter",
    "OpenAIOptions",
    "OpenAIProtocol",
    "chat_body",
    "message_json",
    "parse_completion",
    "parse_models",
    "timings_metrics",
    "usage_of",
]
