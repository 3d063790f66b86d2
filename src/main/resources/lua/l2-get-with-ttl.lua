-- L2Cache.GET_WITH_TTL (sent by io.catalog.cache.L2Cache)
-- KEYS[1] entry: the entry and its remaining time to live in milliseconds.
local v = redis.call('GET', KEYS[1])
if not v then return nil end
return {v, redis.call('PTTL', KEYS[1])}
