/**
 * Lua scripts of the Redis transport. Each runs atomically, so a message's
 * id, its history entry and its fan-out notification happen in one step, and
 * a history read sees the head it was read at.
 *
 * Sequence numbers are `max(previous + 1, redisTimeMs * 1000)`: they increase
 * across the cluster and carry the time they were issued, which is how a read
 * tells a target whose history expired entirely (a missing key) from one
 * that never had anything after the cursor.
 * @internal
 */

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
-- A sliding-window log: 0 when the hit is counted, else ms until one would be.
local function rate_hit(key, limit, window, member, now)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  if redis.call('ZCARD', key) >= limit then
    local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
    return math.max(1, tonumber(oldest[2]) + window - now)
  end
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return 0
end
`;

/**
 * KEYS: epoch, seq[, history stream][, idempotency key]. ARGV: candidate
 * epoch, channel, body, history size, history ttl (ms), createdAt (ms) with
 * an idempotency key, else ''. Returns { seq, epoch }; or, when the
 * idempotency key already published a message within the ttl, that
 * message's { seq, epoch, createdAt }, and nothing is published.
 */
export const PUBLISH_SCRIPT = `${PRELUDE}
local idem = ARGV[6] ~= '' and KEYS[#KEYS]
if idem then
  local first = redis.call('GET', idem)
  if first then
    local seq, epoch, created = string.match(first, '^(%d+) (%x+) (%d+)$')
    return { seq, epoch, created }
  end
end
local epoch = ensure_epoch(KEYS[1], KEYS[2], ARGV[1])
local now = now_ms()
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
local id = string.format('%.0f', math.max(last + 1, now * 1000))
redis.call('SET', KEYS[2], id)
if #KEYS - (idem and 1 or 0) == 3 then
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
if idem then
  redis.call('SET', idem, id .. ' ' .. epoch .. ' ' .. ARGV[6], 'PX', ARGV[5])
end
return { id, epoch }
`;

/**
 * KEYS: epoch, seq. ARGV: candidate epoch, the instance's own channel, the
 * canary's body. Publishes the canary and returns the epoch, so that every
 * instance sees a loss of Redis's data within one canary, even when idle.
 */
export const CANARY_SCRIPT = `${PRELUDE}
local epoch = ensure_epoch(KEYS[1], KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return epoch
`;

/**
 * KEYS: epoch, seq, history streams... ARGV: candidate epoch, cursor epoch
 * ('' to read only the head, '*' for everything retained, never a gap),
 * cursor seq, history ttl (ms), history on ('1'/'0').
 * Returns { status, epoch, head, entryId, body, entryId, body... } where
 * status is 'ok', 'unknown_cursor' or 'history_gap'. Trimming uses XDEL, so
 * a stream's max-deleted-entry-id is the newest message it lost.
 */
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

/**
 * KEYS: the user's streams (zset), the tenant's online users (zset), every
 * online user (zset)[, the user's connect-rate log (zset)]. ARGV: client id,
 * ttl (ms), max streams per user (0 = no cap), user id, tenant-scoped user
 * key[, rate limit, rate window (ms)]. Returns 1 when reserved, 0 when full,
 * and with the rate log, -ms when the user's connect rate is over its limit
 * (the client id is the hit; a refused connect is not counted).
 */
export const RESERVE_SCRIPT = `${PRELUDE}
local now = now_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local max = tonumber(ARGV[3])
if max > 0 and redis.call('ZSCORE', KEYS[1], ARGV[1]) == false
  and redis.call('ZCARD', KEYS[1]) >= max then
  return 0
end
if KEYS[4] then
  local wait = rate_hit(KEYS[4], tonumber(ARGV[6]), tonumber(ARGV[7]), ARGV[1], now)
  if wait > 0 then return -wait end
end
-- GT also adds a missing member; it never shortens another stream's expiry.
local expires = now + tonumber(ARGV[2])
redis.call('ZADD', KEYS[1], 'GT', expires, ARGV[1])
redis.call('ZADD', KEYS[2], 'GT', expires, ARGV[4])
redis.call('ZADD', KEYS[3], 'GT', expires, ARGV[5])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1
`;

/**
 * Refreshes many streams at once, as RESERVE_SCRIPT without a cap does for
 * one. KEYS: for each stream its user's streams, its tenant's online users
 * and every online user (three keys each). ARGV: ttl (ms), then for each
 * stream its client id, user id and tenant-scoped user key. Keys shared by
 * several streams (a tenant's online users, every online user) get one ZADD
 * with all their members and one PEXPIRE. Expired members are left to the
 * next reserve or release of their key (every count ignores them). Returns
 * the number of streams.
 */
export const REFRESH_SCRIPT = `${PRELUDE}
local now = now_ms()
local ttl = tonumber(ARGV[1])
local expires = now + ttl
local members = {}
local order = {}
local function add(key, member)
  local list = members[key]
  if not list then
    list = {}
    members[key] = list
    order[#order + 1] = key
  end
  list[#list + 1] = expires
  list[#list + 1] = member
end
local streams = #KEYS / 3
for i = 0, streams - 1 do
  for j = 1, 3 do add(KEYS[i * 3 + j], ARGV[i * 3 + j + 1]) end
end
for _, key in ipairs(order) do
  redis.call('ZADD', key, 'GT', unpack(members[key]))
  redis.call('PEXPIRE', key, ttl)
end
return streams
`;

/** KEYS and ARGV as RESERVE_SCRIPT (max unused). Removes the stream; the user goes offline with its last stream. */
export const RELEASE_SCRIPT = `${PRELUDE}
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms())
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('ZREM', KEYS[2], ARGV[4])
  redis.call('ZREM', KEYS[3], ARGV[5])
end
return 1
`;

/** KEYS: one zset. Returns its members whose expiry is still ahead. */
export const LIVE_MEMBERS_SCRIPT = `${PRELUDE}
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now_ms(), '+inf')
`;

/** KEYS: one zset. Returns how many members are not expired. */
export const LIVE_COUNT_SCRIPT = `${PRELUDE}
return redis.call('ZCOUNT', KEYS[1], '(' .. now_ms(), '+inf')
`;

/**
 * KEYS: one rate limit's log for one caller (zset of hit times). ARGV:
 * limit, window (ms), a member unique to this hit. A sliding-window log:
 * hits older than the window are dropped; under the limit the hit is added
 * and the key expires with the window. Returns 0 when counted, otherwise the
 * milliseconds until the oldest hit leaves the window.
 */
export const RATE_SCRIPT = `${PRELUDE}
return rate_hit(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), ARGV[3], now_ms())
`;

/**
 * KEYS: the user's revocation. ARGV: notBefore (epoch ms), ttl (ms). Keeps
 * the later notBefore and the longer remaining lifetime of this and any
 * earlier revocation.
 */
export const REVOKE_SCRIPT = `
local previous = tonumber(redis.call('GET', KEYS[1]) or '0')
local remaining = redis.call('PTTL', KEYS[1])
local not_before = math.max(tonumber(ARGV[1]), previous)
local ttl = math.max(tonumber(ARGV[2]), remaining)
redis.call('SET', KEYS[1], string.format('%.0f', not_before), 'PX', ttl)
return 1
`;
