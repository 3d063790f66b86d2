-- RedisStreamSink.APPEND (sent by io.catalog.events.RedisStreamSink)
-- KEYS[1] the stream, KEYS[2] the acks stream, KEYS[3] the incarnation key (RedisIdentity), KEYS[4..] the events'
-- markers; ARGV[1] the stream's length, ARGV[2] the markers' life in seconds, ARGV[3] the incarnation whose L2 key
-- space the writer's markers went to, as the incarnation key held it (run_id|since; '' when it has none), then each
-- event's JSON, then each event's summaries ('' for none). Answers, per event,
-- <entry id>|<newest acks id when it was appended>: appended now, or what its marker holds; an error INCARNATION
-- <run_id> and nothing appended when this Redis is another incarnation (another run_id, or the same one back after a
-- failover and a failback: the incarnation key was rewritten). Each entry holds 'at', Redis' clock at the append in
-- microseconds (the id's time is whole milliseconds): the feed's delivery timer.
if ARGV[3] ~= '' then
  local runid = string.match(redis.call('INFO', 'server'), 'run_id:(%w+)') or ''
  if runid ~= string.match(ARGV[3], '^(%w+)|') or redis.call('GET', KEYS[3]) ~= ARGV[3] then
    return redis.error_reply('INCARNATION ' .. runid)
  end
end
local n = #KEYS - 3
local time = redis.call('TIME')
local at = time[1] .. string.format('%06d', tonumber(time[2]))
local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
local acks = newest[1] and newest[1][1] or '0-0'
local ids = {}
for i = 1, n do
  local id = redis.call('GET', KEYS[i + 3])
  if not id then
    local fields = {'event', ARGV[i + 3]}
    local summaries = ARGV[i + 3 + n]
    if summaries ~= '' then
      fields[3] = 'summaries'
      fields[4] = summaries
    end
    fields[#fields + 1] = 'acks'
    fields[#fields + 1] = acks
    fields[#fields + 1] = 'at'
    fields[#fields + 1] = at
    id = redis.call('XADD', KEYS[1], 'MAXLEN', '~', ARGV[1], '*', unpack(fields)) .. '|' .. acks
    redis.call('SET', KEYS[i + 3], id, 'EX', ARGV[2])
  end
  ids[i] = id
end
return ids
