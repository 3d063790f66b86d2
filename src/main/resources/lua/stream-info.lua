-- StreamInfo.SCRIPT (sent by io.catalog.events.StreamInfo)
-- KEYS[1] the stream: {entries-added, length, last-generated-id, max-deleted-entry-id}, or {} when missing.
local ok, info = pcall(redis.call, 'XINFO', 'STREAM', KEYS[1])
if not ok then return {} end
local r = {}
for i = 1, #info, 2 do r[info[i]] = info[i + 1] end
return {tostring(r['entries-added'] or -1), tostring(r['length']), r['last-generated-id'],
  r['max-deleted-entry-id'] or '0-0'}
