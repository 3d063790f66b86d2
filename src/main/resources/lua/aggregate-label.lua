-- AggregateLabels.SCRIPT (sent by io.catalog.service.AggregateLabels)
-- KEYS[1] the labels issued for one page or summary: a hash of 'e:<ETag>' -> the label of that body, 'h' -> the
-- highest label issued, 'b' -> the base every label is at least.
-- ARGV computed version (the newest sequence the body includes), ETag, ttl ms, bodies kept, a base for a new hash
-- (above every sequence handed out before: a lost hash's labels included) or 0, a label reserved above the highest
-- issued (after a reply asking for one) or 0.
-- Returns {label}: the one the body was given before, unless it is below the computed version (the same body again
-- after changes that left it as it was: it is given a new one); else the computed version (at least the base) when
-- that is above every label issued; else the reserved label when it is. {-2} when there is no hash and no base was given;
-- {-3, highest label issued} when a label must be reserved above it (call again with one). The hash lives ttl ms after
-- its last use; past twice the bodies kept, those with the lowest labels are dropped down to the bodies kept (never
-- the one just labelled).
local base = redis.call('HGET', KEYS[1], 'b')
if not base then
  if tonumber(ARGV[5]) == 0 then return {-2} end
  base = ARGV[5]
  redis.call('HSET', KEYS[1], 'b', base)
end
local body = 'e:' .. ARGV[2]
local given = redis.call('HGET', KEYS[1], body)
if given and tonumber(given) >= tonumber(ARGV[1]) then
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return {tonumber(given)}
end
local highest = tonumber(redis.call('HGET', KEYS[1], 'h') or '0')
local label = math.max(tonumber(ARGV[1]), tonumber(base))
if label <= highest then
  label = tonumber(ARGV[6])
  if label <= highest then
    redis.call('PEXPIRE', KEYS[1], ARGV[3])
    return {-3, highest}
  end
end
local text = string.format('%d', label)
redis.call('HSET', KEYS[1], body, text, 'h', text)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
local kept = tonumber(ARGV[4])
if redis.call('HLEN', KEYS[1]) > 2 * kept + 2 then
  local fields = redis.call('HGETALL', KEYS[1])
  local bodies = {}
  for i = 1, #fields, 2 do
    if string.sub(fields[i], 1, 2) == 'e:' and fields[i] ~= body then
      table.insert(bodies, {fields[i], tonumber(fields[i + 1])})
    end
  end
  table.sort(bodies, function(a, b) return a[2] < b[2] end)
  for i = 1, #bodies - kept + 1 do
    redis.call('HDEL', KEYS[1], bodies[i][1])
  end
end
return {label}
