-- The decide workload: each bot sends an entry request for its own symbol, again and again; the service
-- evaluates every resting order and blocks it (nothing changes between requests).
local common = require("common")
setup = common.setup
done = common.done

function init(args)
  local body = string.format(
    '{"symbol":"B%d/USD","assetClass":"crypto","side":"buy","limitPrice":100,"qty":50,"price":100.1,' ..
    '"forecastPnl":5,"cryptoRank":null}', client)
  req = wrk.format("POST", "/v1/requests", common.headers, body)
  failed = 0
end

function request()
  return req
end

function response(status, headers, body)
  if status ~= 200 then failed = failed + 1 end
end
