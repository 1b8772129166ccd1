"""``python -m bench.soak [--minutes 5] [--out bench/results/soak.json]``: bounded memory.

Starts the emulator and one ``gateway serve``, seeds data, then for ``--minutes`` drives a
mixed workload from this process: cached reads, customers, checkout sessions and payments
written, and subscriptions that connect, get their first update and disconnect. It samples
the gateway's RSS every few seconds and reports the growth from the first to the last
quarter of the run (flat means no leak), the peak, and the subscriptions still alive at the
end (``gateway_subscriptions`` in ``/metrics``: 0 means disconnected clients left nothing).
It is a measurement, not a test: nothing here asserts a threshold.
"""

import argparse
import asyncio
import itertools
import json
import random
import statistics
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

from bench.clients import Emulator, GraphQL
from bench.dataset import Dataset, Sizes, seed
from bench.processes import Service, start_emulator, start_gateway

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "soak.json"
CLIENTS = 8
SAMPLE_EVERY = 2.0

READ = """query($id: ID!) { checkoutSession(id: $id) {
  amount { value currency } customer { email } paymentMethods { name type vaultedToken } } }"""
CREATE_CUSTOMER = """mutation($i: CreateCustomerInput!) { createCustomer(input: $i) {
  customer { id } userErrors { code } } }"""
CREATE_SESSION = """mutation($i: CreateCheckoutSessionInput!) { createCheckoutSession(input: $i) {
  session { id } userErrors { code } } }"""
PAY = """mutation($i: CreatePaymentInput!) { createPayment(input: $i) {
  payment { id status } userErrors { code } } }"""
UPDATES = "subscription($id: ID!) { paymentUpdated(id: $id) { status } }"


@dataclass
class Tally:
    operations: dict[str, int] = field(default_factory=dict)
    errors: int = 0

    def count(self, name: str) -> None:
        self.operations[name] = self.operations.get(name, 0) + 1


async def read(gateway: GraphQL, data: Dataset, rng: random.Random) -> None:
    await gateway.data(READ, {"id": rng.choice(data.read_sessions)})


async def pay_flow(gateway: GraphQL, emulator: Emulator, data: Dataset, rng: random.Random) -> str:
    """A customer, a session for a carded customer, and its payment: the write path."""
    await gateway.data(CREATE_CUSTOMER, {"i": {"merchantCustomerId": f"soak-{uuid.uuid4()}"}})
    owner = rng.choice(data.carded_customers)
    session = await gateway.data(
        CREATE_SESSION,
        {
            "i": {
                "customerId": owner,
                "merchantOrderId": f"soak-{uuid.uuid4().hex[:12]}",
                "paymentDescription": "Soak test",
                "country": "CO",
                "amount": {"value": "10.00", "currency": "COP"},
            }
        },
    )
    session_id = session["createCheckoutSession"]["session"]["id"]
    token = await emulator.mint_token(session_id)
    paid = await gateway.data(
        PAY, {"i": {"checkoutSessionId": session_id, "paymentMethod": {"token": token}}}
    )
    payment_id: str = paid["createPayment"]["payment"]["id"]
    return payment_id


async def subscribe_once(http: aiohttp.ClientSession, gateway: GraphQL, payment_id: str) -> None:
    """Connect, get the payment's current state, leave: what a phone closing the app does."""
    url = gateway.url.replace("http", "ws", 1)
    async with http.ws_connect(url, protocols=["graphql-transport-ws"]) as socket:
        payload = {"Authorization": gateway.headers["Authorization"]}
        await socket.send_json({"type": "connection_init", "payload": payload})
        await socket.receive_json(timeout=10)
        subscription = {"query": UPDATES, "variables": {"id": payment_id}}
        await socket.send_json({"id": "1", "type": "subscribe", "payload": subscription})
        await socket.receive_json(timeout=10)


async def client_loop(
    index: int,
    until: float,
    http: aiohttp.ClientSession,
    gateway: GraphQL,
    emulator: Emulator,
    data: Dataset,
    tally: Tally,
) -> None:
    rng = random.Random(index)
    payments: list[str] = []
    while time.monotonic() < until:
        kind = rng.choices(["read", "write", "subscribe"], weights=[8, 1, 1])[0]
        try:
            if kind == "read":
                await read(gateway, data, rng)
            elif kind == "write" or not payments:
                payments = [*payments[-20:], await pay_flow(gateway, emulator, data, rng)]
            else:
                await subscribe_once(http, gateway, rng.choice(payments))
            tally.count(kind)
        except Exception:
            tally.errors += 1


async def sample_memory(gateway: Service, until: float, samples: list[tuple[float, int]]) -> None:
    began = time.monotonic()
    while time.monotonic() < until:
        samples.append((round(time.monotonic() - began, 1), gateway.memory_kb()["VmRSS"]))
        await asyncio.sleep(SAMPLE_EVERY)


async def live_subscriptions(http: aiohttp.ClientSession, gateway: Service) -> float:
    metrics_url = gateway.url.removesuffix("/graphql") + "/metrics"
    async with http.get(metrics_url) as response:
        text = await response.text()
    line = next(line for line in text.splitlines() if line.startswith("gateway_subscriptions "))
    return float(line.split()[1])


def summary(
    samples: list[tuple[float, int]], tally: Tally, live: float, minutes: float
) -> dict[str, object]:
    rss = [kb for _, kb in samples]
    quarter = max(1, len(rss) // 4)
    first, last = statistics.median(rss[:quarter]), statistics.median(rss[-quarter:])
    return {
        "minutes": minutes,
        "operations": tally.operations,
        "errors": tally.errors,
        "rss_mb_first_quarter_median": round(first / 1024, 1),
        "rss_mb_last_quarter_median": round(last / 1024, 1),
        "rss_growth_percent": round(100 * (last - first) / first, 1),
        "rss_mb_peak": round(max(rss) / 1024, 1),
        "subscriptions_alive_at_end": live,
        "samples": samples,
    }


async def main(minutes: float) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="soak-") as scratch:
        emulator_service = await start_emulator(Path(scratch), latency_ms=5)
        gateway_service = await start_gateway(Path(scratch), emulator_service.url)
        try:
            async with aiohttp.ClientSession() as http:
                gateway = GraphQL(http, gateway_service.url, gateway_service.headers)
                emulator = Emulator(http, emulator_service.url)
                data = await seed(gateway, emulator, Sizes())
                tally, samples = Tally(), list[tuple[float, int]]()
                until = time.monotonic() + minutes * 60
                await asyncio.gather(
                    sample_memory(gateway_service, until, samples),
                    *(
                        client_loop(i, until, http, gateway, emulator, data, tally)
                        for i in itertools.islice(itertools.count(), CLIENTS)
                    ),
                )
                await asyncio.sleep(1)  # let closing sockets finish on the server
                result = summary(
                    samples, tally, await live_subscriptions(http, gateway_service), minutes
                )
        finally:
            await gateway_service.stop()
            await emulator_service.stop()
    return result


def write(out: Path, result: dict[str, object]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    result = asyncio.run(main(args.minutes))
    write(args.out, result)
    shown = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(shown, indent=2))


if __name__ == "__main__":
    cli()
