"""Download progress for models fetched from the Hugging Face Hub, on standard error.

``huggingface_hub`` hides its bars when standard error is not a terminal; a first download of a
few gigabytes then looks like a hang. :func:`progress_bar_class` gives ``snapshot_download`` a
``tqdm`` class that always shows (sparingly, at most twice a second), labelled with the model.
``LLM_CORE_PROGRESS=0`` (or ``HF_HUB_DISABLE_PROGRESS_BARS=1``) turns the bars off.
"""

from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["announce", "progress_bar_class", "progress_enabled"]

_FALSE = {"0", "false", "no", "off"}
_TRUE = {"1", "true", "yes", "on"}


def progress_enabled() -> bool:
    """False when the user turned download progress off."""
    if os.environ.get("LLM_CORE_PROGRESS", "").strip().lower() in _FALSE:
        return False
    return os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS", "").strip().lower() not in _TRUE


def announce(message: str) -> None:
    """Print one status line to standard error (when progress output is on)."""
    if progress_enabled():
        print(f"llm-core-mlx: {message}", file=sys.stderr, flush=True)


def progress_bar_class(label: str) -> type | None:
    """A ``tqdm`` class whose bars are prefixed with ``label``; None when progress is off."""
    if not progress_enabled():
        return None
    from tqdm.auto import tqdm

    class ModelProgress(tqdm):  # type: ignore[misc,valid-type]
        """A tqdm bar that always shows, labelled with the model being downloaded."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)  # huggingface_hub's own bars take it, tqdm does not
            desc = kwargs.get("desc") or ""
            kwargs["desc"] = f"{label}: {desc}" if desc else label
            kwargs.setdefault("file", sys.stderr)
            kwargs.setdefault("mininterval", 0.5)
            kwargs["disable"] = False
            super().__init__(*args, **kwargs)

    return ModelProgress
