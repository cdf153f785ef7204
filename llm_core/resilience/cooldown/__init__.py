"""Cooldown: skip a provider that keeps failing, for a while (the ``llm_core.cooldown`` plugin).

:mod:`.breaker` holds the rules (a circuit breaker per provider, sans-IO); :mod:`.plugin` the
layer that asks it before every call and tells it how the call ended.
"""

from llm_core.resilience.cooldown.breaker import (
    COOLDOWNS,
    Admission,
    CooldownError,
    CooldownRegistry,
    counts_as_failure,
)
from llm_core.resilience.cooldown.plugin import (
    AsyncCooldownAdapter,
    CooldownAdapter,
    CooldownGate,
    CooldownPlugin,
)

__all__ = [
    "COOLDOWNS",
    "Admission",
    "AsyncCooldownAdapter",
    "CooldownAdapter",
    "CooldownError",
    "CooldownGate",
    "CooldownPlugin",
    "CooldownRegistry",
    "counts_as_failure",
]
