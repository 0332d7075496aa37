-- wrk script: POST pre-signed webhook deliveries, each once, spread over wrk's threads.
-- Lines of the requests file: "<X-Rapport-Timestamp>\t<X-Rapport-Signature>\t<JSON body>".
-- usage: wrk ... -s bench/ingest/requests.lua <url> -- <requests file> <threads>
local lines = {}
local counter = 0
local stride = 1
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
end

function init(args)
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  stride = tonumber(args[2])
  counter = tid
end

function request()
  local line = lines[(counter % #lines) + 1]
  counter = counter + stride
  local timestamp, signature, body = line:match("([^\t]*)\t([^\t]*)\t(.*)")
  return wrk.format("POST", "/webhooks/generic", {
    ["Content-Type"] = "application/json",
    ["X-Rapport-Timestamp"] = timestamp,
    ["X-Rapport-Signature"] = signature,
  }, body)
end
