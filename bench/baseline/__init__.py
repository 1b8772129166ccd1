"""The baseline the gateway is measured against: plain strawberry on aiohttp over Yuno's
REST API (see ``app.py``); ``python -m bench.baseline --port P --yuno-url URL`` serves it."""
