-- RedisSummaries.PRELUDE (sent by io.catalog.summary.RedisSummaries)
-- Prepended to apply.lua and read.lua: KEYS[1] prices, KEYS[2] seqs, KEYS[3] meta.
local prices, seqs, meta = KEYS[1], KEYS[2], KEYS[3]
local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function built()
  local n = redis.call('HGET', meta, 'n')
  if not n then return false end
  if tonumber(n) ~= redis.call('ZCARD', prices) or redis.call('HLEN', seqs) < tonumber(n) then
    redis.call('DEL', prices, seqs, meta)
    return false
  end
  return true
end
local function summary(status)
  local m = redis.call('HMGET', meta, 'v', 'n', 's', 'u')
  local low = redis.call('ZRANGE', prices, 0, 0, 'WITHSCORES')
  local high = redis.call('ZRANGE', prices, -1, -1, 'WITHSCORES')
  return {status, m[1], m[2], m[3], low[2] or '0', high[2] or '0', m[4] or '0', string.format('%.0f', now())}
end
