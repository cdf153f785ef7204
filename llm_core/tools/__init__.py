"""Tool calling: Python callables (or explicit specs) as tools the model may call.

:mod:`llm_core.tools.spec` turns a callable's signature and docstring into a JSON schema through
the structured-output schema machinery (pydantic) and validates the model's arguments against it.
"""

from llm_core.tools.spec import Tool, to_tool, to_tools

__all__ = ["Tool", "to_tool", "to_tools"]
