"""Observation: the :class:`Observer` every layer reports to (:mod:`.dispatch`: which hooks
to call, and calling them safely), and the ``llm_core.observe`` plugin (:mod:`.plugin`: the
layer that reports each attempt at a bare adapter).
"""

from llm_core.resilience.observe.dispatch import Observer, ObserverWarning
from llm_core.resilience.observe.plugin import (
    AsyncObservingAdapter,
    ObservePlugin,
    Observing,
    ObservingAdapter,
)

__all__ = [
    "AsyncObservingAdapter",
    "ObservePlugin",
    "Observer",
    "ObserverWarning",
    "Observing",
    "ObservingAdapter",
]
