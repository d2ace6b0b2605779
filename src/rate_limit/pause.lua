-- A 429: every caller of the account pauses until Retry-After has passed, and the
-- bucket counts as empty now (as the API's is), so it refills from here.
-- KEYS[1], KEYS[2], ARGV[1], ARGV[2]: as in acquire.lua
-- ARGV[3]: the pause, in µs
if redis.replicate_commands then redis.replicate_commands() end
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local tolerance = tonumber(ARGV[1]) * tonumber(ARGV[2])
local pause = tonumber(ARGV[3])
local until_us = now + pause
local paused = tonumber(redis.call('GET', KEYS[2]) or '') or 0
if paused < until_us then
  redis.call('SET', KEYS[2], string.format('%.3f', until_us), 'PX', math.ceil(pause / 1000) + 1000)
end
local empty = now + tolerance
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or 0
if tat < empty then
  redis.call('SET', KEYS[1], string.format('%.3f', empty), 'PX', math.ceil(tolerance / 1000) + 1000)
end
return 0
