"""The benchmark: real HTTP load against ``gateway serve`` and a plain-strawberry baseline,
both in front of the Yuno emulator with a fixed per-request latency.

``python -m bench.run`` orchestrates; ``python -m bench.load`` is the load generator (its own
process; ``wrk`` measures the peers section when installed); ``python -m bench.baseline`` is
the measuring stick the gateway is compared with. The peers section also measures Hive
Gateway over Yuno's OpenAPI files (``bench/peers/``, ``bench.hive``) and ``bench.ceiling``,
a bare aiohttp server sending the gateway's own answers.
"""
