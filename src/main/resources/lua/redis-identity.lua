-- RedisIdentity.CHECK (sent by io.catalog.events.RedisIdentity)
-- KEYS[1] the stream (for its slot), KEYS[2] the incarnation key: run_id, Redis' time (ms) and the incarnation's start.
local info = redis.call('INFO', 'server')
local runid = string.match(info, 'run_id:(%w+)') or ''
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local since = now
local current = redis.call('GET', KEYS[2])
local bar = current and string.find(current, '|', 1, true)
if bar and string.sub(current, 1, bar - 1) == runid then
  since = tonumber(string.sub(current, bar + 1))
else
  redis.call('SET', KEYS[2], runid .. '|' .. now)
end
return {runid, tostring(now), tostring(since)}
