"""Yuno's 3-D Secure simulator, as its sandbox documents it (3DS configuration and testing):
a card number picks the scenario, and on a challenge the one-time password picks the result.

A challenge card answers ``PENDING`` / ``WAITING_ADDITIONAL_STEP`` with a challenge URL the
emulator serves (``pages.py``); ``1234`` authenticates, any other password fails. A
frictionless card is authenticated without the shopper and the payment succeeds at once
with ``SUCCEEDED_THREE_D_SECURE``. Several of Yuno's simulator numbers do not pass the Luhn
check (``4234123412340000``...); the emulator takes them as Yuno's sandbox does.
"""

CHALLENGE = "CHALLENGE"
FRICTIONLESS = "FRICTIONLESS"

#: The simulator's cards: number → scenario (browser and application challenges alike).
SCENARIOS: dict[str, str] = {
    # Visa
    "4916994064252017": CHALLENGE,
    "4024007189449340": CHALLENGE,
    "4234123412340003": CHALLENGE,
    "4604633194219929": CHALLENGE,
    "4556557955726624": FRICTIONLESS,
    "4929251897047956": FRICTIONLESS,
    "4234123412340000": FRICTIONLESS,
    # Mastercard
    "5306889942833340": CHALLENGE,
    "5267648608924299": CHALLENGE,
    "5424184049821670": CHALLENGE,
    "5250548692069390": CHALLENGE,
    "5641523891636636": CHALLENGE,
    "5333259155643223": FRICTIONLESS,
    "5512459816707531": FRICTIONLESS,
    # American Express
    "348638267931507": CHALLENGE,
    "349531373081938": CHALLENGE,
    "372021106351394": CHALLENGE,
    "3434567891111005": CHALLENGE,
    "3794521996036850": CHALLENGE,
    "341502098634895": FRICTIONLESS,
    "347899129656655": FRICTIONLESS,
    # Diners and JCB
    "3095000000000001": CHALLENGE,
    "3095000000000000": FRICTIONLESS,
    "3095000000000005": FRICTIONLESS,
    "3528000000000001": CHALLENGE,
    "3528000000000000": FRICTIONLESS,
    "3528000000000005": FRICTIONLESS,
}

#: The one-time password that authenticates a challenge (others: 1111 N, 2222 R, ...).
AUTHENTICATED_OTP = "1234"


def scenario(number: str) -> str | None:
    return SCENARIOS.get(number)
