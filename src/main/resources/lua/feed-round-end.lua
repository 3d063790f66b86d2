-- StreamInfo.ROUND_END (sent by io.catalog.events.StreamInfo, for io.catalog.events.FeedConsumer)
-- The end of a feed round in one round trip: the stream's counts, as stream-info.lua reads them, and, unless they
-- show that entries the pod had not read were removed, the pod's acknowledgement of its position (an XADD to the
-- acks stream, as PodAcks#acknowledge sends it). The gap rule is FeedPosition#observe's; where this script cannot
-- tell (no stream, a Redis without entries-added), it acknowledges nothing and the pod decides.
-- KEYS[1] the events stream; KEYS[2] the acks stream (the same hash slot)
-- ARGV[1] the position before the round's read; ARGV[2] the entries the stream had received up to it (-1: unknown);
-- ARGV[3] the position after the read; ARGV[4] '1': acknowledge, '0': only if the position is the stream's newest
-- entry (the read returned as many entries as it asked for); ARGV[5] the pod's id; ARGV[6] the acks stream's
-- approximate maximum length
-- Returns {entries-added, length, last-generated-id, max-deleted-entry-id, the acknowledgement's id or ''},
-- or {} when the stream is missing.
local ok, info = pcall(redis.call, 'XINFO', 'STREAM', KEYS[1])
if not ok then return {} end
local r = {}
for i = 1, #info, 2 do r[info[i]] = info[i + 1] end
local deleted = r['max-deleted-entry-id'] or '0-0'
local state = {tostring(r['entries-added'] or -1), tostring(r['length']), r['last-generated-id'], deleted, ''}

local function parts(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  if ms == nil then return tonumber(id), 0 end
  return tonumber(ms), tonumber(seq)
end
local function after(a, b)
  local am, as = parts(a)
  local bm, bs = parts(b)
  return am > bm or (am == bm and as > bs)
end

local added = r['entries-added']
local before = tonumber(ARGV[2])
if added == nil or before < 0 then return state end
local gap = after(deleted, ARGV[1]) or added < before or added - r['length'] > before
local wanted = ARGV[4] == '1' or ARGV[3] == r['last-generated-id']
if not gap and wanted then
  state[5] = redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[6], '*', 'pod', ARGV[5], 'position', ARGV[3])
end
return state
