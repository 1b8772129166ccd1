"""Fixed development credentials, so a gateway and its emulator agree without any setup.

These are not secrets: they only open the in-memory emulator, never a real Yuno account.
"""

DEV_PUBLIC_API_KEY = "sandbox_dev_public_api_key"
DEV_PRIVATE_SECRET_KEY = "sandbox_dev_private_secret_key"
DEV_ACCOUNT_ID = "7c4b0b6e-2f3d-4f7a-9a51-3d1e5f0c8a21"
