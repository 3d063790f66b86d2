-- AggregateLabels.SCRIPT (sent by io.catalog.service.AggregateLabels)
-- KEYS[1] the labels issued for one page or summary: a hash, label -> the ETag of the one body it names.
-- ARGV computed version (the newest sequence the body includes), ETag, ttl ms, labels kept, most labels walked.
-- Returns the label to serve: the lowest label from the computed version up that names this body already or names no
-- body yet (then recorded for this one); -1 when more than the most walked name other bodies. The hash lives ttl ms
-- after its last use; past twice the labels kept, the lowest are dropped down to the labels kept (never the one just
-- recorded).
local label = tonumber(ARGV[1])
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
redis.call('HSET', KEYS[1], string.format('%d', label), etag)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local kept = tonumber(ARGV[4])
if redis.call('HLEN', KEYS[1]) > 2 * kept then
  local labels = redis.call('HKEYS', KEYS[1])
  table.sort(labels, function(a, b) return tonumber(a) < tonumber(b) end)
  local this = string.format('%d', label)
  for i = 1, #labels - kept do
    if labels[i] ~= this then redis.call('HDEL', KEYS[1], labels[i]) end
  end
end
return label
