"""Download progress for models fetched from the Hugging Face Hub, drawn by llm-core's shared
:class:`llm_core.progress.ProgressBar` on standard error (the same bar as Ollama pulls).

``snapshot_download`` reports progress through a ``tqdm`` class it is given; ``huggingface_hub``'s
own bars hide themselves when standard error is not a terminal, so a first download of a few
gigabytes looks like a hang. :func:`download_progress` returns a ``tqdm`` subclass that draws
nothing itself and forwards the byte counts to one ``ProgressBar`` labelled with the model: a
redrawn line on a terminal, one plain line in a log. ``LLM_CORE_PROGRESS=0`` (or
``HF_HUB_DISABLE_PROGRESS_BARS=1``) turns it off.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import Any

__all__ = ["announce", "download_progress", "progress_enabled"]

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


def download_progress(label: str) -> tuple[type | None, Callable[[], None]]:
    """(a tqdm class for ``snapshot_download``, a function that ends the bar); None when off."""
    if not progress_enabled():
        return None, lambda: None
    from tqdm.std import tqdm

    from llm_core.progress import ProgressBar

    bar = ProgressBar()
    bar.update(label)  # at once: in a log this is the one line the download gets
    finished = False

    def finish() -> None:
        """End the bar; later redraws are ignored."""
        nonlocal finished
        if not finished:
            finished = True  # tqdm objects may still redraw when collected: ignore them
            bar.close()

    class ModelProgress(tqdm):  # type: ignore[misc,valid-type]
        """A silent tqdm that forwards byte progress to the shared llm-core bar."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            kwargs.pop("name", None)  # huggingface_hub's own bars take it, tqdm does not
            kwargs.update(file=io.StringIO(), disable=False, mininterval=0.1)
            super().__init__(*args, **kwargs)

        def display(self, msg: str | None = None, pos: int | None = None) -> bool:
            """Forward byte counts to the shared bar instead of drawing."""
            if self.unit == "B" and self.total and not finished:
                bar.update(label, int(self.n), int(self.total))
            return True

    return ModelProgress, finish
