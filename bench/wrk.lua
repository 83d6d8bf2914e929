-- wrk script for bench/run.sh: POSTs a GraphQL body, counts an answer as an
-- error unless it is HTTP 200 with `data` and without `errors`, and prints one
-- JSON line of results.
--
-- BENCH_BODY: a file with the JSON body. BENCH_IDS (optional): a file of ids,
-- one per line; each request then puts the next id (threads take turns) in
-- place of the text __ID__ in the body, so every mutation acts on its own row.
-- BENCH_TOKEN (optional): a bearer token.

local function read(path)
  local f = assert(io.open(path, "r"))
  local s = f:read("*a")
  f:close()
  return s
end

local body = read(os.getenv("BENCH_BODY"))
local ids_path = os.getenv("BENCH_IDS")
local token = os.getenv("BENCH_TOKEN")
local threads = {}
local thread_count = 0

function setup(thread)
  thread:set("index", thread_count)
  thread_count = thread_count + 1
  table.insert(threads, thread)
end

function init(args)
  errors = 0
  answers = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  if token and token ~= "" then
    wrk.headers["Authorization"] = "Bearer " .. token
  end
  ids = nil
  if ids_path and ids_path ~= "" then
    ids = {}
    for line in io.lines(ids_path) do
      table.insert(ids, line)
    end
  end
  next_id = index + 1
  stride = 2 -- wrk -t2
end

function request()
  if ids then
    local id = ids[next_id]
    next_id = next_id + stride
    if id == nil then
      id = "exhausted"
    end
    return wrk.format(nil, nil, nil, (body:gsub("__ID__", id)))
  end
  return wrk.format(nil, nil, nil, body)
end

function response(status, headers, text)
  answers = answers + 1
  if status ~= 200 or text:find('"errors"', 1, true) or not text:find('"data"', 1, true) then
    errors = errors + 1
    if errors <= 3 then
      io.stderr:write("error answer (" .. status .. "): " .. text:sub(1, 300) .. "\n")
    end
  end
end

function done(summary, latency, requests)
  local e, a = 0, 0
  for _, t in ipairs(threads) do
    e = e + t:get("errors")
    a = a + t:get("answers")
  end
  local socket = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format(
    'RESULT {"requests":%d,"answers":%d,"errors":%d,"socket_errors":%d,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f}\n',
    summary.requests, a, e + socket, socket, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000))
end
