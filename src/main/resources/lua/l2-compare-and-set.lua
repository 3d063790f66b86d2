-- L2Cache.CAS (sent by io.catalog.cache.L2Cache)
-- KEYS[1] entry; ARGV version, kind, rest-of-entry, ttl ms. Sets unless the current entry is newer, or is as new and
-- is not just a marker being replaced by the data of that same version.
local cur = redis.call('GET', KEYS[1])
local v = tonumber(ARGV[1])
if cur then
  local bar = string.find(cur, '|', 1, true)
  local cv = tonumber(string.sub(cur, 1, bar - 1))
  local ck = string.sub(cur, bar + 1, bar + 1)
  if cv > v or (cv == v and not (ck == 'I' and ARGV[2] ~= 'I')) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[2] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1
