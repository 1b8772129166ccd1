"""What every card number satisfies: the Luhn check digit.

Shared by the emulator (which validates the cards the SDK sends, as Yuno does) and the
gateway's edge (which refuses raw card numbers in free-text inputs).
"""


def luhn_valid(number: str) -> bool:
    """True when the digits' Luhn checksum is 0 mod 10 (``number`` holds digits only)."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0
