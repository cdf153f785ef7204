"""Package namespaces whose names load on first use (PEP 562).

``__getattr__, __dir__ = lazy.exports(__name__, {"Name": "package.module", ...})`` in a
package's ``__init__``: ``from package import Name`` and ``package.Name`` work as usual, but
the module defining ``Name`` is imported only when someone asks for it. So importing one light
module of a package (``llm_core.http.shapes``, ``llm_core.tools.support``) does not run the
heavy rest (httpx2, pydantic schemas) at plugin discovery.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["exports"]


def exports(
    package: str, homes: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The ``__getattr__`` and ``__dir__`` of ``package``; ``homes`` maps each name to the
    module that defines it."""

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home), name)
        setattr(sys.modules[package], name, value)  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*vars(sys.modules[package]), *homes})

    return __getattr__, __dir__
