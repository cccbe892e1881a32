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
