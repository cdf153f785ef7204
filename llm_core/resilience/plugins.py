"""The named resilience plugins the core registers on itself."""

from __future__ import annotations

from typing import Any

__all__ = ["core_plugins"]


def core_plugins() -> dict[str, Any]:
    """The core's own resilience plugins by registration name (block one to change policy)."""
    return {}
