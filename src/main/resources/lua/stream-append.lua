-- RedisStreamSink.APPEND (sent by io.catalog.events.RedisStreamSink)
-- KEYS[1] the stream, KEYS[2] the acks stream, KEYS[3] the stream's high-water mark (the highest sequence appended),
-- KEYS[4..] the events' markers; ARGV[1] the stream's length, ARGV[2] the markers' life in seconds, then each event's
-- JSON, then each event's summaries ('' for none), then each event's sequence, then each event's product id; the
-- events in ascending order of sequence; then '1' to append the events late or not (the relay's last round), or '0'.
-- Answers, per event:
-- - <entry id>|<newest acks id when it was appended>: appended now, or what its marker holds;
-- - late|<high-water mark>: not appended because its sequence is not above the highest appended (a change made at
--   once on another pod took a higher sequence and was appended first), and so every later event of the same
--   product: the writer moves them to new sequences and appends them again. So the stream's sequences strictly
--   increase;
-- - expired: no marker, but a later event of the same product has one: it was appended before its later one and its
--   marker has expired since (appending it again would put an older state after a newer one).
local n = #KEYS - 3
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local acks = newest[1] and newest[1][1] or '0-0'
local high = tonumber(redis.call('GET', KEYS[3]) or '0')
local stored = high
local marked = {}
local lastMarked = {}
for i = 1, n do
  marked[i] = redis.call('GET', KEYS[i + 3])
  if marked[i] then
    lastMarked[ARGV[i + 2 + 3 * n]] = i
  end
end
local refused = {}
local ids = {}
for i = 1, n do
  local id = marked[i]
  local sequence = tonumber(ARGV[i + 2 + 2 * n])
  local product = ARGV[i + 2 + 3 * n]
  if not id then
    if (lastMarked[product] or 0) > i then
      id = 'expired'
    elseif ARGV[3 + 4 * n] ~= '1' and (refused[product] or sequence <= high) then
      refused[product] = true
      id = 'late|' .. string.format('%d', high)
    else
      local fields = {'event', ARGV[i + 2]}
      local summaries = ARGV[i + 2 + n]
      if summaries ~= '' then
        fields[3] = 'summaries'
        fields[4] = summaries
      end
      fields[#fields + 1] = 'acks'
      fields[#fields + 1] = acks
      id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields)) .. '|' .. acks
      redis.call('SET', KEYS[i + 3], id, 'EX', ARGV[2])
      if sequence > high then
        high = sequence
      end
    end
  end
  ids[i] = id
end
if high > stored then
  redis.call('SET', KEYS[3], string.format('%d', high))
end
return ids
