-- wrk's script for the bench (bench/wrk.py runs it):
--
--   wrk -t1 -c16 -d5s -s bench/wrk.lua -H 'Content-Type: application/json' URL \
--     -- POST bodies.jsonl expects.txt
--
-- Bodies (JSON lines; "-" for none) are sent in turn, each formatted once. An answer counts
-- as failed unless it is a 200 whose body contains every line of the expects file ("-":
-- unless it has no "errors" key), as python -m bench.load judges. At the end it prints one
-- line `WRK-REPORT {json}` and, if an answer failed, `WRK-FIRST-FAILURE <status>: <body>`.

local prepared, expects, turn = {}, {}, 0
local threads = {}
-- Globals, so that done() can read each thread's with thread:get().
failures, first_failure = 0, ""

local function lines(path)
  local found = {}
  if path ~= "-" then
    for line in io.lines(path) do
      if line ~= "" then found[#found + 1] = line end
    end
  end
  return found
end

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = args[1]
  for _, body in ipairs(lines(args[2])) do
    prepared[#prepared + 1] = wrk.format(nil, nil, nil, body)
  end
  if #prepared == 0 then prepared[1] = wrk.format() end
  expects = lines(args[3])
end

function request()
  turn = turn % #prepared + 1
  return prepared[turn]
end

local function accepted(status, body)
  if status ~= 200 then return false end
  if #expects == 0 then return not string.find(body, '"errors"', 1, true) end
  for _, text in ipairs(expects) do
    if not string.find(body, text, 1, true) then return false end
  end
  return true
end

function response(status, headers, body)
  if not accepted(status, body) then
    failures = failures + 1
    if first_failure == "" then
      first_failure = status .. ": " .. string.gsub(string.sub(body, 1, 400), "\n", " ")
    end
  end
end

function done(summary, latency)
  local failed, first = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + thread:get("failures")
    if first == "" then first = thread:get("first_failure") end
  end
  local e = summary.errors
  io.write(string.format(
    '\nWRK-REPORT {"requests": %d, "failed": %d, "socket_errors": %d, "duration_us": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %f}\n',
    summary.requests, failed, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    latency.mean
  ))
  if first ~= "" then io.write("WRK-FIRST-FAILURE " .. first .. "\n") end
end
