"""What mutation testing (tests/mutation.sh) found unpinned in ``resolvers.idempotency``:
a client's retry reaches Yuno under the same key, and that key does not change between
gateway versions (a retry that straddles a deploy must not pay twice)."""

from gateway.auth import CustomerPrincipal, ServicePrincipal
from gateway.resolvers.idempotency import yuno_key
from gateway.sandbox import Sandbox
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.shopper import VISA_SUCCEEDED
from tests.storefront import create_checkout_session, create_customer

PAY = """
mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id } userErrors { field code } }
}"""


async def test_a_retry_with_the_clients_key_is_the_same_payment_under_the_same_yuno_key(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    given = {
        "checkoutSessionId": session_id,
        "paymentMethod": {"token": token},
        "idempotencyKey": "retry-1",
    }
    sandbox.clear_requests()

    first = await gateway.data(PAY, {"input": given})
    again = await gateway.data(PAY, {"input": given})

    assert first["createPayment"]["userErrors"] == again["createPayment"]["userErrors"] == []
    assert first["createPayment"]["payment"]["id"] == again["createPayment"]["payment"]["id"]
    sent = {r.idempotency_key for r in sandbox.requests if r.method == "POST"}
    assert len(sent) == 1


def test_the_key_yuno_sees_is_the_same_in_every_gateway_version() -> None:
    """Golden values: changing how the key is derived needs a migration plan, not a test edit."""
    shopper = yuno_key(CustomerPrincipal("shopper-a"), "payment", "session:1", "k")
    service = yuno_key(ServicePrincipal("back-office"), "refund", "payment:1", "k")

    assert shopper == "e17f275d-13fb-537f-a164-40f3dc765fec"
    assert service == "7fcfbd71-f5b5-553f-a75b-604a076036eb"
