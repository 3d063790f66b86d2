-- RedisSummaries.READ (sent by io.catalog.summary.RedisSummaries), after prelude.lua
-- KEYS[1] prices, KEYS[2] seqs, KEYS[3] meta: {'missing'} or the summary (see summary() in the prelude).
if not built() then return {'missing'} end
return summary('ok')
