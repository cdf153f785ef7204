"""Settings: constructor arguments, then ``LLM_CORE_*`` environment variables, then ``.env``.

Nested values use ``__``: ``LLM_CORE_TIMEOUTS__READ=120``, ``LLM_CORE_RETRY__MAX_ATTEMPTS=5``.
Lists are JSON: ``LLM_CORE_FALLBACKS='[{"provider": "ollama", "model": "llama3.2"}]'``.
An invalid value raises :class:`~llm_core.errors.ConfigurationError` naming the field, the bad
value (never a secret's) and the environment variable that sets it.
"""

from llm_core.config.sections import (
    CacheSettings,
    CooldownSettings,
    ImageSettings,
    RetrySettings,
    Timeouts,
)
from llm_core.config.settings import ENV_PREFIX, ProviderConfig, Settings, load_settings
from llm_core.limits import Limits

__all__ = [
    "ENV_PREFIX",
    "CacheSettings",
    "CooldownSettings",
    "ImageSettings",
    "Limits",
    "ProviderConfig",
    "RetrySettings",
    "Settings",
    "Timeouts",
    "load_settings",
]
