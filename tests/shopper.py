"""What Yuno's SDK does in a shopper's app, done over HTTP against the emulator.

The gateway never sees card numbers; the SDK sends them to Yuno and gets tokens back. Tests
play that part with the Yuno Testing Gateway's cards, whose last digits decide the outcome.
"""

import aiohttp

from gateway.yuno.models import PaymentMethod, TestCard


def card(number: str) -> TestCard:
    return TestCard(
        number=number,
        expiration_month=11,
        expiration_year=2028,
        security_code="123",
        holder_name="John Doe",
    )


VISA_SUCCEEDED = card("4507990000000002")
VISA_INSUFFICIENT_FUNDS = card("4507990000000010")
MASTERCARD_SUCCEEDED = card("5252440000000002")
VISA_ERROR = card("4507990000000077")


async def complete_enrollment(
    sandbox_url: str, public_api_key: str, enrollment_id: str, test_card: TestCard
) -> PaymentMethod:
    """The SDK's enrollment step: send the card for an enrollment that is READY_TO_ENROLL."""
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{sandbox_url}/sdk/enrollments/{enrollment_id}",
            json={"card": test_card.body()},
            headers={"public-api-key": public_api_key},
        ) as response,
    ):
        response.raise_for_status()
        return PaymentMethod.model_validate(await response.json())
