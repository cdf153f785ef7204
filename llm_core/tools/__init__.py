"""Tool calling: Python callables (or explicit specs) as tools the model may call.

:mod:`llm_core.tools.spec` turns a callable's signature and docstring into a JSON schema through
the structured-output schema machinery (pydantic) and validates the model's arguments against it.
Part of the plugin-author API: a provider decodes a call's arguments with :func:`arguments_of`.
"""

from llm_core import lazy

# loaded on first use: the fallback layer needs only llm_core.tools.support at discovery
__getattr__, __dir__ = lazy.exports(
    __name__,
    {
        "Tool": "llm_core.tools.spec",
        "arguments_of": "llm_core.tools.wire",
        "to_tool": "llm_core.tools.spec",
        "to_tools": "llm_core.tools.spec",
    },
)

__all__ = ["Tool", "arguments_of", "to_tool", "to_tools"]
