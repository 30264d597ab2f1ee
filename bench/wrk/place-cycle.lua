-- The place cycle, three round trips per bot: an entry request that places (its saga waits for the placement
-- report), the bot's placement report, then the bot's cancel of that order as an order event.
local common = require("common")
setup = common.setup
done = common.done

function init(args)
  entry = string.format(
    '{"symbol":"P%d/USD","assetClass":"crypto","side":"buy","limitPrice":100,"qty":1,"price":100.1,' ..
    '"forecastPnl":5,"cryptoRank":null}', client)
  step, n, failed = 0, 0, 0
end

function request()
  if step == 0 then
    return wrk.format("POST", "/v1/requests", common.headers, entry)
  elseif step == 1 then
    n = n + 1
    orderId = string.format("v%d-%d", client, n)
    return wrk.format("POST", "/v1/sagas/" .. saga .. "/reports", common.headers, string.format(
      '{"kind":"placed","clientOrderId":"%s","orderId":"%s"}', clientOrderId, orderId))
  else
    return wrk.format("POST", "/v1/events", common.headers, string.format(
      '{"kind":"cancelled","orderId":"%s","filledQty":0}', orderId))
  end
end

function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
    step = 0
  elseif step == 0 then
    saga = string.match(body, '"sagaId":"([^"]+)"')
    clientOrderId = string.match(body, '"clientOrderId":"([^"]+)"')
    if saga and clientOrderId then step = 1 else failed = failed + 1 end
  elseif step == 1 then
    step = 2
  else
    step = 0
  end
end
