"""Tool calling: Python callables (or explicit specs) as tools the model may call.

:mod:`llm_core.tools.spec` turns a callable's signature and docstring into a JSON schema through
the structured-output schema machinery (pydantic) and validates the model's arguments against it.
Part of the plugin-author API: a provider decodes a call's arguments with :func:`arguments_of`.
"""

from llm_core.tools.spec import Tool, to_tool, to_tools
from llm_core.tools.wire import arguments_of

__all__ = ["Tool", "arguments_of", "to_tool", "to_tools"]
