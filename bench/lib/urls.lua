-- wrk script for the benchmarks: cycles through the paths listed in a file, one a line.
--   wrk -t1 -c16 -d5s -s bench/lib/urls.lua http://127.0.0.1:PORT -- PATHS_FILE
-- Requests are formatted once in init; each thread starts at its own offset so threads do
-- not ask for the same page at the same moment.
local requests = {}
local count = 0
local index = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  local file = assert(io.open(args[1], "r"), "cannot open the paths file " .. tostring(args[1]))
  for line in file:lines() do
    if #line > 0 then
      count = count + 1
      requests[count] = wrk.format("GET", line)
    end
  end
  file:close()
  assert(count > 0, "the paths file lists no path")
  index = (offset or 0) % count
end

function request()
  index = index % count + 1
  return requests[index]
end
