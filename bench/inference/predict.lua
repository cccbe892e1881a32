-- One single-instance predict request for the 784-feature benchmark MLP, the same body every time
-- (a fixed pseudo-random 28x28 "image" of 0..255 values, flat).
math.randomseed(42)
local values = {}
for i = 1, 784 do
  values[i] = tostring(math.random(0, 255))
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"instances": [[' .. table.concat(values, ",") .. ']]}'

-- The tail beyond wrk's --latency percentiles, on one line of its own (run.sh reads only wrk's own lines).
done = function(summary, latency, requests)
  local parts = {}
  for _, p in ipairs({95, 98, 99, 99.5, 99.9}) do
    parts[#parts + 1] = string.format("p%g=%.1fms", p, latency:percentile(p) / 1000)
  end
  io.write("tail: " .. table.concat(parts, " ") .. string.format(" max=%.1fms\n", latency.max / 1000))
end
