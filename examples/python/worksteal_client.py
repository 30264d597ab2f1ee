"""A small client for `worksteal serve` (standard library only).

    client = WorkstealClient("http://127.0.0.1:8787", token="...")
    answer = client.request(symbol="BTC/USD", asset_class="crypto", side="buy", limit_price=60000,
                            qty=0.06, price=60100, forecast_pnl=40)
    # answer["saga"]["waitingFor"] lists what to do: cancel these orders, then place this one.

The API is described in docs/openapi.json (served at /openapi.json).
"""

import json
import urllib.error
import urllib.request


class WorkstealError(Exception):
    """The service refused a call: `status` is the HTTP status, `body` its JSON answer."""

    def __init__(self, status, body):
        self.status = status
        self.body = body
        issues = body.get("issues") if isinstance(body, dict) else None
        detail = "; ".join(f"{i['field']}: {i['message']}" for i in issues) if issues else body
        super().__init__(f"HTTP {status}: {detail}")


class WorkstealClient:
    def __init__(self, base_url, token, timeout=120):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.base_url + path, data=data, method=method)
        req.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            req.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as res:
                return json.loads(res.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            text = error.read().decode("utf-8")
            try:
                body = json.loads(text)
            except ValueError:
                body = text
            raise WorkstealError(error.code, body) from None

    # --- entry requests and sagas -----------------------------------------------------------------------

    def request(self, symbol, asset_class, side, limit_price, qty, price, forecast_pnl, crypto_rank=None):
        """Ask for capacity. The answer's `status` is `waiting-for-bot` while its saga waits for reports."""
        return self._call("POST", "/v1/requests", {
            "symbol": symbol, "assetClass": asset_class, "side": side, "limitPrice": limit_price,
            "qty": qty, "price": price, "forecastPnl": forecast_pnl, "cryptoRank": crypto_rank,
        })

    def report_cancelled(self, saga_id, order_id, filled_qty=0, as_of=None):
        """`as_of`: the venue's time of the cancel (epoch ms), when you also send dated position snapshots."""
        return self._call("POST", f"/v1/sagas/{saga_id}/reports", _dated(
            {"kind": "cancelled", "orderId": order_id, "filledQty": filled_qty}, as_of))

    def report_filled(self, saga_id, order_id, filled_qty, fill_price, as_of=None):
        return self._call("POST", f"/v1/sagas/{saga_id}/reports", _dated(
            {"kind": "filled", "orderId": order_id, "filledQty": filled_qty, "fillPrice": fill_price}, as_of))

    def report_placed(self, saga_id, client_order_id, order_id):
        return self._call("POST", f"/v1/sagas/{saga_id}/reports",
                          {"kind": "placed", "clientOrderId": client_order_id, "orderId": order_id})

    def report_place_rejected(self, saga_id, client_order_id, reason):
        return self._call("POST", f"/v1/sagas/{saga_id}/reports",
                          {"kind": "place-rejected", "clientOrderId": client_order_id, "reason": reason})

    def carry_out(self, answer, cancel, place):
        """Do what a saga asks until it ends: `cancel(order_id)` cancels at the venue and returns the
        cumulative filled quantity; `place(order)` places and returns the venue's order id. Returns the saga."""
        saga = answer.get("saga")
        while saga and saga["waitingFor"]:
            action = saga["waitingFor"][0]
            if action["kind"] == "cancel":
                saga = self.report_cancelled(saga["sagaId"], action["orderId"], cancel(action["orderId"]))
            else:
                order = action["order"]
                saga = self.report_placed(saga["sagaId"], order["clientOrderId"], place(order))
        return saga

    # --- order events and reads -------------------------------------------------------------------------

    def event(self, event):
        """An order event: placed, fill, cancelled, quote, account or position (see docs/openapi.json)."""
        return self._call("POST", "/v1/events", event)

    def status(self):
        return self._call("GET", "/v1/status")

    def decisions(self, since=None, limit=1000):
        query = f"?limit={limit}" + (f"&since={since}" if since is not None else "")
        return self._call("GET", "/v1/decisions" + query)["decisions"]


def _dated(body, as_of):
    """The body with `asOf` when a venue time is given (omitted, the service counts it as it arrives)."""
    return body if as_of is None else {**body, "asOf": as_of}
