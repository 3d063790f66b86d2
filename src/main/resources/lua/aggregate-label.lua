-- AggregateLabels.SCRIPT (sent by io.catalog.service.AggregateLabels)
-- KEYS[1] the labels issued for one page or summary: a hash, label -> the ETag of the one body it names, and field
-- 'b', the base its labels start from.
-- ARGV computed version (the newest sequence the body includes), ETag, ttl ms, labels kept, most labels walked, and
-- a base for a new hash (above every label a lost hash of the same name could have issued), or 0 for none known.
-- Returns the label to serve: the lowest label from the computed version (at least the base) up that names this body
-- already or names no body yet (then recorded for this one); -1 when more than the most walked name other bodies; -2
-- when there is no hash and no base was given (call again with one). The hash lives ttl ms after its last use; past
-- twice the labels kept, the lowest are dropped down to the labels kept (never the one just recorded).
local base = redis.call('HGET', KEYS[1], 'b')
if not base then
  if tonumber(ARGV[6]) == 0 then return -2 end
  base = ARGV[6]
  redis.call('HSET', KEYS[1], 'b', base)
end
local label = math.max(tonumber(ARGV[1]), tonumber(base))
local etag = ARGV[2]
local walked = 0
while true do
  local named = redis.call('HGET', KEYS[1], string.format('%d', label))
  if not named then break end
  if named == etag then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return label
  end
  walked = walked + 1
  if walked > tonumber(ARGV[5]) then return -1 end
  label = label + 1
end
local this = string.format('%d', label)
redis.call('HSET', KEYS[1], this, etag)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local kept = tonumber(ARGV[4])
if redis.call('HLEN', KEYS[1]) > 2 * kept + 1 then
  local labels = redis.call('HKEYS', KEYS[1])
  local numbered = {}
  for _, l in ipairs(labels) do
    if l ~= 'b' then table.insert(numbered, l) end
  end
  table.sort(numbered, function(a, b) return tonumber(a) < tonumber(b) end)
  for i = 1, #numbered - kept do
    if numbered[i] ~= this then redis.call('HDEL', KEYS[1], numbered[i]) end
  end
end
return label
