"""The Lua scripts that make a lease or a token bucket one atomic step on the Redis server.

Each script reads the server's clock (``TIME``), so every client agrees on it whatever its own
clock says. Replies that are fractions come back as strings (Redis turns a Lua number into an
integer).
"""

from __future__ import annotations

__all__ = ["ACQUIRE", "COUNTS", "TAKE"]

_NOW = """
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
"""

#: KEYS[1] the lease set (a sorted set member -> expiry); ARGV member, limit ('' = none), ttl s.
ACQUIRE = (
    _NOW
    + """
local ttl = tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local limit = tonumber(ARGV[2])
if limit and redis.call('ZCARD', KEYS[1]) >= limit then return 0 end
redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
local keep = math.ceil(ttl * 1000) + 1000
if redis.call('PTTL', KEYS[1]) < keep then redis.call('PEXPIRE', KEYS[1], keep) end
return 1
"""
)

#: KEYS the lease sets; the number of live leases in each.
COUNTS = (
    _NOW
    + """
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', key, '(' .. now, '+inf') end
return out
"""
)

#: KEYS[1] the bucket (a hash: tokens, stamp); ARGV rate /s, burst, cost, force (1/0). The wait
#: in seconds. A cost <= 0 refunds; force may leave a debt; never more than burst. The key
#: expires once the bucket would be full again.
TAKE = (
    _NOW
    + """
local rate, burst, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local b = redis.call('HMGET', KEYS[1], 'tokens', 'stamp')
local tokens, stamp = tonumber(b[1]) or burst, tonumber(b[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - stamp) * rate)
local wait = 0
if tokens >= cost or cost <= 0 or ARGV[4] == '1' then
  tokens = math.min(burst, tokens - cost)
else
  wait = (cost - tokens) / rate
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'stamp', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(math.max(burst, burst - tokens) / rate * 1000) + 1000)
return tostring(wait)
"""
)
