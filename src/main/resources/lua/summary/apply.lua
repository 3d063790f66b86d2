-- RedisSummaries.APPLY (sent by io.catalog.summary.RedisSummaries), after prelude.lua
-- KEYS[1] prices, KEYS[2] seqs, KEYS[3] meta of one category (RedisSummaries' javadoc has the structure).
-- ARGV: mode (e event, r repair), label (event: 0 or a relabel; repair: its reserved sequence), ttl ms, settle ms,
-- empty ttl ms, the settle deadline this repair ends (or 0), then per change: product id, sequence, price in minor
-- units or - (not in this category).
local mode, label = ARGV[1], tonumber(ARGV[2])
local isBuilt = built()
local v0 = 0
if isBuilt then v0 = tonumber(redis.call('HGET', meta, 'v')) end
local state, todo = {}, {}
local top, late, changed = 0, false, false
for i = 7, #ARGV, 3 do
  local id, seq, text = ARGV[i], tonumber(ARGV[i + 1]), ARGV[i + 1]
  local new = false
  if ARGV[i + 2] ~= '-' then new = tonumber(ARGV[i + 2]) end
  local s = state[id]
  if not s then
    local score = redis.call('ZSCORE', prices, id)
    s = {tonumber(redis.call('HGET', seqs, id) or '0'), score and tonumber(score) or false}
    state[id] = s
  end
  if seq > s[1] then
    local changes = new ~= s[2]
    s[1], s[2] = seq, new
    todo[#todo + 1] = {id, text, new}
    if seq > top then top = seq end
    if changes then
      changed = true
      if seq < v0 then late = true end
    end
  end
end
local v = math.max(v0, top)
if isBuilt and changed and (late or mode == 'r') then
  if label <= v then return {'relabel', string.format('%.0f', v)} end
  v = label
end
if not isBuilt and mode == 'r' then
  for _, applied in ipairs(redis.call('HVALS', seqs)) do v = math.max(v, tonumber(applied)) end
  v = math.max(v, label)
end
for _, t in ipairs(todo) do
  local old = redis.call('ZSCORE', prices, t[1])
  if isBuilt and old then redis.call('HINCRBY', meta, 's', -tonumber(old)) end
  if t[3] then
    redis.call('ZADD', prices, t[3], t[1])
    if isBuilt then redis.call('HINCRBY', meta, 's', t[3]) end
  else
    redis.call('ZREM', prices, t[1])
  end
  redis.call('HSET', seqs, t[1], t[2])
end
if not isBuilt then
  if mode == 'e' then
    if #todo > 0 then redis.call('PEXPIRE', prices, ARGV[3]); redis.call('PEXPIRE', seqs, ARGV[3]) end
    return {'missing'}
  end
  local sum = 0
  local all = redis.call('ZRANGE', prices, 0, -1, 'WITHSCORES')
  for i = 2, #all, 2 do sum = sum + tonumber(all[i]) end
  redis.call('HSET', meta, 's', string.format('%.0f', sum))
  if tonumber(ARGV[4]) > 0 then
    redis.call('HSET', meta, 'u', string.format('%.0f', now() + tonumber(ARGV[4])))
  end
elseif mode == 'r' and ARGV[6] ~= '0' and redis.call('HGET', meta, 'u') == ARGV[6] then
  redis.call('HDEL', meta, 'u')
elseif #todo == 0 and mode == 'e' then
  return summary('duplicate')
end
local n = redis.call('ZCARD', prices)
redis.call('HSET', meta, 'n', n, 'v', string.format('%.0f', v))
local ttl = ARGV[3]
if n == 0 then ttl = ARGV[5] end
redis.call('PEXPIRE', prices, ttl)
redis.call('PEXPIRE', seqs, ttl)
redis.call('PEXPIRE', meta, ttl)
return summary('applied')
