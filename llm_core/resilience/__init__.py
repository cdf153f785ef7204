"""The core's resilience plugins: retry, fallback and caching as wrappers of adapter resolution."""
