"""llm-core-redis: cooldowns, caches, in-flight leases and rate limits shared through Redis.

Install it and set ``LLM_CORE_STATE__URL=redis://host:6379/0``: llm-core loads the plugin from
its ``llm_core.state_stores`` entry points (one per URL scheme).
"""

from llm_core_redis.plugin import open_store, state_store
from llm_core_redis.store import RedisState

__all__ = ["RedisState", "open_store", "state_store"]
