-- One request's turn in an account's bucket (GCRA, the leaky bucket as a meter),
-- reserved atomically on Redis's own clock. The caller sleeps for the answer.
-- KEYS[1]: the bucket's theoretical arrival time, in µs of Redis's clock
-- KEYS[2]: the time until which every caller pauses (set after a 429), in µs
-- ARGV[1]: the emission interval, in µs (1e6 / requests per second)
-- ARGV[2]: the burst, in requests
-- Answers how many µs the caller waits before sending.
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local interval = tonumber(ARGV[1])
local tolerance = interval * tonumber(ARGV[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local new_tat = tat + interval
local start = new_tat - tolerance
local paused = tonumber(redis.call('GET', KEYS[2]) or '') or 0
if paused > start then start = paused end
redis.call('SET', KEYS[1], string.format('%.3f', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1000)
if start <= now then return 0 end
return math.ceil(start - now)
