const PRELUDE = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function ensure_epoch(epoch_key, seq_key, candidate)
  local epoch = redis.call('GET', epoch_key)
  if epoch then return epoch end
  redis.call('SET', epoch_key, candidate)
  redis.call('SET', seq_key, string.format('%.0f', now_ms() * 1000))
  return candidate
end
local function seq_of(entry_id)
  return tonumber(string.match(entry_id, '^(%d+)'))
end
`;
export const PUBLISH_SCRIPT = `${PRELUDE}
local epoch = ensure_epoch(KEYS[1], KEYS[2], ARGV[1])
local now = now_ms()
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local id = string.format('%.0f', math.max(last + 1, now * 1000))
redis.call('SET', KEYS[2], id)
if #KEYS == 3 then
  local stream = KEYS[3]
  local ttl = tonumber(ARGV[5])
  redis.call('XADD', stream, id .. '-0', 'm', ARGV[3])
  local excess = redis.call('XLEN', stream) - tonumber(ARGV[4])
  if excess > 0 then
    for _, e in ipairs(redis.call('XRANGE', stream, '-', '+', 'COUNT', excess)) do
      redis.call('XDEL', stream, e[1])
    end
  end
  local cutoff = string.format('%.0f', (now - ttl) * 1000)
  for _, e in ipairs(redis.call('XRANGE', stream, '-', '(' .. cutoff .. '-0', 'COUNT', 1000)) do
    redis.call('XDEL', stream, e[1])
  end
  redis.call('PEXPIRE', stream, ttl)
end
redis.call('PUBLISH', ARGV[2], id .. '\\n' .. epoch .. '\\n' .. ARGV[3])
return { id, epoch }
`;
export const READ_SCRIPT = `${PRELUDE}
local epoch = ensure_epoch(KEYS[1], KEYS[2], ARGV[1])
local head = redis.call('GET', KEYS[2]) or '0'
if ARGV[2] == '' then return { 'ok', epoch, head } end
local all = ARGV[2] == '*'
local cursor = tonumber(ARGV[3])
if not all and (ARGV[2] ~= epoch or cursor > tonumber(head)) then
  return { 'unknown_cursor', epoch, head }
end
if ARGV[5] ~= '1' then
  if all or cursor == tonumber(head) then return { 'ok', epoch, head } end
  return { 'history_gap', epoch, head }
end
local cutoff = (now_ms() - tonumber(ARGV[4])) * 1000
local result = { 'ok', epoch, head }
for i = 3, #KEYS do
  local stream = KEYS[i]
  if redis.call('EXISTS', stream) == 0 then
    if not all and cursor < cutoff then return { 'history_gap', epoch, head } end
  else
    local info = redis.call('XINFO', 'STREAM', stream)
    for j = 1, #info, 2 do
      if not all and info[j] == 'max-deleted-entry-id'
        and seq_of(info[j + 1]) > cursor then
        return { 'history_gap', epoch, head }
      end
    end
    for _, e in ipairs(redis.call('XRANGE', stream, '(' .. ARGV[3] .. '-0', '+')) do
      if seq_of(e[1]) >= cutoff then
        result[#result + 1] = e[1]
        result[#result + 1] = e[2][2]
      elseif not all then
        return { 'history_gap', epoch, head }
      end
    end
  end
end
return result
`;
export const RESERVE_SCRIPT = `${PRELUDE}
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local max = tonumber(ARGV[3])
if max > 0 and redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
  and redis.call('ZCARD', KEYS[1]) >= max then
  return 0
end
-- GT also adds a missing member; it never shortens another stream's expiry.
local expires = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], 'GT', expires, ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', expires, ARGV[4])
redis.call('ZADD', KEYS[3], 'GT', expires, ARGV[5])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
`;
export const RELEASE_SCRIPT = `${PRELUDE}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms())
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZREM', KEYS[3], ARGV[5])
end
return 1
`;
export const LIVE_MEMBERS_SCRIPT = `${PRELUDE}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now_ms(), '+inf')
`;
export const LIVE_COUNT_SCRIPT = `${PRELUDE}
return redis.call('ZCOUNT', KEYS[1], '(' .. now_ms(), '+inf')
`;
