-- wrk script: single check-ins (POST /v1/stays), each a new guest, with Vietnamese names.
-- The facilities' tokens, one a line, come from the file named by TOKENS_FILE (one token:
-- one facility, as before; many: each request from a facility drawn at random, as real
-- traffic comes from thousands of facilities, each with its own token).
local tokens = {}
for line in io.lines(os.getenv("TOKENS_FILE")) do
  tokens[#tokens + 1] = "Bearer " .. line
end
local surnames = {"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"}
local given = {"Văn An", "Thị Hằng", "Hữu Lộc", "Minh Tuấn", "Ngọc Ánh", "Đức Dũng", "Thu Trang"}
wrk.method = "POST"

-- Each thread its own seed: unseeded, every thread's Lua state draws the same first number,
-- so seeding with os.time() + math.random() gave both threads one sequence and sent every
-- guest twice, at the same moment — half the check-ins were duplicates waiting on their
-- twin's row lock (yardstick and ours alike).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + thread_number)
end

request = function()
  local day = math.random(1, 28)
  local body = string.format(
    '{"full_name":"%s %s","date_of_birth":"1990-05-01","gender":"male",' ..
    '"id_number":"0750%02d%06d","check_in_at":"2026-10-%02dT15:00:00+07:00","room":"%d"}',
    surnames[math.random(#surnames)], given[math.random(#given)],
    math.random(0, 99), math.random(0, 999999), day, math.random(101, 520))
  -- Headers given to wrk.format replace wrk.headers: the content type goes with the token.
  local headers = {
    ["Content-Type"] = "application/json",
    ["Authorization"] = tokens[math.random(#tokens)],
  }
  return wrk.format(nil, "/v1/stays", headers, body)
end
