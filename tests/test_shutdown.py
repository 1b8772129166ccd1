"""SIGTERM while a payment is in flight: the process goes unready, stops taking new work,
lets the payment finish and answer, closes subscriptions properly, and exits 0."""

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest

from gateway.sandbox import FaultRule, Sandbox, SandboxConfig
from gateway.yuno.client import YunoClient
from tests.conftest import JWT_SECRET, SERVICE_KEY, GatewayClient
from tests.documents import CREATE_PAYMENT
from tests.services import GatewayProcess, eventually
from tests.shopper import VISA_SUCCEEDED
from tests.storefront import create_checkout_session, create_customer


async def test_sigterm_lets_a_slow_payment_finish(
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
    yuno: YunoClient,
    tmp_path: Path,
) -> None:
    process = GatewayProcess(
        {
            "YUNO_PUBLIC_API_KEY": sandbox_config.public_api_key,
            "YUNO_PRIVATE_SECRET_KEY": sandbox_config.private_secret_key,
            "YUNO_ACCOUNT_ID": sandbox_config.account_id,
            "YUNO_API_URL": sandbox_url,
            "GATEWAY_API_KEYS": json.dumps({SERVICE_KEY: ["*"]}),
            "GATEWAY_JWT_SECRET": JWT_SECRET,
            "GATEWAY_SHUTDOWN_GRACE": "0.5",
        },
        tmp_path / "gateway.log",
    )
    process.start()
    async with aiohttp.ClientSession() as http:
        gateway = GatewayClient(http, process.url + "/graphql", f"Bearer {SERVICE_KEY}")
        session_id = await create_checkout_session(gateway, await create_customer(gateway))
        token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
        sandbox.add_fault(
            FaultRule(kind="timeout_after_processing", path_prefix="/v1/payments", hold_seconds=1.5)
        )
        ws = await http.ws_connect(process.url + "/graphql", protocols=["graphql-transport-ws"])
        await ws.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {SERVICE_KEY}"}}
        )
        assert (await ws.receive_json(timeout=10))["type"] == "connection_ack"

        payment = asyncio.create_task(
            gateway.data(
                CREATE_PAYMENT,
                {"input": {"checkoutSessionId": session_id, "paymentMethod": {"token": token}}},
            )
        )
        await eventually(lambda: sandbox.in_flight > 0)  # the payment has reached Yuno
        exit_code = asyncio.get_running_loop().run_in_executor(None, process.terminate)

        for _ in range(200):  # bounded: until the process has seen the signal
            async with http.get(process.url + "/readyz") as ready:
                if ready.status == 503:
                    break
            await asyncio.sleep(0.01)
        else:
            pytest.fail("/readyz never went unready during the grace period")
        answer = await payment
        closing = await ws.receive(timeout=10)

        assert answer["createPayment"]["payment"]["status"] == "SUCCEEDED"
        assert closing.type == aiohttp.WSMsgType.CLOSE
        assert closing.data == aiohttp.WSCloseCode.GOING_AWAY
        assert await exit_code == 0, process.log()
        await ws.close()
