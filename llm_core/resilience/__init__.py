"""The core's resilience plugins: retry, cooldown, fallback, caches and observation, each a
wrapper of adapter resolution registered under its own name (see ``plugins.core_plugins`` and
``specs/resilience.md``)."""
