"""Two watcher processes share one `worksteal serve` (advisory mode), each asking for capacity for its own
symbol, as the one-process-per-watcher bots that worksteal replaces did. One account: either process may
cancel any order (the venue is shared), but only the service decides.

  1. the ETH watcher rests its order (there is free margin);
  2. the BTC watcher, ready and short of margin, steals it: the service names the ETH order, the BTC
     process cancels it and reports back, then places its own;
  3. the ETH watcher asks again: ETH is now cooling down (set by the BTC process's steal), so the service
     blocks it (on-cooldown) instead of letting it steal back.

Run against a server started with `WORKSTEAL_TOKEN=... worksteal serve --broker none --equity 10000`:
    python3 demo_two_watchers.py --url http://127.0.0.1:8787 --token ...
Exit code 0 when the cooldown was respected, 1 otherwise.
"""

import argparse
import multiprocessing
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from worksteal_client import WorkstealClient  # noqa: E402


def say(symbol, text):
    print(f"[{symbol} watcher, pid {os.getpid()}] {text}", flush=True)


def venue_id(order):
    """Our stand-in for a venue: it answers a placement with an order id."""
    return f"venue-{order['symbol'].split('/')[0]}-{order['clientOrderId'][-6:]}"


def eth_watcher(url, token, eth_rested, btc_stole, result):
    client = WorkstealClient(url, token)
    eth = dict(symbol="ETH/USD", asset_class="crypto", side="buy", limit_price=2400, qty=3, price=2410,
               forecast_pnl=20)
    answer = client.request(**eth)
    saga = client.carry_out(answer, cancel=lambda order_id: 0, place=venue_id)
    say("ETH", f"{answer['action']} ({answer['reason']}) -> saga {saga['state']}, order {saga['orderId']}")
    eth_rested.set()
    btc_stole.wait(60)
    answer = client.request(**eth)
    say("ETH", f"asks again: {answer['action']} ({answer['reason']}): {answer['detail']}")
    cooling = {c["symbol"]: c["until"] for c in client.status()["cooling"]}
    if "ETH/USD" in cooling:
        say("ETH", f"ETH/USD is cooling until {cooling['ETH/USD']} (a steal by another process)")
    result.value = 1 if answer["action"] == "block" and answer["reason"] == "on-cooldown" else 0


def btc_watcher(url, token, eth_rested, btc_stole):
    client = WorkstealClient(url, token)
    eth_rested.wait(60)
    answer = client.request(symbol="BTC/USD", asset_class="crypto", side="buy", limit_price=60000, qty=0.06,
                            price=60100, forecast_pnl=40, crypto_rank=1)
    say("BTC", f"{answer['action']} ({answer['reason']}); the service says cancel {answer['victims']}")

    def cancel(order_id):
        say("BTC", f"cancelling {order_id} at the venue, confirmed")
        return 0

    saga = client.carry_out(answer, cancel=cancel, place=venue_id)
    say("BTC", f"saga {saga['sagaId']} {saga['state']} ({saga['outcome']}), order {saga['orderId']}")
    btc_stole.set()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("WORKSTEAL_URL", "http://127.0.0.1:8787"))
    parser.add_argument("--token", default=os.environ.get("WORKSTEAL_TOKEN"))
    args = parser.parse_args()
    if not args.token:
        parser.error("give --token or set WORKSTEAL_TOKEN (the token `worksteal serve` was started with)")
    # The account as the venue reports it: 10,000 of equity, nothing resting yet.
    WorkstealClient(args.url, args.token).event({"kind": "account", "equity": 10000})

    eth_rested, btc_stole = multiprocessing.Event(), multiprocessing.Event()
    result = multiprocessing.Value("i", 0)
    watchers = [
        multiprocessing.Process(target=eth_watcher, args=(args.url, args.token, eth_rested, btc_stole, result)),
        multiprocessing.Process(target=btc_watcher, args=(args.url, args.token, eth_rested, btc_stole)),
    ]
    for w in watchers:
        w.start()
    for w in watchers:
        w.join(120)
    if result.value == 1:
        print("cooldown respected: the steal by the BTC process kept the ETH process from stealing back")
        return 0
    print("cooldown NOT respected", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
